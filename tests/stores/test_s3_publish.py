"""Publishing to S3 over real HTTP: the command line against moto's server, with faults.

Objects are read back with plain HTTP, as a CDN would; a fault proxy between the
publisher and moto makes the store slow down, fail, drop connections, corrupt
bodies or go away. Each database test runs on SQLite and on PostgreSQL.

moto does not verify Content-MD5 nor x-amz-checksum-* on PutObject (it stores
whatever arrives), so where a test needs S3's check of a body against its
Content-MD5, the proxy performs it and answers 400 BadDigest as S3 does.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner, Result
from moto.core import enable_iam_authentication
from schools import riyadh_school, save
from sqlalchemy import text
from store_checks import PREFIX, RecordingStore, checked_manifests, wait_for_puts

from publisher.build.source import AnnouncementRow
from publisher.cli import main
from publisher.config import PublishSettings
from publisher.db import open_engine, session_factory, transaction
from publisher.page import asset_files
from publisher.publish.run import publish
from publisher.stores import StoreOptions
from publisher.stores.s3 import S3Store
from testsupport import CHECKOUT
from testsupport.s3_server import (  # noqa: F401  (the fixtures register by being imported)
    Bucket,
    FaultProxy,
    MotoServer,
    aws_env_fixture,
    bucket_fixture,
    closed_port,
    moto_server_fixture,
    proxy_fixture,
)

REPO = CHECKOUT
JSON_TYPE = "application/json; charset=utf-8"
IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "public, max-age=60, stale-while-revalidate=60, stale-if-error=604800"
ALERT = "public, max-age=5, stale-if-error=60"  # seconds: an urgent message must show fast
SETTINGS = PublishSettings(concurrency=4)
SCHOOLS = 16  # in the kill test: enough that every kill lands in the middle of uploads
WINDOW = SETTINGS.days + 1  # dates a manifest names: --days, and yesterday or today+days
PER_SCHOOL = WINDOW + 3  # objects: the day files, the manifest, the page, the alert object
SHARED = len(asset_files()) + 1  # the page's assets and sw.js, shared by every school


@dataclass
class S3Cli:
    """`publisher` aimed at the test's bucket, through moto directly or `endpoint=`."""

    cli: Any
    bucket: Bucket
    endpoint: str

    def __call__(
        self,
        *args: str,
        endpoint: str | None = None,
        target: str | None = None,
        env: dict[str, Any] | None = None,
    ) -> Result:
        return self.cli(
            *args,
            "--target",
            target or self.bucket.target(PREFIX),
            "--endpoint-url",
            endpoint or self.endpoint,
            env=env,
        )


@pytest.fixture
def s3(cli, aws_env, bucket: Bucket, moto_server: MotoServer) -> S3Cli:
    return S3Cli(cli, bucket, moto_server.url)


def school_keys(sessions) -> dict[str, str]:
    with transaction(sessions) as session:
        rows = session.execute(text("SELECT slug, public_key FROM schools"))
        return {slug: key for slug, key in rows}


def manifest_key(school_key: str) -> str:
    return f"{PREFIX}/schools/{school_key}/manifest.json"


def with_new_announcement(slug: str) -> Any:
    """A change to every day of the window, whatever the real clock says."""
    today = dt.datetime.now(dt.UTC).date()
    notice = AnnouncementRow(
        f"Notice for {slug}", today - dt.timedelta(days=2), today + dt.timedelta(days=14)
    )
    return riyadh_school(slug, announcements=(notice,))


def summary_of(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)


def failed_schools(summary: dict[str, Any]) -> list[str]:
    return [failure["school"] for failure in summary["failed"]]


def is_canonical(body: bytes) -> bool:
    document = json.loads(body)
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return encoded.encode() == body


def b64_md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def attempt(exchange) -> int:
    """botocore numbers each try of a request: `amz-sdk-request: ttl=...; attempt=2; max=8`."""
    fields = dict(f.strip().split("=", 1) for f in exchange.headers["amz-sdk-request"].split(";"))
    return int(fields["attempt"])


# -- what is published ----------------------------------------------------------------


def test_publish_to_s3_serves_every_object_with_its_bytes_and_cache_headers(
    s3, sessions, two_schools, bucket
):
    result = s3("publish", "--all")
    assert result.exit_code == 0, result.stderr
    assert f"2 published, 0 unchanged, 0 failed: {2 * PER_SCHOOL + SHARED} objects" in result.stderr

    with transaction(sessions) as session:
        rows = session.execute(text("SELECT key, sha256 FROM published_objects"))
        recorded = {key: sha256 for key, sha256 in rows}
    # Exactly the recorded objects, under the prefix: no probe or temporary object left.
    assert bucket.object_keys() == sorted(f"{PREFIX}/{key}" for key in recorded)
    for key, sha256 in recorded.items():
        served = bucket.fetch(f"{PREFIX}/{key}")
        assert served.status == 200
        assert hashlib.sha256(served.body).hexdigest() == sha256, key
        mutable = key.endswith(("/manifest.json", "/index.html")) or key == "sw.js"
        expected = ALERT if key.endswith("/alert.json") else MUTABLE if mutable else IMMUTABLE
        assert served.headers["cache-control"] == expected, key
        if key.endswith(".json"):
            assert is_canonical(served.body), key
            assert served.headers["content-type"] == JSON_TYPE
    types = {
        key.rsplit(".", 1)[-1]: bucket.fetch(f"{PREFIX}/{key}").headers["content-type"]
        for key in recorded
    }
    assert types == {
        "json": JSON_TYPE,
        "html": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "woff2": "font/woff2",
        "txt": "text/plain; charset=utf-8",
    }

    for school_key in school_keys(sessions).values():
        manifest = json.loads(bucket.fetch(manifest_key(school_key)).body)
        assert len(manifest["days"]) == WINDOW
        for day in manifest["days"]:
            assert day["path"].endswith(f"-{day['sha256'][:16]}.json")
            body = bucket.fetch(f"{PREFIX}/schools/{school_key}/{day['path']}").body
            assert hashlib.sha256(body).hexdigest() == day["sha256"]


def test_a_publish_with_nothing_changed_sends_no_request_at_all(s3, two_schools, proxy):
    assert s3("publish", "--all", endpoint=proxy.url).exit_code == 0
    before = proxy.received()

    result = s3("publish", "--all", "--json", endpoint=proxy.url)

    assert result.exit_code == 0, result.stderr
    assert summary_of(result)["counts"]["objects_written"] == 0
    assert proxy.received() == before  # no HEAD of the bucket, no listing, nothing


def test_a_publish_with_nothing_changed_never_loads_boto3(s3, two_schools, database_url):
    """The target's identity comes from the endpoint as configured, not from a client."""
    assert s3("publish", "--all").exit_code == 0
    command = [sys.executable, "-X", "importtime", "-m", "publisher", "publish", "--all"]
    command += ["--database", database_url, "--target", s3.bucket.target(PREFIX)]
    command += ["--endpoint-url", s3.endpoint, "--json"]

    done = subprocess.run(command, cwd=CHECKOUT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["counts"]["objects_written"] == 0
    imported = [line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "publisher.publish.inputs" in imported  # the report lists what the run loaded
    assert not [name for name in imported if name.split(".")[0] in ("boto3", "botocore")]


def test_a_new_max_age_rewrites_only_the_manifests_and_is_served_at_once(
    s3, sessions, two_schools, bucket
):
    assert s3("publish", "--all").exit_code == 0

    plan = s3("publish", "--all", "--max-age", "120", "--dry-run")
    rows = [line.split("\t") for line in plan.stdout.splitlines()]
    assert [(key.rsplit("/", 1)[-1], reason) for _, key, reason in rows] == [
        ("sw.js", "headers changed")
    ] + [("manifest.json", "headers changed"), ("index.html", "headers changed")] * 2

    result = s3("publish", "--all", "--max-age", "120", "--json")
    assert summary_of(result)["counts"]["objects_written"] == 5
    for school_key in school_keys(sessions).values():
        served = bucket.fetch(manifest_key(school_key))
        assert served.headers["cache-control"] == MUTABLE.replace("max-age=60", "max-age=120")
        day = json.loads(served.body)["days"][0]["path"]
        assert bucket.fetch(f"{PREFIX}/schools/{school_key}/{day}").headers["cache-control"] == (
            IMMUTABLE
        )
    again = s3("publish", "--all", "--max-age", "120", "--json")
    assert summary_of(again)["counts"]["objects_written"] == 0


# -- configuration errors: exit 2, one line, nothing written ---------------------------


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        pytest.param("missing bucket", "bucket {missing} does not exist", id="missing-bucket"),
        pytest.param(
            "unreachable endpoint", "endpoint {closed} unreachable", id="unreachable-endpoint"
        ),
        pytest.param(
            "credentials the store does not know",
            "access denied to bucket {bucket} (check the credentials and their permissions)",
            id="wrong-credentials",
        ),
        pytest.param(
            "no credentials at all",
            "no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY)",
            id="no-credentials",
        ),
    ],
)
def test_an_unusable_target_exits_2_with_one_line_before_writing_anything(
    s3, two_schools, bucket, problem, reason
):
    missing = f"missing-{uuid.uuid4().hex[:12]}"
    closed = f"http://127.0.0.1:{closed_port()}"
    target, endpoint, env = bucket.target(PREFIX), None, None
    store_checks_signatures: Any = contextlib.nullcontext()
    if problem == "missing bucket":
        target = f"s3://{missing}/{PREFIX}"
    elif problem == "unreachable endpoint":
        endpoint = closed
    elif problem == "credentials the store does not know":
        # moto accepts any credentials until IAM checks are on; then, like AWS, it
        # refuses an access key it has never issued.
        store_checks_signatures = enable_iam_authentication()
    else:
        env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}

    with store_checks_signatures:
        result = s3("publish", "--all", target=target, endpoint=endpoint, env=env)

    assert result.exit_code == 2
    line = reason.format(missing=missing, closed=closed, bucket=bucket.name)
    assert result.stderr.splitlines() == [f"Error: target {target}/: {line}"]
    assert "Traceback" not in result.output
    assert bucket.object_keys() == []
    buckets = [b["Name"] for b in bucket.client.list_buckets()["Buckets"]]
    assert missing not in buckets


# -- faults in the store -----------------------------------------------------------------


def test_transient_store_errors_are_retried_and_everything_is_published(
    s3, sessions, two_schools, bucket, proxy
):
    faults = ["503 SlowDown", "503 SlowDown", "500 InternalError", "reset", "lost"]
    for fault in faults:
        proxy.add("/schools/", fault, times=1)

    result = s3("publish", "--all", "--json", endpoint=proxy.url)

    assert result.exit_code == 0, result.stderr
    summary = summary_of(result)
    assert summary["counts"]["objects_written"] == 2 * PER_SCHOOL + SHARED
    assert summary["failed"] == []
    puts = proxy.puts("/schools/")
    assert [e.fault for e in puts if e.fault] == faults
    assert len(puts) == 2 * PER_SCHOOL + len(faults)
    assert sum(attempt(e) > 1 for e in puts) == len(faults)  # each fault cost one retry
    assert len(bucket.object_keys(f"{PREFIX}/schools/")) == 2 * PER_SCHOOL
    checked_manifests(bucket)
    # Through the same endpoint, so the same target (`Store.identity`): nothing left to write.
    again = s3("publish", "--all", "--json", endpoint=proxy.url)
    assert summary_of(again)["counts"]["objects_written"] == 0


def test_a_put_that_gets_no_answer_times_out_and_is_retried(sessions, now, aws_env, bucket, proxy):
    ids = save(sessions, riyadh_school("alpha"))
    proxy.add("/manifest.json", "hang", times=1)
    store = S3Store.open(
        bucket.target(PREFIX), StoreOptions(endpoint_url=proxy.url, read_timeout=1)
    )

    summary = publish(sessions, store, ids, now, SETTINGS)

    assert (summary.objects_written, summary.failed) == (WINDOW + 2, {})
    assert [(e.fault, attempt(e)) for e in proxy.puts("/manifest.json")] == [
        ("hang", 1),
        (None, 2),
    ]
    checked_manifests(bucket)


def test_a_school_whose_uploads_are_refused_fails_alone_and_keeps_its_manifest(
    s3, sessions, two_schools, bucket, proxy
):
    assert s3("publish", "--all").exit_code == 0
    keys = school_keys(sessions)
    before = {slug: bucket.fetch(manifest_key(key)).body for slug, key in keys.items()}
    save(sessions, with_new_announcement("alpha"), with_new_announcement("beta"))
    proxy.add(keys["beta"], "403 AccessDenied")  # every time: say, a policy on its prefix

    result = s3("publish", "--all", "--json", endpoint=proxy.url)

    assert result.exit_code == 1
    summary = summary_of(result)
    assert (summary["published"], failed_schools(summary)) == (["alpha"], ["beta"])
    [error] = result.stderr.splitlines()
    assert error.startswith(f"Error: school beta: schools/{keys['beta']}/days/")
    assert "AccessDenied" in error
    assert bucket.fetch(manifest_key(keys["beta"])).body == before["beta"]
    assert bucket.fetch(manifest_key(keys["alpha"])).body != before["alpha"]
    checked_manifests(bucket)
    assert len(proxy.puts(keys["beta"])) == 1  # not retried; nothing after its first failure

    proxy.clear()
    healed = s3("publish", "--all", "--json", endpoint=proxy.url)
    assert (healed.exit_code, summary_of(healed)["published"]) == (0, ["beta"])


def test_a_put_failing_on_every_attempt_is_tried_max_attempts_times_then_fails_its_school(
    sessions, now, aws_env, bucket, proxy
):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    beta = school_keys(sessions)["beta"]
    proxy.add(beta, "500 InternalError")
    options = StoreOptions(endpoint_url=proxy.url, max_attempts=3)

    summary = publish(sessions, S3Store.open(bucket.target(PREFIX), options), ids, now, SETTINGS)

    assert (summary.published, list(summary.failed)) == (["alpha"], ["beta"])
    assert "InternalError" in summary.failed["beta"]
    assert [attempt(e) for e in proxy.puts(beta)] == [1, 2, 3]
    assert checked_manifests(bucket) == 1


def test_the_store_going_away_mid_run_leaves_every_manifest_valid_and_the_rerun_converges(
    s3, sessions, bucket, proxy
):
    save(sessions, *[riyadh_school(f"s{i:02}") for i in range(20)])
    # The bucket check, the probe and the page's 17 shared objects, then 99 of the
    # schools' 180 writes: 8 threads finish their first school (9 writes each) and
    # are half way through their second when the store goes away.
    proxy.down_after = 120

    result = s3("publish", "--all", "--concurrency", "8", "--json", endpoint=proxy.url)

    # The target was usable when the run began, so this is no configuration error:
    # the schools that could not be written fail (exit 1), each named on stderr.
    assert result.exit_code == 1
    assert proxy.down
    summary = summary_of(result)
    failed = sorted(failed_schools(summary))
    assert summary["published"] and failed
    assert len(summary["published"]) + len(failed) == 20
    lines = result.stderr.splitlines()
    assert sorted(line.removeprefix("Error: school ").split(":")[0] for line in lines) == failed
    # A school whose page failed after its manifest went up is reported failed,
    # yet its live manifest is valid: there may be more manifests than successes.
    assert checked_manifests(bucket) >= len(summary["published"])

    # Straight to the store, the proxy gone: another endpoint is another target
    # (`Store.identity`), so the rerun publishes every school there, its
    # existing day files written create-only.
    rerun = s3("publish", "--all", "--concurrency", "8", "--json")
    assert rerun.exit_code == 0, rerun.stderr
    assert sorted(summary_of(rerun)["published"]) == [f"s{i:02}" for i in range(20)]
    assert checked_manifests(bucket) == 20
    assert summary_of(s3("publish", "--all", "--json"))["counts"]["objects_written"] == 0


def test_invariant_1_holds_after_every_single_write_to_s3(
    sessions, now, aws_env, bucket, moto_server
):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    store = RecordingStore(
        S3Store.open(bucket.target(PREFIX), StoreOptions(endpoint_url=moto_server.url)),
        check_manifests=True,
    )
    settings = PublishSettings(concurrency=1)  # one write at a time, each one checked

    publish(sessions, store, ids, now, settings)
    tomorrow = now.date() + dt.timedelta(days=1)
    notice = AnnouncementRow("Changed", tomorrow, tomorrow + dt.timedelta(days=2))
    save(sessions, riyadh_school("alpha", announcements=(notice,)))
    publish(sessions, store, ids, now, settings)

    # The new notice replaces alpha's old one: four days change, then its manifest.
    assert len(store.puts) == 2 * (WINDOW + 2) + 4 + 1
    assert store.checks == len(store.puts)


# -- integrity and immutability ------------------------------------------------------------


@pytest.mark.parametrize(
    ("checksum", "crc32"),
    [
        pytest.param("when_supported", True, id="when_supported"),
        pytest.param("when_required", False, id="when_required"),
    ],
)
def test_every_put_carries_a_content_md5_of_exactly_its_bytes(
    s3, two_schools, proxy, checksum, crc32
):
    proxy.verify_md5 = True  # S3's own check, which moto does not make
    result = s3("publish", "--all", "--checksum", checksum, endpoint=proxy.url)
    assert result.exit_code == 0, result.stderr

    puts = [put for put in proxy.puts("/") if ".publisher-probe-" not in put.path]
    assert len(puts) == 2 * PER_SCHOOL + SHARED
    for put in puts:
        assert put.headers["content-md5"] == b64_md5(put.body), put.path
        if crc32:
            expected = base64.b64encode(zlib.crc32(put.body).to_bytes(4, "big")).decode()
            assert put.headers["x-amz-checksum-crc32"] == expected, put.path
        else:
            assert not [h for h in put.headers if h.startswith("x-amz-checksum-")]


def test_a_body_corrupted_on_the_way_is_refused_and_never_published(
    s3, sessions, two_schools, bucket, proxy
):
    assert s3("publish", "--all").exit_code == 0
    keys = school_keys(sessions)
    before = bucket.fetch(manifest_key(keys["alpha"])).body
    save(sessions, with_new_announcement("alpha"), with_new_announcement("beta"))
    proxy.verify_md5 = True  # S3's own check, which moto does not make
    proxy.add(f"{keys['alpha']}/days/", "corrupt")  # one flipped bit, headers untouched

    result = s3("publish", "--all", "--json", endpoint=proxy.url)

    assert result.exit_code == 1
    summary = summary_of(result)
    assert (summary["published"], failed_schools(summary)) == (["beta"], ["alpha"])
    assert "BadDigest" in result.stderr and "school alpha" in result.stderr
    assert [e.status for e in proxy.puts(keys["alpha"])] == [400]  # not retried into success
    assert bucket.fetch(manifest_key(keys["alpha"])).body == before
    for key in bucket.object_keys(f"{PREFIX}/schools/"):
        if "/days/" in key:
            digest = hashlib.sha256(bucket.fetch(key).body).hexdigest()
            assert key.endswith(f"-{digest[:16]}.json"), f"{key} holds other bytes"
    checked_manifests(bucket)


def test_invariant_2_a_rerun_that_forgot_what_it_published_never_replaces_a_day_file(
    s3, sessions, two_schools, bucket, proxy
):
    assert s3("publish", "--all", endpoint=proxy.url).exit_code == 0
    created = [e.path for e in proxy.puts("/days/") if e.status == 200]
    days = {key: bucket.fetch(key) for key in bucket.object_keys() if "/days/" in key}
    with transaction(sessions) as session:
        session.execute(text("DELETE FROM published_objects"))
        session.execute(text("DELETE FROM publish_state"))
    proxy.clear()

    result = s3("publish", "--all", "--json", endpoint=proxy.url)

    assert result.exit_code == 0, result.stderr
    assert summary_of(result)["counts"]["objects_written"] == 2 * PER_SCHOOL + SHARED
    day_puts = proxy.puts("/days/")
    assert sorted(e.path for e in day_puts) == sorted(created)
    assert {(e.headers.get("if-none-match"), e.status) for e in day_puts} == {("*", 412)}
    assert {e.headers.get("if-none-match") for e in proxy.puts("/manifest.json")} == {None}
    for key, served in days.items():
        again = bucket.fetch(key)
        assert (again.body, again.headers["last-modified"]) == (
            served.body,
            served.headers["last-modified"],
        )


# -- killing the publisher -----------------------------------------------------------------


def test_killing_the_publisher_at_any_moment_leaves_every_manifest_valid(
    new_database, aws_env, bucket, proxy
):
    url = new_database("sqlite")
    engine = open_engine(url)
    save(session_factory(engine), *[riyadh_school(f"s{i:02}") for i in range(SCHOOLS)])
    engine.dispose()
    settings = {"PUBLISHER_DATABASE_URL": url, "PUBLISHER_TARGET": bucket.target(PREFIX)}
    env = {**os.environ, **settings, "PUBLISHER_ENDPOINT_URL": proxy.url}
    command = [sys.executable, "cli.py", "publish", "--all", "--json"]
    total = SCHOOLS * 8

    # Killed early, half way and late in the uploads (counted in PUTs the store saw).
    for kill_after in (3, total // 2, total * 3 // 4):
        proxy.clear()
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for_puts(proxy, kill_after, process)
        finally:
            process.kill()  # SIGKILL: no handler runs, no cleanup, whatever it was doing
            _, stderr = process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL, stderr.decode()
        assert len(proxy.puts("/schools/")) < total  # it died in the middle of its uploads
        checked_manifests(bucket)

    settings["PUBLISHER_ENDPOINT_URL"] = bucket.endpoint
    finished = CliRunner().invoke(main, ["publish", "--all", "--json"], env=settings)
    assert finished.exit_code == 0, finished.output
    assert checked_manifests(bucket) == SCHOOLS, finished.output  # the counts say why not
    again = CliRunner().invoke(main, ["publish", "--all", "--json"], env=settings)
    assert (again.exit_code, summary_of(again)["counts"]["objects_written"]) == (0, 0)
