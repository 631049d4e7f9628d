"""Opening the store a target URL names: `file://PATH` (or a plain path) or `s3://BUCKET/PREFIX`."""

from __future__ import annotations

from pathlib import Path

from publisher.errors import ConfigError
from publisher.upload.local import LocalStore
from publisher.upload.s3 import S3Options, S3Store
from publisher.upload.store import Store


def open_store(target: str, s3: S3Options | None = None) -> Store:
    """Open the target; ConfigError (exit 2) when it is malformed or unusable.

    An S3 target is checked (bucket, credentials, endpoint) by `Store.check`,
    before the first write of a run.
    """
    folder = _folder(target)
    if folder is not None:
        return LocalStore.open(folder)
    return S3Store.open(target, s3)


def target_identity(target: str, s3: S3Options | None = None) -> str:
    """The target's `Store.identity`, without creating its folder or sending a request:
    for commands that only read what was published there (`status`, `db upgrade`)."""
    folder = _folder(target)
    if folder is not None:
        return LocalStore(folder).identity()
    return S3Store.open(target, s3).identity()


def _folder(target: str) -> Path | None:
    """The folder a local target names; None for an S3 target; ConfigError otherwise."""
    if target.startswith("file://"):
        return Path(target.removeprefix("file://") or ".")
    if target.startswith("s3://"):
        return None
    if "://" not in target:
        return Path(target)
    scheme = target.split("://", 1)[0]
    raise ConfigError(
        f"target {target}: unknown scheme {scheme!r} (use file://PATH or s3://BUCKET/PREFIX)"
    )
