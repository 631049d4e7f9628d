"""Stores for tests: a wrapper that records every write, fails on demand and checks
invariant 1, what a folder or a store holds, and the test bucket's manifests."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publisher.errors import StoreError
from publisher.stores.protocol import Store, StoredObject
from testsupport.s3_server import Bucket, FaultProxy
from testsupport.wait import wait_until


@dataclass
class RecordingStore:
    """Wraps a real store. `fail_prefixes` makes puts under those keys fail.

    With `check_manifests`, after every single write it reads every manifest
    in the store and asserts that each file it names is readable (invariant 1).
    """

    inner: Store
    fail_prefixes: tuple[str, ...] = ()
    check_manifests: bool = False
    puts: list[str] = field(default_factory=list)
    checks: int = 0
    asked: int = 0  # every request made of the store: check, put, get, list, delete

    @property
    def scheme(self) -> str:
        return self.inner.scheme

    def describe(self) -> str:
        return self.inner.describe()

    def identity(self) -> str:
        return self.inner.identity()

    def public_prefix(self) -> str:
        return self.inner.public_prefix()

    def check(self) -> None:
        self.asked += 1
        self.inner.check()

    def put(
        self,
        key: str,
        content: bytes,
        content_type: str,
        cache_control: str,
        create_only: bool = False,
    ) -> None:
        self.asked += 1
        if key.startswith(self.fail_prefixes):
            raise StoreError(f"{key}: injected failure")
        self.inner.put(key, content, content_type, cache_control, create_only)
        self.puts.append(key)
        if self.check_manifests:
            assert_manifests_name_existing_files(self.inner)
            self.checks += 1

    def get(self, key: str) -> bytes | None:
        self.asked += 1
        return self.inner.get(key)

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        self.asked += 1
        return self.inner.list(prefix)

    def delete(self, keys: Sequence[str]) -> None:
        self.asked += 1
        self.inner.delete(keys)


def manifests(store: Store) -> dict[str, dict]:
    """Every manifest in the store, by key."""
    found = {}
    for obj in store.list("schools/"):
        if obj.key.endswith("/manifest.json"):
            found[obj.key] = json.loads(store.get(obj.key) or b"null")
    return found


def assert_manifests_name_existing_files(store: Store) -> None:
    for key, manifest in manifests(store).items():
        folder = key.rsplit("/", 1)[0]
        named = [day["path"] for day in manifest["days"]]
        logo = manifest["school"].get("display", {}).get("logo")
        for path in [*named, *([logo] if logo else [])]:
            found = store.get(f"{folder}/{path}")
            assert found is not None, f"{key} names missing {path}"


def files(folder: Path) -> list[str]:
    """The paths of every file under `folder`, relative to it, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


PREFIX = "site"
"""The prefix the S3 tests publish under in the test bucket."""


def checked_manifests(bucket: Bucket) -> int:
    """How many manifests the bucket holds, having checked each names only stored files.

    Invariant 1 over the whole bucket: one listing, then each manifest read over HTTP.
    """
    stored = set(bucket.object_keys(f"{PREFIX}/schools/"))
    found = [key for key in stored if key.endswith("/manifest.json")]
    for key in found:
        folder = key.removesuffix("manifest.json")
        for day in json.loads(bucket.fetch(key).body)["days"]:
            assert f"{folder}{day['path']}" in stored, f"{key} names missing {day['path']}"
    return len(found)


def wait_for_puts(proxy: FaultProxy, count: int, process: subprocess.Popen) -> None:
    """Until the store has seen `count` PUTs of school objects, or the process ended."""
    wait_until(lambda: len(proxy.puts("/schools/")) >= count or process.poll() is not None, 60)
