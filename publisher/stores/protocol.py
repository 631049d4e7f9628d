"""The store protocol: the five operations a publish target must offer.

Keys are relative to the target's prefix and always use forward slashes; every
store refuses the same malformed keys (`check_key`). The same protocol tests run
against every implementation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from publisher.errors import StoreError

JSON_TYPE = "application/json; charset=utf-8"

CHECKSUM_MODES = ("when_supported", "when_required")
"""`StoreOptions.checksum`: when request checksums are sent (a store that rejects
CRC headers needs `when_required`)."""


@dataclass(frozen=True)
class StoreOptions:
    """How to reach a store over the network; each store reads what applies to it.

    A local folder needs none of them; an S3 store reads them all. Credentials
    are never here: they come from the store's own standard chain.
    """

    endpoint_url: str | None = None
    path_style: bool = False  # the bucket in the path (MinIO-like stores), not the host name
    checksum: str = "when_supported"  # one of CHECKSUM_MODES
    concurrency: int = 16  # upload threads sharing one client (sizes its connection pool)
    max_attempts: int = 8  # per request, the first try included
    connect_timeout: float = 5
    read_timeout: float = 30


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: dt.datetime
    md5: str | None = None  # hex digest, when the store reports one (an S3 ETag)


def check_key(key: str) -> str:
    """`key`, or StoreError when it is not a plain relative key.

    Every store refuses the same keys: a leading `/`, an empty segment (`a//b`,
    `a/`) or a `.` or `..` segment. A folder would resolve them outside the
    target or onto another file; S3 would store them verbatim, under names that
    a URL path or a later copy to a folder reads differently.
    """
    segments = key.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise StoreError(f"{key!r}: not a valid object key")
    return key


class Store(Protocol):
    """Where published objects go. Implementations raise StoreError on failure."""

    def describe(self) -> str:
        """The target as a user would write it, for messages."""
        ...

    def identity(self) -> str:
        """The target as records name it: the same store always gives the same string.

        What was published is recorded per target (invariant 9), so a first
        publish to another folder, bucket, prefix or endpoint writes everything
        it needs. Never holds credentials.
        """
        ...

    def check(self) -> None:
        """Raise ConfigError when the target cannot be written; called before the first write."""
        ...

    def put(
        self,
        key: str,
        content: bytes,
        content_type: str,
        cache_control: str,
        create_only: bool = False,
    ) -> None:
        """Store `content` under `key` atomically: readers see the old object or the new one.

        With `create_only` (immutable keys), an object already stored under the
        key is never replaced; finding the same bytes there counts as success.
        """
        ...

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None when there is no such object."""
        ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every object whose key starts with `prefix`, in no particular order."""
        ...

    def delete(self, keys: Sequence[str]) -> None: ...
