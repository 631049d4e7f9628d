"""A local folder as a publish target (`file://` targets), written atomically.

Each object is written to a temporary file in its final folder and renamed into
place, so a reader (a web server, `publisher serve`) never sees half a file. The
file's bytes reach the disk (fsync) before the rename makes it visible, and the
rename itself (fsync of the folder) before `put` returns: after a power cut a
manifest, written after its day files, never names a file that comes back
empty or missing (invariant 1).
Cache headers have no place in a folder; they are applied by S3 targets.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from publisher.errors import ConfigError, StoreError
from publisher.stores.protocol import StoredObject, check_key

_TEMP_PREFIX = ".tmp-"


class LocalStore:
    scheme = "file"

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def open(cls, root: Path) -> LocalStore:
        """Open (creating if needed) the folder; ConfigError when it cannot be written."""
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigError(f"target folder {root} cannot be created: {error.strerror}") from None
        if not os.access(root, os.W_OK):
            raise ConfigError(f"target folder {root} is not writable")
        return cls(root)

    def describe(self) -> str:
        return f"file://{self.root}"

    def identity(self) -> str:
        """`file:///absolute/path`: the folder however it was named (relative, via a link)."""
        return self.root.resolve().as_uri()

    def public_prefix(self) -> str:
        """Nothing: a web server in front of the folder serves it as its root."""
        return ""

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def check(self) -> None:
        """Nothing to do: `open` already made sure the folder is writable."""

    def put(
        self,
        key: str,
        content: bytes,
        content_type: str,
        cache_control: str,
        create_only: bool = False,
    ) -> None:
        # A folder has no conditional write; an immutable key's name carries
        # the hash of its bytes, so replacing it writes the same bytes.
        path = self._path(key)
        try:
            _make_folders(path.parent)
            fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(temp, 0o644)
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            _sync_folder(path.parent)
        except OSError as error:
            raise StoreError(f"{key}: {error.strerror or error}") from None

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(f"{key}: {error.strerror or error}") from None

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        for folder, _dirs, files in os.walk(self.root):
            for name in files:
                if name.startswith(_TEMP_PREFIX):
                    continue
                path = Path(folder, name)
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    stat = path.stat()
                    modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
                    yield StoredObject(key, stat.st_size, modified)

    def delete(self, keys: Sequence[str]) -> None:
        """One file at a time."""
        for key in keys:
            try:
                self._path(key).unlink(missing_ok=True)
            except OSError as error:
                raise StoreError(f"{key}: {error.strerror or error}") from None


def _make_folders(folder: Path) -> None:
    """Create `folder` and missing parents, each new entry durable in its parent
    (a file synced into a folder that a power cut forgets is lost too)."""
    if folder.is_dir():
        return
    _make_folders(folder.parent)
    folder.mkdir(exist_ok=True)
    _sync_folder(folder.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable: the new entry is on disk once this returns."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
