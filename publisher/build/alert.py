"""A school's alert object: the messages on its screens right now, as canonical bytes.

Published as `schools/<key>/alert.json`, apart from the day files and the
manifest, so putting an alert up or taking it down never moves a revision and
never rewrites anything a screen holds for the coming days. The same alerts
always give the same bytes: a publish that finds the object as recorded
writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from publisher.build.encode import canonical_json
from publisher.build.layout import school_prefix
from publisher.config import ALERT_LEVELS as LEVELS

SCHEMA = 1


@dataclass(frozen=True)
class AlertMessage:
    """One alert as screens see it: its level, its texts, since when and until when."""

    level: str  # one of LEVELS
    text: str
    since: dt.datetime  # aware
    second_text: str | None = None  # the other language's text, when given
    until: dt.datetime | None = None  # aware; None: until cleared


def alert_key(school_key: str) -> str:
    """Where a school's alert object lives: beside its manifest, rewritten in place."""
    return f"{school_prefix(school_key)}alert.json"


def build_alert(alerts: Iterable[AlertMessage]) -> bytes:
    """The alert object of a school whose active alerts are `alerts` (its own and
    every school's): urgent ones first, the newest first within a level.

    `{"schema": 1, "alerts": []}` when there is none: a screen then shows no alert.
    """
    ordered = sorted(alerts, key=lambda a: (LEVELS.index(a.level), -a.since.timestamp(), a.text))
    return canonical_json({"schema": SCHEMA, "alerts": [_entry(a) for a in ordered]})


def _entry(alert: AlertMessage) -> dict[str, str]:
    entry = {"level": alert.level, "text": alert.text, "since": _utc(alert.since)}
    if alert.second_text:
        entry["second_text"] = alert.second_text
    if alert.until is not None:
        entry["until"] = _utc(alert.until)
    return entry


def _utc(instant: dt.datetime) -> str:
    """An instant as screens read it: ISO 8601 in UTC, to the second, with a Z."""
    return instant.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
