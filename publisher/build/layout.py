"""Where published objects live, relative to the target's prefix (the contract with the CDN).

schools/<school-key>/index.html
schools/<school-key>/manifest.json
schools/<school-key>/days/<YYYY-MM-DD>-r<rev>-<hash>.json
assets/<build-hash>/<file>
sw.js
"""

from __future__ import annotations

import datetime as dt

HASH_DIGITS = 16
SERVICE_WORKER_KEY = "sw.js"


def school_prefix(school_key: str) -> str:
    return f"schools/{school_key}/"


def manifest_key(school_key: str) -> str:
    return f"{school_prefix(school_key)}manifest.json"


def page_key(school_key: str) -> str:
    return f"{school_prefix(school_key)}index.html"


def day_name(day: dt.date, revision: int, sha256: str) -> str:
    """A day file's path relative to its manifest; the hash makes it immutable."""
    return f"days/{day.isoformat()}-r{revision}-{sha256[:HASH_DIGITS]}.json"


def day_key(school_key: str, name: str) -> str:
    return f"{school_prefix(school_key)}{name}"
