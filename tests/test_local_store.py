"""The store protocol on a local folder: atomic writes, reads, listing and deletion."""

from __future__ import annotations

import pytest

from publisher.errors import ConfigError, StoreError
from publisher.upload.local import LocalStore
from publisher.upload.targets import open_store


@pytest.fixture
def store(tmp_path):
    return LocalStore.open(tmp_path / "public")


def test_put_then_get_returns_the_same_bytes(store):
    store.put("schools/k/days/a.json", b'{"a":1}', "application/json", "public")
    assert store.get("schools/k/days/a.json") == b'{"a":1}'
    assert store.exists("schools/k/days/a.json")


def test_a_missing_object_reads_as_none(store):
    assert store.get("nothing.json") is None
    assert not store.exists("nothing.json")


def test_put_replaces_atomically_and_leaves_no_temporary_file(store):
    store.put("m.json", b"old", "application/json", "x")
    store.put("m.json", b"new", "application/json", "x")
    assert store.get("m.json") == b"new"
    assert [o.key for o in store.list()] == ["m.json"]
    assert [p.name for p in store.root.iterdir()] == ["m.json"]


def test_list_filters_by_prefix_and_reports_sizes(store):
    store.put("schools/a/x.json", b"12345", "t", "c")
    store.put("schools/b/y.json", b"1", "t", "c")
    listed = {o.key: o.size for o in store.list("schools/a/")}
    assert listed == {"schools/a/x.json": 5}


def test_delete_removes_objects_and_ignores_missing_ones(store):
    store.put("a.json", b"1", "t", "c")
    store.delete(["a.json", "never-there.json"])
    assert list(store.list()) == []


@pytest.mark.parametrize("key", ["../escape.json", "/abs.json", "a/../../b.json"])
def test_keys_cannot_leave_the_folder(store, key):
    with pytest.raises(StoreError):
        store.put(key, b"x", "t", "c")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param("file://{tmp}/out", "{tmp}/out", id="file-url"),
        pytest.param("{tmp}/plain", "{tmp}/plain", id="plain-path"),
    ],
)
def test_targets_name_a_folder(tmp_path, target, expected):
    store = open_store(target.format(tmp=tmp_path))
    assert str(store.root) == expected.format(tmp=tmp_path)
    assert store.root.is_dir()


def test_an_unknown_scheme_is_a_configuration_error():
    with pytest.raises(ConfigError, match="unknown scheme 'gopher'"):
        open_store("gopher://x")
