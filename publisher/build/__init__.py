"""The pure core: school data and a date in, day snapshots and manifests out.

Nothing here reads the clock, the environment, the network or a database.
"""

from publisher.build.day import (
    WINDOW_MOVES_AT,
    DaySnapshot,
    Window,
    build_day,
    build_window_days,
    kind_of_day,
    local_today,
    records_since,
    school_zone,
    window_dates,
)
from publisher.build.encode import canonical_json, sha256_hex
from publisher.build.manifest import ManifestEntry, build_manifest
from publisher.build.source import SchoolData

__all__ = [
    "WINDOW_MOVES_AT",
    "DaySnapshot",
    "ManifestEntry",
    "SchoolData",
    "Window",
    "build_day",
    "build_manifest",
    "build_window_days",
    "canonical_json",
    "local_today",
    "kind_of_day",
    "school_zone",
    "sha256_hex",
    "records_since",
    "window_dates",
]
