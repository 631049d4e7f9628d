"""Building a school's manifest: the one mutable file that names its day files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from publisher.build.encode import canonical_json
from publisher.build.layout import logo_name
from publisher.build.source import SchoolData

MANIFEST_SCHEMA = 1


@dataclass(frozen=True)
class ManifestEntry:
    """One published local date: the day file's path relative to the manifest, and its hash."""

    date: dt.date
    path: str
    sha256: str


def build_manifest(
    school: SchoolData, entries: Sequence[ManifestEntry], poll_interval: int
) -> bytes:
    """The manifest's canonical bytes. Nothing about the run (no timestamp) goes in."""
    block: dict[str, Any] = {
        "name": school.name,
        "timezone": school.timezone,
        "locale": school.locale,
        "display": display_block(school),
    }
    # Only when the school has groups: a school without keeps the bytes it had before.
    if school.class_groups:
        block["class_groups"] = {g.name: list(g.classes) for g in school.class_groups}
    document: dict[str, Any] = {
        "schema": MANIFEST_SCHEMA,
        "school": block,
        "revision": school.revision,
        "revised_at": _utc(school.revised_at),
        "poll_interval": poll_interval,
        "days": [
            {"date": entry.date.isoformat(), "path": entry.path, "sha256": entry.sha256}
            for entry in sorted(entries, key=lambda e: e.date)
        ],
    }
    return canonical_json(document)


DEFAULT_DIGITS = {"ar": "arab", "en": "latn"}


def display_block(school: SchoolData) -> dict[str, Any]:
    """How the screen looks, every default resolved here so the page needs no rules:
    the Hijri line and Arabic-Indic digits for Arabic, neither for English; no
    accent, logo or night hours unless the school set them."""
    display = school.display
    night = display.night
    return {
        "hijri": display.hijri if display.hijri is not None else school.locale == "ar",
        "digits": display.digits or DEFAULT_DIGITS.get(school.locale, "latn"),
        "accent": display.accent,
        "logo": logo_name(display.logo) if display.logo else None,
        "night": {"start": f"{night.start:%H:%M}", "end": f"{night.end:%H:%M}"} if night else None,
    }


def _utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
