"""Opening the store a target URL names: `file://PATH` (or a plain path) or `s3://BUCKET/PREFIX`.

The only place that chooses a store class: callers pass a URL and the
store-neutral `StoreOptions`, and hold the result as a `Store`.
"""

from __future__ import annotations

from pathlib import Path

from publisher.errors import ConfigError
from publisher.stores.local import LocalStore
from publisher.stores.protocol import Store, StoreOptions
from publisher.stores.s3 import S3Store


def open_store(url: str, options: StoreOptions | None = None) -> Store:
    """Open the target; ConfigError (exit 2) when it is malformed or unusable.

    An S3 target is checked (bucket, credentials, endpoint) by `Store.check`,
    before the first write of a run.
    """
    folder = _folder(url)
    if folder is not None:
        return LocalStore.open(folder)
    return S3Store.open(url, options)


def target_identity(url: str, options: StoreOptions | None = None) -> str:
    """The target's `Store.identity`, without creating its folder or sending a request:
    for commands that only read what was published there (`status`, `db upgrade`)."""
    folder = _folder(url)
    if folder is not None:
        return LocalStore(folder).identity()
    return S3Store.open(url, options).identity()


def _folder(url: str) -> Path | None:
    """The folder a local target names; None for an S3 target; ConfigError otherwise."""
    if url.startswith("file://"):
        return Path(url.removeprefix("file://") or ".")
    if url.startswith("s3://"):
        return None
    if "://" not in url:
        return Path(url)
    scheme = url.split("://", 1)[0]
    raise ConfigError(
        f"target {url}: unknown scheme {scheme!r} (use file://PATH or s3://BUCKET/PREFIX)"
    )
