"""The store protocol: the same specification for a local folder and for S3 (moto).

Keys, atomic replacement, reads of missing objects, listing with a prefix,
deletion, and creating immutable keys without ever replacing one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from publisher.errors import ConfigError, StoreError
from publisher.stores import local
from publisher.stores.local import LocalStore
from publisher.stores.open import open_store
from publisher.stores.s3 import S3Store, parse_s3_target


def test_put_then_get_returns_the_same_bytes(store):
    store.put("schools/k/days/a.json", b'{"a":1}', "application/json", "public")
    assert store.get("schools/k/days/a.json") == b'{"a":1}'


def test_a_missing_object_reads_as_none(store):
    assert store.get("nothing.json") is None


def test_put_replaces_a_mutable_object(store):
    store.put("m.json", b"old", "application/json", "x")
    store.put("m.json", b"new", "application/json", "x")
    assert store.get("m.json") == b"new"
    assert [o.key for o in store.list()] == ["m.json"]


def test_create_only_never_replaces_an_object_with_other_bytes(store):
    store.put("days/a.json", b"first", "application/json", "immutable", create_only=True)
    if isinstance(store, S3Store):
        with pytest.raises(StoreError, match="PreconditionFailed"):
            store.put("days/a.json", b"other", "application/json", "immutable", create_only=True)
        assert store.get("days/a.json") == b"first"


def test_create_only_finding_the_same_bytes_is_success(store):
    store.put("days/a.json", b"same", "application/json", "immutable", create_only=True)
    store.put("days/a.json", b"same", "application/json", "immutable", create_only=True)
    assert store.get("days/a.json") == b"same"


def test_list_filters_by_prefix_and_reports_sizes(store):
    store.put("schools/a/x.json", b"12345", "t", "c")
    store.put("schools/b/y.json", b"1", "t", "c")
    listed = {o.key: o.size for o in store.list("schools/a/")}
    assert listed == {"schools/a/x.json": 5}


def test_delete_removes_objects_and_ignores_missing_ones(store):
    store.put("a.json", b"1", "t", "c")
    store.delete(["a.json", "never-there.json"])
    assert list(store.list()) == []


def test_delete_takes_more_keys_than_one_request_can(store):
    """Callers never batch for a store: S3 sends 1,000 keys per request, a folder one at a time."""
    keys = [f"schools/k/days/{i:04}.json" for i in range(1001)]
    for key in keys:
        store.put(key, b"x", "t", "c")
    store.put("schools/k/manifest.json", b"{}", "t", "c")
    store.delete(keys)
    assert [o.key for o in store.list()] == ["schools/k/manifest.json"]


def test_a_listed_md5_is_none_or_the_md5_of_the_bytes(store):
    store.put("m.json", b'{"a":1}', "application/json", "x")
    (listed,) = store.list()
    assert listed.content_md5 in (None, hashlib.md5(b'{"a":1}', usedforsecurity=False).hexdigest())


def test_a_store_names_its_scheme_and_where_its_objects_are_served(store, target):
    """What a CDN step asks instead of the store's class: CloudFront paths start
    with the bucket prefix; a folder is served as the root."""
    assert target.startswith(f"{store.scheme}://")
    assert store.public_prefix() == {"file": "", "s3": "site/"}[store.scheme]


def test_the_local_store_leaves_no_temporary_file(tmp_path):
    store = LocalStore.open(tmp_path / "public")
    store.put("m.json", b"old", "application/json", "x")
    store.put("m.json", b"new", "application/json", "x")
    assert [p.name for p in store.root.iterdir()] == ["m.json"]


def test_the_local_store_syncs_each_file_before_renaming_it_and_its_folder_after(
    tmp_path, monkeypatch
):
    """A power cut cannot be simulated here, so this observes the calls that make a
    write durable: the file's bytes are synced while it is still a temporary file
    (never visible empty), and each folder that gained an entry (the new folders,
    then the renamed file's) after. Without the first, a manifest written after its
    day files could come back from a power cut naming an empty file."""
    store = LocalStore.open(tmp_path / "public")
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        entry = path.relative_to(store.root).as_posix() if path != store.root else "."
        synced.append(entry if path.is_dir() else f"{entry} ({path.read_bytes()!r})")
        real_fsync(fd)

    monkeypatch.setattr(local.os, "fsync", fsync)
    store.put("schools/k/days/a.json", b'{"a":1}', "application/json", "immutable")

    assert store.get("schools/k/days/a.json") == b'{"a":1}'
    assert [p.name for p in (store.root / "schools/k/days").iterdir()] == ["a.json"]
    (temp,) = [entry for entry in synced if "(" in entry]
    assert temp.startswith("schools/k/days/.tmp-") and temp.endswith(""" (b'{"a":1}')""")
    assert synced == [".", "schools", "schools/k", temp, "schools/k/days"]


BAD_KEYS = ["../escape.json", "/abs.json", "a/../../b.json", "a//b.json", "a/", "", "./a.json"]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_every_store_refuses_keys_that_are_not_plain_relative_paths(store, key):
    with pytest.raises(StoreError, match="not a valid object key"):
        store.put(key, b"x", "t", "c")
    with pytest.raises(StoreError, match="not a valid object key"):
        store.get(key)
    with pytest.raises(StoreError, match="not a valid object key"):
        store.delete(["fine.json", key])
    assert list(store.list()) == []


def test_s3_objects_carry_their_headers_and_sit_under_the_prefix(aws_credentials):
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="screens")
        store = open_store("s3://screens/site")
        store.put("m.json", b"{}", "application/json; charset=utf-8", "public, max-age=60")
        head = client.head_object(Bucket="screens", Key="site/m.json")
        assert (head["ContentType"], head["CacheControl"]) == (
            "application/json; charset=utf-8",
            "public, max-age=60",
        )
        assert [o.content_md5 for o in store.list()] == [head["ETag"].strip('"')]


def test_s3_deletes_in_batches_of_at_most_1000(aws_credentials):
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="screens")
        store = open_store("s3://screens")
        keys = [f"days/{i:04}.json" for i in range(1001)]
        for key in keys:
            store.put(key, b"x", "t", "c")
        sizes: list[int] = []
        store.client.meta.events.register(
            "before-call.s3.DeleteObjects",
            lambda params, **_: sizes.append(params["body"].count(b"<Key>")),
        )
        store.delete(keys)
        assert sizes == [1000, 1]
        assert list(store.list()) == []


@pytest.mark.parametrize(
    ("target", "bucket", "prefix"),
    [
        pytest.param("s3://screens", "screens", "", id="bucket-only"),
        pytest.param("s3://screens/", "screens", "", id="trailing-slash"),
        pytest.param("s3://screens/a/b/", "screens", "a/b/", id="nested-prefix"),
    ],
)
def test_s3_targets_name_a_bucket_and_a_prefix(target, bucket, prefix):
    assert parse_s3_target(target) == (bucket, prefix)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param("s3://", "no bucket named", id="no-bucket"),
        pytest.param("gopher://x", "unknown scheme 'gopher'", id="unknown-scheme"),
    ],
)
def test_malformed_targets_are_configuration_errors(target, message):
    with pytest.raises(ConfigError, match=message):
        open_store(target)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param("file://{tmp}/out", "{tmp}/out", id="file-url"),
        pytest.param("{tmp}/plain", "{tmp}/plain", id="plain-path"),
    ],
)
def test_file_targets_name_a_folder(tmp_path, target, expected):
    store = open_store(target.format(tmp=tmp_path))
    assert str(store.root) == expected.format(tmp=tmp_path)
    assert store.root.is_dir()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param("no-bucket", "bucket missing does not exist", id="missing-bucket"),
    ],
)
def test_check_names_what_is_wrong_with_the_bucket(aws_credentials, setup, message):
    with mock_aws():
        store = open_store("s3://missing/x")
        with pytest.raises(ConfigError, match=message):
            store.check()
