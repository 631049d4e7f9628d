"""Invariant 9: what was published is known per target, so every target gets everything.

One database may publish to several targets (a folder and a bucket, two
buckets, a bucket through two endpoints). Each target's records are its own:
a first publish to a target writes all it needs, whatever was published
elsewhere. Each database test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from moto import mock_aws
from schools import riyadh_school, save
from store_checks import RecordingStore, assert_manifests_name_existing_files, manifests

from publisher.build.source import AnnouncementRow
from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.db.save import save_school
from publisher.maintain.verify import MISSING, verify
from publisher.page import asset_files
from publisher.page.build import current_page_build
from publisher.publish.plan import Reason
from publisher.publish.run import publish
from publisher.stores import StoreOptions
from publisher.stores.local import LocalStore
from publisher.stores.open import open_store, target_identity
from publisher.stores.s3 import S3Store, endpoint_identity

SETTINGS = PublishSettings(concurrency=4)
WINDOW = SETTINGS.days + 1  # dates a manifest names
PER_SCHOOL = WINDOW + 3  # the day files, the manifest, the page, the alert object
SHARED = len(asset_files()) + 1  # the page's assets and sw.js
PAGE = current_page_build(None)


def complete(store: RecordingStore, school_count: int) -> None:
    """Every school's manifest, and every file it names, is in the store, with the page."""
    assert len(manifests(store)) == school_count
    assert_manifests_name_existing_files(store)
    assert store.get("sw.js") is not None
    assert all(store.get(f"assets/{PAGE.build_hash}/{name}") is not None for name in asset_files())


def test_invariant_9_every_target_gets_everything_whatever_was_published_elsewhere(
    sessions, tmp_path, now
):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    a = RecordingStore(LocalStore.open(tmp_path / "a"), check_manifests=True)
    b = RecordingStore(LocalStore.open(tmp_path / "b"), check_manifests=True)

    def run(store: RecordingStore) -> int:
        store.puts.clear()
        summary = publish(sessions, store, ids, now, SETTINGS, page=PAGE)
        assert not summary.failed
        return summary.objects_written

    assert run(a) == 2 * PER_SCHOOL + SHARED
    assert run(b) == 2 * PER_SCHOOL + SHARED  # a first publish to b: everything
    complete(a, 2)
    complete(b, 2)
    assert (run(a), run(b)) == (0, 0)

    with transaction(sessions) as session:
        notice = AnnouncementRow("Notice", now.date(), now.date() + dt.timedelta(days=2))
        save_school(session, riyadh_school("alpha", announcements=(notice,)))
    changed = run(a)
    assert 0 < changed < PER_SCHOOL  # alpha's changed days and its manifest
    assert run(b) == changed  # b was behind by exactly the same change
    complete(a, 2)
    complete(b, 2)
    assert (run(a), run(b)) == (0, 0)
    assert a.checks > 0 and b.checks > 0
    for store in (a, b):
        report = verify(sessions, store, ids, now, SETTINGS, page=PAGE)
        assert report.problems == []


def test_a_second_target_gets_everything_from_the_command_line(cli, sessions, tmp_path):
    """The bug this fixes: a publish to another folder wrote nothing and said so."""
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    assert cli("publish", "--all").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    result = cli("publish", "--all", "--json", "--target", f"file://{elsewhere}")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["objects_written"] == 2 * PER_SCHOOL + SHARED
    assert_manifests_name_existing_files(LocalStore.open(elsewhere))
    again = cli("publish", "--all", "--json", "--target", str(elsewhere))  # a plain path: the same
    assert json.loads(again.stdout)["counts"]["objects_written"] == 0


def test_publish_changed_compares_with_the_state_of_the_run_s_target(cli, sessions, tmp_path):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    assert cli("publish", "--all").exit_code == 0
    other = f"file://{tmp_path / 'other'}"
    result = cli("publish", "--changed", "--json", "--target", other)
    assert json.loads(result.stdout)["published"] == ["alpha", "beta"]  # never published there
    assert json.loads(cli("publish", "--changed", "--json").stdout)["published"] == []
    with transaction(sessions) as session:
        save_school(session, riyadh_school("beta", name="Renamed"))
    for target in (other, f"file://{cli.target}"):
        result = cli("publish", "--changed", "--json", "--target", target)
        assert json.loads(result.stdout)["published"] == ["beta"], target


def test_a_new_target_whose_bucket_does_not_exist_is_refused_before_any_write(
    cli, sessions, aws_credentials
):
    save(sessions, riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="screens")
        result = cli("publish", "--all", "--target", "s3://missing/site")
        assert result.exit_code == 2, result.output
        assert result.stderr.strip().splitlines() == [
            "Error: target s3://missing/site/: bucket missing does not exist"
        ]
        assert (
            json.loads(cli("status", "--json", "--target", "s3://missing/site").stdout)["schools"][
                0
            ]["published_revision"]
            is None
        )


def test_a_missing_bucket_on_a_published_target_sends_nothing_when_nothing_changed(
    cli, sessions, aws_credentials
):
    """The other side of the rule: a run with nothing to write sends no request, so a
    target published before is not checked again (`verify` checks the store)."""
    save(sessions, riyadh_school("alpha"))
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="screens")
        assert cli("publish", "--all", "--target", "s3://screens/site").exit_code == 0
        boto3.resource("s3").Bucket("screens").objects.all().delete()
        boto3.client("s3").delete_bucket(Bucket="screens")
        result = cli("publish", "--all", "--target", "s3://screens/site")
        assert result.exit_code == 0, result.output
        assert cli("verify", "--target", "s3://screens/site").exit_code == 2


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(None, None, id="aws-default"),
        pytest.param("https://s3.eu-west-1.amazonaws.com", None, id="aws-region"),
        pytest.param("https://MinIO.Example.org:443/", "https://minio.example.org", id="case-port"),
        pytest.param("http://minio.local:80", "http://minio.local", id="http-default-port"),
        pytest.param("http://127.0.0.1:9000", "http://127.0.0.1:9000", id="other-port"),
        pytest.param(
            "https://key:secret@r2.example.com/", "https://r2.example.com", id="no-credentials"
        ),
        pytest.param("http://[::1]:9000", "http://[::1]:9000", id="ipv6"),
    ],
)
def test_an_endpoint_is_named_one_way_and_without_credentials(given, expected):
    assert endpoint_identity(given) == expected


def test_a_target_s_identity_names_its_store_whatever_way_it_was_written(
    tmp_path, monkeypatch, aws_credentials
):
    monkeypatch.chdir(tmp_path)
    folder = (tmp_path / "public").as_uri()
    assert target_identity("file://./public") == folder
    assert target_identity("public") == folder
    assert open_store(f"file://{tmp_path}/public/").identity() == folder
    assert target_identity("other") == (tmp_path / "other").as_uri()
    assert not (tmp_path / "other").exists()  # named, not created

    def s3(target: str, endpoint: str | None = None) -> str:
        return S3Store.open(target, StoreOptions(endpoint_url=endpoint)).identity()

    assert s3("s3://screens") == s3("s3://screens/") == "s3://screens"
    assert s3("s3://screens/site/") == s3("s3://screens//site") == "s3://screens/site"
    assert s3("s3://screens/site", "https://minio.example.org:443") == (
        "s3://screens/site?endpoint=https://minio.example.org"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000")
    assert s3("s3://screens/site") == "s3://screens/site?endpoint=http://127.0.0.1:9000"
    assert len({s3("s3://screens/a"), s3("s3://screens/b"), s3("s3://other/a")}) == 3


PROFILE = "[default]\nendpoint_url = http://profile.example:8333\n"
SERVICES = "[default]\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://local\n"
NAMED_PROFILE = "[default]\nregion = us-east-1\n[profile minio]\nendpoint_url = http://minio\n"
IGNORING = "[default]\nignore_configured_endpoint_urls = true\n"
S3_ONLY, EVERY_SERVICE = "http://s3-only.example:9000", "http://every-service.example"

ENDPOINT_CONFIGURATIONS = {
    # name: (flag, environment, config file, whether only a client can tell)
    "nothing configured": (None, {}, "", False),
    "a config file with no endpoint": (None, {}, "[default]\nregion = eu-west-1\n", False),
    "the flag": ("http://127.0.0.1:9000", {}, "", False),
    "the flag over everything": ("http://flag", {"AWS_ENDPOINT_URL_S3": S3_ONLY}, PROFILE, False),
    "AWS_ENDPOINT_URL_S3": (None, {"AWS_ENDPOINT_URL_S3": S3_ONLY}, "", False),
    "AWS_ENDPOINT_URL": (None, {"AWS_ENDPOINT_URL": EVERY_SERVICE}, "", False),
    "the S3 variable first": (
        None, {"AWS_ENDPOINT_URL_S3": S3_ONLY, "AWS_ENDPOINT_URL": EVERY_SERVICE}, "", False
    ),
    "the environment over the config file": (None, {"AWS_ENDPOINT_URL": S3_ONLY}, PROFILE, False),
    "ignored by the environment": (
        None, {"AWS_ENDPOINT_URL_S3": S3_ONLY, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
        PROFILE, False,
    ),
    "not ignored by the environment": (
        None, {"AWS_ENDPOINT_URL": S3_ONLY, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"},
        IGNORING, False,
    ),
    "the config file's profile": (None, {}, PROFILE, True),
    "the config file's services section": (None, {}, SERVICES, True),
    "a profile named by AWS_PROFILE": (None, {"AWS_PROFILE": "minio"}, NAMED_PROFILE, True),
    "ignored by the config file": (None, {"AWS_ENDPOINT_URL_S3": S3_ONLY}, IGNORING, True),
}  # fmt: skip


@pytest.mark.parametrize(
    ("flag", "environment", "config_file", "only_a_client_can_tell"),
    ENDPOINT_CONFIGURATIONS.values(),
    ids=ENDPOINT_CONFIGURATIONS.keys(),
)
def test_a_target_s_identity_names_the_endpoint_boto3_resolves_creating_no_client_if_it_can(
    tmp_path, monkeypatch, aws_credentials, flag, environment, config_file, only_a_client_can_tell
):
    """Invariant 9 rests on the identity: the one a store finds without a client
    (a run with nothing to write makes none) is the one its client gives."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config").write_text(config_file)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    clients = []
    make_client = boto3.session.Session.client

    def counted(session: boto3.session.Session, *args: Any, **kwargs: Any) -> Any:
        clients.append(make_client(session, *args, **kwargs))
        return clients[-1]

    monkeypatch.setattr(boto3.session.Session, "client", counted)

    store = S3Store.open("s3://screens/site", StoreOptions(endpoint_url=flag))
    identity = store.identity()

    assert len(clients) == (1 if only_a_client_can_tell else 0)
    client = make_client(boto3.session.Session(), "s3", endpoint_url=flag)
    assert identity == S3Store(client, "screens", "site/").identity()
    assert store.client.meta.endpoint_url == client.meta.endpoint_url


def test_verify_compares_a_target_with_its_own_records_and_repair_completes_it(
    sessions, tmp_path, now
):
    ids = save(sessions, riyadh_school("alpha"))
    a = LocalStore.open(tmp_path / "a")
    b = RecordingStore(LocalStore.open(tmp_path / "b"))
    publish(sessions, a, ids, now, SETTINGS, page=PAGE)

    report = verify(sessions, b, ids, now, SETTINGS, page=PAGE)
    assert {(p.kind, p.reason) for p in report.problems} == {
        (MISSING, Reason.PENDING_FIRST_PUBLISH)
    }
    assert len(report.problems) == PER_SCHOOL + SHARED

    repaired = verify(sessions, b, ids, now, SETTINGS, repair=True, page=PAGE)
    assert len(repaired.repaired) == PER_SCHOOL + SHARED
    complete(b, 1)
    assert verify(sessions, b, ids, now, SETTINGS, page=PAGE).problems == []
    b.puts.clear()
    assert publish(sessions, b, ids, now, SETTINGS, page=PAGE).objects_written == 0
