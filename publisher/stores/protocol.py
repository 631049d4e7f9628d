"""The store protocol: what every publish target offers, and the options that reach one.

Keys are relative to the target's prefix and always use forward slashes; every
store refuses the same malformed keys (`check_key`). The same protocol tests run
against every implementation. Nothing outside this package knows which store it
holds: what another step needs to ask of a store (its identity, its URL scheme,
the path its objects are served under) is part of the protocol.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from publisher.errors import StoreError
from publisher.retry import S3_ATTEMPTS


@dataclass(frozen=True)
class StoreOptions:
    """How to reach a store over the network; each store reads what applies to it.

    A local folder needs none of them; an S3 store reads them all. Credentials
    are never here: they come from the store's own standard chain.
    """

    endpoint_url: str | None = None
    path_style: bool = False  # the bucket in the path (MinIO-like stores), not the host name
    checksum: str = "when_supported"  # one of publisher.config.CHECKSUM_MODES
    concurrency: int = 16  # upload threads sharing one client (sizes its connection pool)
    max_attempts: int = S3_ATTEMPTS  # per request, the first try included
    connect_timeout: float = 5
    read_timeout: float = 30


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: dt.datetime
    content_md5: str | None = None
    """Hex MD5 of the bytes, when the listing reports one (None when it does not).

    A hint: a store sets it from what its listing says, which may not be a digest
    of the content (an S3 ETag under SSE-KMS). A match settles that the bytes are
    the expected ones; a difference is confirmed by reading them.
    """


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

    @property
    def scheme(self) -> str:
        """The scheme of the target's URL (`file`, `s3`): a CDN step asks it which
        origins it can front (CloudFront invalidation needs an `s3` target)."""
        ...

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

    def public_prefix(self) -> str:
        """The path of the target inside what a web server or CDN serves ("" or
        `site/`): an object's public path is this plus its key."""
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

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every object whose key starts with `prefix`, in no particular order."""
        ...

    def delete(self, keys: Sequence[str]) -> None:
        """Delete every key in `keys`, however many; a key already absent is no error.

        Each store splits the work into the requests it needs (callers never
        batch for it). A StoreError names a key that failed (or was malformed);
        keys before it may be deleted already.
        """
        ...
