"""Building one school's day snapshot: what a screen shows on one local date.

Pure: a `SchoolData` and a date in, a JSON-ready document out. Every period
carries both its local wall-clock times and its absolute instants in UTC, so the
display page needs no time-zone rules, including on daylight-saving days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from publisher.build.encode import canonical_json, sha256_hex
from publisher.build.source import (
    WEEKDAYS,
    BellScheduleRow,
    CalendarRow,
    ExamRow,
    LessonRow,
    SchoolData,
    SubstitutionRow,
)
from publisher.errors import BuildError

SNAPSHOT_SCHEMA = 1
NEXT_SCHOOL_DAY_HORIZON = 366
"""How many days ahead a snapshot looks for the next school day (a summer holiday fits)."""


@dataclass(frozen=True)
class DayKind:
    """What kind of day a date is for a school, before any content is attached."""

    status: str  # "school_day", "weekend" or "holiday"
    label: str
    schedule: BellScheduleRow | None


@dataclass(frozen=True)
class DaySnapshot:
    """One day file: its date, its document and the canonical bytes published."""

    date: dt.date
    document: dict[str, Any]

    @cached_property
    def content(self) -> bytes:
        return canonical_json(self.document)

    @cached_property
    def sha256(self) -> str:
        return sha256_hex(self.content)


def school_zone(school: SchoolData) -> ZoneInfo:
    try:
        return ZoneInfo(school.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BuildError(f"school {school.slug}: unknown time zone {school.timezone!r}") from None


def local_today(school: SchoolData, now: dt.datetime) -> dt.date:
    """The school's own date at the instant `now` (which must be timezone-aware)."""
    return now.astimezone(school_zone(school)).date()


WINDOW_MOVES_AT = dt.time(12)
"""The local time at which a school's window of dates moves on: noon, as far
from midnight as a day allows."""


def window_dates(local_now: dt.datetime, days: int) -> list[dt.date]:
    """The local dates published at `local_now` (the instant in the school's zone).

    `days` dates from today, and one more: the window moves on a day at local
    noon, not at midnight. Before noon it still holds yesterday; from noon on it
    already holds today+days. So it always covers today .. today+days-1
    (invariant 4), and midnight changes nothing in the store: each screen
    switches to a day it fetched hours before, and no manifest is rewritten
    because a date began.
    """
    first = local_now.date()
    if local_now.time() < WINDOW_MOVES_AT:
        first -= dt.timedelta(days=1)
    return [first + dt.timedelta(days=i) for i in range(days + 1)]


def records_since(now: dt.datetime) -> dt.date:
    """The first local date whose day files may still be named by a manifest at `now`.

    No school's local date is more than a day behind UTC's, so a day file dated
    before yesterday (UTC) is out of every school's window: publish and verify
    read the records from this date on, and gc keeps every file from it on.
    """
    return (now.astimezone(dt.UTC) - dt.timedelta(days=1)).date()


@dataclass(frozen=True)
class Window:
    """The local dates a run builds: each school's `window_dates` at `now`."""

    now: dt.datetime
    days: int

    def dates(self, timezone: str) -> list[dt.date]:
        """The window's dates in a time zone.

        An unknown zone reads as UTC: such a school fails to build anyway, and
        the loader only needs some dates to bound what it reads.
        """
        try:
            zone: dt.tzinfo = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = dt.UTC
        return window_dates(self.now.astimezone(zone), self.days)


def kind_of_day(school: SchoolData, day: dt.date) -> DayKind:
    """Resolve holidays, special days, weekends and the weekly plan for one date.

    A holiday wins over everything; a special day applies even on a weekend (a
    make-up day); otherwise the weekend, then the weekly plan.
    """
    overrides = [row for row in school.calendar if row.first <= day <= row.last]
    holiday = next((row for row in overrides if row.kind == "holiday"), None)
    if holiday is not None:
        return DayKind("holiday", holiday.label, None)
    special = next((row for row in overrides if row.kind == "special"), None)
    if special is not None:
        return DayKind("school_day", special.label, _special_schedule(school, special))
    weekday = WEEKDAYS[day.weekday()]
    if weekday in school.weekend:
        return DayKind("weekend", "", None)
    name = school.planned_schedule(weekday)
    schedule = school.schedule(name) if name else None
    if schedule is None:
        raise BuildError(
            f"school {school.slug}: no bell schedule for {weekday}, which is not a weekend day"
        )
    return DayKind("school_day", "", schedule)


def _special_schedule(school: SchoolData, row: CalendarRow) -> BellScheduleRow:
    schedule = school.schedule(row.schedule or "")
    if schedule is None:
        raise BuildError(
            f"school {school.slug}: special day {row.first} uses unknown bell schedule "
            f"{row.schedule!r}"
        )
    return schedule


def build_day(school: SchoolData, day: dt.date) -> DaySnapshot:
    """The snapshot of `day` for `school`. Raises BuildError when the data is inconsistent."""
    zone = school_zone(school)
    day_kind = kind_of_day(school, day)
    document: dict[str, Any] = {
        "schema": SNAPSHOT_SCHEMA,
        "date": day.isoformat(),
        "weekday": WEEKDAYS[day.weekday()],
        "timezone": school.timezone,
        "starts_at": _instant(day, dt.time(0), zone),
        "ends_at": _instant(day + dt.timedelta(days=1), dt.time(0), zone),
        "status": day_kind.status,
        "label": day_kind.label,
        "schedule": day_kind.schedule.name if day_kind.schedule else None,
        "classes": list(school.classes),
        "periods": _periods(school, day, day_kind.schedule, zone) if day_kind.schedule else [],
        "duties": _duties(school, day) if day_kind.status == "school_day" else [],
        "announcements": [
            {"text": row.text} for row in school.announcements if row.first <= day <= row.last
        ],
        "next_school_day": _next_school_day(school, day, zone),
    }
    return DaySnapshot(day, document)


def build_window_days(school: SchoolData, now: dt.datetime, days: int) -> list[DaySnapshot]:
    """The snapshots of every date of the school's window at `now` (`window_dates`), in
    order: what publish and verify build. Raises BuildError when the data is inconsistent."""
    local_now = now.astimezone(school_zone(school))
    return [build_day(school, date) for date in window_dates(local_now, days)]


def _periods(
    school: SchoolData, day: dt.date, schedule: BellScheduleRow, zone: ZoneInfo
) -> list[dict[str, Any]]:
    weekday = WEEKDAYS[day.weekday()]
    changes = {(s.period, s.school_class): s for s in school.substitutions if s.date == day}
    periods = []
    for period in schedule.periods:
        if period.end <= period.start:
            raise BuildError(
                f"school {school.slug}: bell schedule {schedule.name!r} period {period.index} "
                f"ends at {period.end:%H:%M}, not after it starts at {period.start:%H:%M}"
            )
        entries: list[dict[str, Any]] = []
        if period.kind == "lesson":
            for row in school.lessons_by_slot.get((weekday, period.index), []):
                entries.append(_lesson(row, changes.get((period.index, row.school_class))))
        elif period.kind == "exam":
            entries = [_exam(row) for row in school.exams_by_slot.get((day, period.index), [])]
        periods.append(
            {
                "index": period.index,
                "kind": period.kind,
                "label": period.label,
                "start": f"{period.start:%H:%M}",
                "end": f"{period.end:%H:%M}",
                "starts_at": _instant(day, period.start, zone),
                "ends_at": _instant(day, period.end, zone),
                "lessons": entries,
            }
        )
    return periods


def _lesson(row: LessonRow, change: SubstitutionRow | None) -> dict[str, Any]:
    """A lesson as the screen shows it on the day: the weekly one, with the day's change.

    Another teacher makes a substitute (naming whom it `replaces`); the same
    teacher in another room, a room change. Either way a new room comes with
    the `usual_room` it replaces, so a pupil knows where not to go.
    """
    entry: dict[str, Any] = {"class": row.school_class, "subject": row.subject}
    entry["teacher"] = row.teacher
    if row.room:
        entry["room"] = row.room
    if row.group:
        entry["group"] = row.group
    if change is None:
        return entry
    if change.cancelled:
        entry["change"] = "cancelled"
        return entry
    moved = change.room is not None and change.room != row.room
    if moved:
        entry["room"] = change.room
        if row.room:
            entry["usual_room"] = row.room
    if change.teacher is not None and change.teacher != row.teacher:
        entry["change"] = "substitute"
        entry["teacher"] = change.teacher
        if row.teacher:
            entry["replaces"] = row.teacher
    elif moved:
        entry["change"] = "room"
    elif change.teacher is not None:
        # The weekly teacher named as their own substitute: shown as a substitute,
        # as before rooms existed, but nobody is replaced.
        entry["change"] = "substitute"
    return entry


def _exam(row: ExamRow) -> dict[str, Any]:
    entry: dict[str, Any] = {"class": row.school_class, "subject": row.subject}
    if row.room:
        entry["room"] = row.room
    entry["invigilators"] = list(row.invigilators)
    return entry


def _duties(school: SchoolData, day: dt.date) -> list[dict[str, str]]:
    weekday = WEEKDAYS[day.weekday()]
    return [
        {"teacher": row.teacher, "place": row.place}
        for row in school.duties
        if row.date == day or (row.date is None and row.weekday == weekday)
    ]


def _next_school_day(school: SchoolData, day: dt.date, zone: ZoneInfo) -> dict[str, str] | None:
    """The first later date with a bell, for "back on Sunday at 07:00" screens."""
    for ahead in range(1, NEXT_SCHOOL_DAY_HORIZON + 1):
        candidate = day + dt.timedelta(days=ahead)
        day_kind = kind_of_day(school, candidate)
        if day_kind.schedule is not None and day_kind.schedule.periods:
            first = min(day_kind.schedule.periods, key=lambda p: p.start)
            return {
                "date": candidate.isoformat(),
                "start": f"{first.start:%H:%M}",
                "starts_at": _instant(candidate, first.start, zone),
            }
    return None


@lru_cache(maxsize=65536)
def _instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> str:
    """The UTC instant of a local wall-clock time (cached: schools share bell times).

    A time that does not exist (skipped by a spring-forward) is read with the
    offset in force before the change, the usual reading of such a time.
    """
    local = dt.datetime.combine(day, time, tzinfo=zone)
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
