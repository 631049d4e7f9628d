"""A screen's manifest poll, as any access log records it: the school's key in the
path, and the screen's id, page build and data revision in the query string
(`schools/KEY/manifest.json?screen=ID&build=BUILD&rev=N`, written by the page's
`pollUrl`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

MANIFEST_PATH = re.compile(r"(?:^|/)schools/(?P<key>[A-Za-z0-9_-]+)/manifest\.json$")
"""A school's manifest, under whatever prefix the CDN serves the target from."""


@dataclass(frozen=True)
class Poll:
    """One screen asking for its school's manifest."""

    at: dt.datetime  # UTC
    school_key: str
    screen: str
    build: str  # "" when the poll did not say
    revision: int | None  # the revision the screen held; None when it did not say


@dataclass(frozen=True)
class BadLine:
    """A log line that could not be read: which file, which line."""

    source: str
    number: int

    def __str__(self) -> str:
        return f"{self.source} line {self.number}"


def poll_of(path: str, query: str, at: dt.datetime) -> Poll | None:
    """The poll a request for `path?query` was, or None when it was another request
    (another file, or a manifest asked for without a screen id: the service
    worker's own copy, a browser, a monitoring probe)."""
    match = MANIFEST_PATH.search(path)
    if match is None:
        return None
    params = dict(parse_qsl(query))
    screen = params.get("screen", "")
    if not screen:
        return None
    rev = params.get("rev", "")
    revision = int(rev) if rev.isascii() and rev.isdigit() else None
    return Poll(at.astimezone(dt.UTC), match["key"], screen, params.get("build", ""), revision)
