"""Opening the store a target URL names: `file://PATH` (or a plain path)."""

from __future__ import annotations

from pathlib import Path

from publisher.errors import ConfigError
from publisher.upload.local import LocalStore
from publisher.upload.store import Store


def open_store(target: str) -> Store:
    """Open the target; ConfigError (exit 2) when it is malformed or unusable."""
    if target.startswith("file://"):
        return LocalStore.open(Path(target.removeprefix("file://") or "."))
    if "://" not in target:
        return LocalStore.open(Path(target))
    scheme = target.split("://", 1)[0]
    if scheme == "s3":
        raise ConfigError(f"target {target}: S3 targets are not supported by this version yet")
    raise ConfigError(f"target {target}: unknown scheme {scheme!r} (use file://PATH)")
