"""Serving a local target folder over HTTP with the headers the S3 store would send.

For previewing screens before a CDN exists, and for the browser tests. Day
files and assets are immutable; manifests, pages and sw.js are short-lived.
There is no directory listing: as on the CDN, a school's URL is only known to
whoever holds its key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from publisher.config import CachePolicy

CONTENT_TYPES = {
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".txt": "text/plain; charset=utf-8",
}


LOGO = re.compile(r"schools/[^/]+/logo-[0-9a-f]+\.(png|jpg|webp)")
"""A school's logo (publisher.build.layout.logo_key): named by its content, immutable."""


def cache_control(path: str, policy: CachePolicy) -> str:
    """The Cache-Control of the object at URL path `path`, as the publisher stores it."""
    parts = path.strip("/").split("/")
    immutable = (
        parts[0] == "assets"
        or (len(parts) >= 2 and parts[-2] == "days")
        or LOGO.fullmatch(path.strip("/")) is not None
    )
    if immutable:
        return policy.immutable
    return policy.alert if parts[-1] == "alert.json" else policy.mutable


class PreviewHandler(SimpleHTTPRequestHandler):
    """Files from the target folder, typed and cached like the published objects."""

    cache_policy = CachePolicy()
    quiet = True

    def guess_type(self, path: str | Any) -> str:
        extension = posixpath.splitext(str(path))[1].lower()
        return CONTENT_TYPES.get(extension) or super().guess_type(path)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def send_head(self) -> Any:
        """Revalidates by ETag, the content's MD5, as S3 does.

        A file's time has whole seconds: by `If-Modified-Since`, a file rewritten
        within the second it was last read would be answered "not modified" and a
        screen would keep the old bytes. Chrome revalidates a `no-cache` fetch
        with `If-Modified-Since` alone at times, so the base class never sees it:
        only the ETag decides.
        """
        self._etag: str | None = None
        del self.headers["If-Modified-Since"]
        path = self.translate_path(self.path)
        if os.path.isfile(path):
            with open(path, "rb") as file:
                self._etag = f'"{hashlib.md5(file.read()).hexdigest()}"'
            if self.headers.get("If-None-Match") == self._etag:
                self.send_response(304)
                self.end_headers()
                return None
        return super().send_head()

    def end_headers(self) -> None:
        if getattr(self, "_status", None) in (200, 304):
            path = urlsplit(self.path).path
            self.send_header("Cache-Control", cache_control(path, self.cache_policy))
            etag = getattr(self, "_etag", None)
            if etag:
                self.send_header("ETag", etag)
        super().end_headers()

    def list_directory(self, path: str | Any) -> None:
        self.send_error(404, "File not found")
        return None

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a connection early (a reload, an aborted fetch) is normal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(
    root: Path, port: int = 0, handler: type[PreviewHandler] = PreviewHandler
) -> ThreadingHTTPServer:
    """A threaded server for `root` on 127.0.0.1 (port 0: any free port); call serve_forever."""
    return PreviewServer(("127.0.0.1", port), partial(handler, directory=str(root)))


def screens(root: Path) -> list[tuple[str, str]]:
    """Each school screen's URL path in `root` and the school's name, read from the
    manifest beside it ("?" when it cannot be read), so a preview says which is which."""
    found = []
    for path in screen_paths(root):
        manifest = root / path.strip("/").removesuffix("index.html") / "manifest.json"
        try:
            name = json.loads(manifest.read_bytes())["school"]["name"]
        except (OSError, ValueError, KeyError, TypeError):
            name = "?"
        found.append((path, name if isinstance(name, str) else "?"))
    return found


PREVIEW_LEAD = dt.timedelta(seconds=30)
"""How long before the first bell the example preview starts: the last half-minute of
the countdown, then the bell and the first lesson."""


def first_bell_preview(root: Path, path: str, now: dt.datetime) -> str | None:
    """The example preview of the screen at URL path `path` (a `?at=` value, the school's
    wall time): 30 seconds before the first bell of its next school day after `now`, read
    from the published manifest and day files. A folder published for days now past
    gets its first published day's first bell instead; None when it names no bell."""
    folder = root / path.strip("/").removesuffix("index.html")
    try:
        manifest = json.loads((folder / "manifest.json").read_bytes())
        zone = ZoneInfo(manifest["school"]["timezone"])
        first_bells = []
        for entry in manifest["days"]:
            day = json.loads((folder / entry["path"]).read_bytes())
            starts = [instant(p["starts_at"]) for p in day.get("periods") or []]
            if starts:
                first_bells.append(min(starts))
            if day.get("next_school_day"):
                first_bells.append(instant(day["next_school_day"]["starts_at"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ZoneInfoNotFoundError):
        return None
    if not first_bells:
        return None
    ahead = sorted(bell for bell in first_bells if bell > now) or sorted(first_bells)
    return (ahead[0] - PREVIEW_LEAD).astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")


def instant(text: str) -> dt.datetime:
    """A day file's UTC instant ("2026-11-22T04:00:00Z")."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def screen_paths(root: Path) -> list[str]:
    """The URL paths of the school screens published in `root`."""
    return sorted(
        f"/{page.parent.relative_to(root).as_posix()}/index.html"
        for page in (root / "schools").glob("*/index.html")
    )
