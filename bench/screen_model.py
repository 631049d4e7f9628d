"""The display page's polling rules in Python, for the screens of `screens_load.py`.

The load a fleet of screens puts on the edge is decided by a few functions of
the page (publisher/site/js/backoff.js and snapshot.js): when to poll next, when
to retry, which day files to fetch and keep. They are copied here line for
line and driven by the page's own constants (`publisher.page.TIMING`), so the
benchmark plays the page's real schedule rather than a guess at it.
tests/test_bench_screen_model.py runs the JavaScript in Chromium and checks
these functions give the same numbers, so the copy cannot drift from the page.

Pure: the time and the random draws are arguments.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from publisher.page import TIMING

FNV_OFFSET_BASIS = 0x811C9DC5
FNV_PRIME = 0x01000193
UINT32 = 0xFFFFFFFF


@dataclass(frozen=True)
class Backoff:
    """The retry rhythm after a failure (backoff.js `Backoff`), in milliseconds."""

    base_ms: float
    factor: float
    cap_ms: float
    jitter: float


@dataclass(frozen=True)
class PageTiming:
    """The constants of `publisher.page.TIMING` the polling depends on."""

    poll_offset_window_ms: int
    poll_jitter_ms: int
    build_check_ms: int
    first_timeout_ms: int
    poll_timeout_ms: int
    backoff: Backoff

    @classmethod
    def from_page(cls, timing: Mapping[str, Any] = TIMING) -> PageTiming:
        """The values every published index.html carries in its configuration."""
        return cls(
            poll_offset_window_ms=timing["poll_offset_window_ms"],
            poll_jitter_ms=timing["poll_jitter_ms"],
            build_check_ms=timing["build_check_ms"],
            first_timeout_ms=timing["first_timeout_ms"],
            poll_timeout_ms=timing["poll_timeout_ms"],
            backoff=Backoff(
                base_ms=timing["backoff_base_ms"],
                factor=timing["backoff_factor"],
                cap_ms=timing["backoff_cap_ms"],
                jitter=timing["backoff_jitter"],
            ),
        )


def js_round(value: float) -> int:
    """JavaScript's `Math.round`: halves go up (towards +infinity), unlike Python's `round`."""
    whole = math.floor(value)
    return whole + 1 if value - whole >= 0.5 else whole


def utf16_units(text: str) -> list[int]:
    """What `charCodeAt` walks over: UTF-16 code units, two for a character past U+FFFF."""
    data = text.encode("utf-16-le")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def school_offset(key: str, window_ms: float) -> int:
    """backoff.js `schoolOffset`: FNV-1a (32 bits) of the school's key, mod the window.

    Every screen of a school gets the same offset, so a school's screens poll
    within one jitter's width of each other and schools spread over the window.
    """
    hashed = FNV_OFFSET_BASIS
    for unit in utf16_units(key):
        hashed = ((hashed ^ unit) * FNV_PRIME) & UINT32  # Math.imul(...) >>> 0
    return hashed % max(1, js_round(window_ms))


def poll_delay(interval_ms: float, offset_ms: float, jitter_ms: float, random: float) -> int:
    """backoff.js `pollDelay`: interval, then the school's offset, then this screen's jitter."""
    return js_round(interval_ms + offset_ms + random * jitter_ms)


def retry_delay(failures: int, random: float, backoff: Backoff) -> int:
    """backoff.js `retryDelay`: base x factor^(failures-1), capped, minus up to `jitter` of it."""
    nominal = min(backoff.cap_ms, backoff.base_ms * backoff.factor ** max(0, failures - 1))
    return js_round(nominal * (1 - backoff.jitter * random))


@dataclass(frozen=True)
class Entry:
    """One day of a manifest: its local date and its path relative to the manifest."""

    date: str  # "YYYY-MM-DD" in the school's zone
    path: str
    sha256: str


def manifest_entries(manifest: Mapping[str, Any]) -> list[Entry]:
    return [Entry(e["date"], e["path"], e["sha256"]) for e in manifest["days"]]


def wanted_entries(entries: Iterable[Entry], today: str) -> list[Entry]:
    """snapshot.js `wantedEntries`: today's date and every later one (prefetched for midnight)."""
    return [entry for entry in entries if entry.date >= today]


def keep_days(entries: Iterable[Entry], held: Mapping[str, str], today: str) -> dict[str, str]:
    """snapshot.js `keepDays` over held {path: date}: those named, and the one covering now.

    The page keeps a day whose UTC bounds cover `now`; a day file's bounds are
    its local midnight to the next, so that is the held day of today's date.
    """
    named = {entry.path for entry in entries}
    return {path: date for path, date in held.items() if path in named or date == today}


def local_date(instant: dt.datetime, zone: dt.tzinfo) -> str:
    """The date a screen in `zone` shows at `instant`, as the manifest writes dates."""
    return instant.astimezone(zone).date().isoformat()
