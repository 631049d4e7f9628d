"""Opening access logs wherever they are: a file, a folder of rotated files, or an
S3 prefix (where CloudFront delivers its standard logs), plain or gzip-compressed.

Each file's format is told by its first line: CloudFront's logs start with
`#Version:` and `#Fields:` lines; anything else is read as the nginx edge's.
An unreadable location or file is a `ConfigError` naming it: the report would be
wrong without it.
"""

from __future__ import annotations

import gzip
import io
import itertools
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO, cast

from publisher.errors import ConfigError, PublisherError
from publisher.screens.cloudfront import read_cloudfront_log
from publisher.screens.nginx import read_nginx_log
from publisher.screens.polls import BadLine, Poll
from publisher.stores import Store, StoreOptions

GZIP_MAGIC = b"\x1f\x8b"

Opener = Callable[[], BinaryIO]


def read_logs(location: str, options: StoreOptions | None = None) -> Iterator[Poll | BadLine]:
    """Every poll and unreadable line of the logs at `location`: FILE, DIR (every
    file in it, not its subfolders) or s3://BUCKET/PREFIX (every object under the
    prefix, reached with `options`' endpoint and the standard AWS chain)."""
    for name, opener in _files(location, options):
        yield from _read_file(name, opener)


def _files(location: str, options: StoreOptions | None) -> Iterator[tuple[str, Opener]]:
    if location.startswith("s3://"):
        yield from _objects(location, options)
        return
    path = Path(location)
    if path.is_dir():
        try:
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        except OSError as error:
            raise ConfigError(f"log folder {location}: {error.strerror or error}") from None
    elif path.exists():
        files = [path]
    else:
        raise ConfigError(f"log {location}: no such file or folder")
    for file in files:
        yield str(file), partial(_open_file, file)


def _objects(location: str, options: StoreOptions | None) -> Iterator[tuple[str, Opener]]:
    """The objects under an S3 prefix, read through the stores' protocol (boto3,
    imported only when a log is on S3)."""
    from publisher.stores import open_store

    store = open_store(location, options)
    try:
        keys = sorted(item.key for item in store.list())
    except PublisherError as error:
        raise ConfigError(f"log {location}: {error}") from None
    for key in keys:
        yield f"{store.describe()}{key}", partial(_open_object, store, key)


def _open_file(path: Path) -> BinaryIO:
    return path.open("rb")


def _open_object(store: Store, key: str) -> BinaryIO:
    # None: deleted since it was listed (an expiring log), read as empty.
    return io.BytesIO(store.get(key) or b"")


def _read_file(name: str, opener: Opener) -> Iterator[Poll | BadLine]:
    try:
        with opener() as raw:
            stream = raw
            if _peek(raw) == GZIP_MAGIC:
                stream = cast(BinaryIO, gzip.GzipFile(fileobj=raw))
            with io.TextIOWrapper(stream, encoding="utf-8", errors="replace") as text:
                first = text.readline()
                lines = itertools.chain([first], text)
                if first.startswith(("#Version:", "#Fields:")):
                    yield from read_cloudfront_log(lines, name)
                else:
                    yield from read_nginx_log(lines, name)
    except (OSError, EOFError, zlib.error) as error:
        reason = getattr(error, "strerror", None) or error
        raise ConfigError(f"log {name}: {reason}") from None
    except PublisherError as error:
        raise ConfigError(f"log {name}: {error}") from None


def _peek(raw: BinaryIO) -> bytes:
    """The first two bytes, leaving the stream where it was."""
    start = raw.tell()
    head = raw.read(2)
    raw.seek(start)
    return head
