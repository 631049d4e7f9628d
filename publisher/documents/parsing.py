"""Validating a school document (a mapping read from YAML or JSON) into a `SchoolData`.

Pure: no database or clock, and no file but a logo named by the document, read
through the function the caller passes. The first problem found raises `ValidationError`
with one line, `<file>: <field path>: <problem>`.
"""

from __future__ import annotations

import dataclasses
import re
import zoneinfo
from typing import Any

from publisher.build.source import (
    WEEKDAYS,
    AnnouncementRow,
    BellScheduleRow,
    DutyRow,
    LessonRow,
    SchoolData,
    SubstitutionRow,
)
from publisher.config import LOCALES
from publisher.documents import limits
from publisher.documents.bells import bell_schedules, calendar, week_plan
from publisher.documents.display import ReadFile, display
from publisher.documents.exams import exams
from publisher.documents.fields import (
    At,
    boolean,
    choice,
    date,
    describe,
    integer,
    mapping,
    records,
    sequence,
    text,
    weekday,
)
from publisher.documents.groups import class_groups
from publisher.documents.names import class_name, known_class, room, teacher
from publisher.errors import quote

DEFAULT_WEEKEND = ("friday", "saturday")
REQUIRED = ("slug", "name", "timezone", "locale", "classes", "bell_schedules", "week")
OPTIONAL = (
    "key",
    "active",
    "weekend",
    "calendar",
    "lessons",
    "substitutions",
    "duties",
    "announcements",
    "exams",
    "display",
    "class_groups",
)
_SLUG = re.compile(r"[a-z0-9-]{1,100}")
_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}")


def parse_school(document: Any, source: str, read_file: ReadFile | None = None) -> SchoolData:
    """Check a whole document and return the school it describes, normalized.

    `source` is the file as the user named it; every error message starts with it.
    `read_file` reads a logo the document names by file; without it, only a logo
    given inline (a data: URI) is accepted.
    """
    at = At(source)
    doc = mapping(document, at, REQUIRED, OPTIONAL)
    slug = _slug(doc["slug"], at.key("slug"))
    key = _key(doc["key"], at.key("key")) if "key" in doc else ""
    name = text(doc["name"], at.key("name"))
    timezone = _timezone(doc["timezone"], at.key("timezone"))
    locale = choice(doc["locale"], at.key("locale"), LOCALES)
    active = boolean(doc.get("active", True), at.key("active"))
    weekend = _weekend(doc.get("weekend", list(DEFAULT_WEEKEND)), at.key("weekend"))
    classes = _classes(doc["classes"], at.key("classes"))
    schedules = bell_schedules(doc["bell_schedules"], at.key("bell_schedules"))
    week = week_plan(doc["week"], at.key("week"), schedules, weekend)
    school = SchoolData(
        slug=slug,
        key=key,
        name=name,
        timezone=timezone,
        locale=locale,
        active=active,
        weekend=weekend,
        classes=classes,
        bell_schedules=schedules,
        week=week,
        calendar=calendar(doc.get("calendar", []), at.key("calendar"), schedules),
        lessons=_lessons(doc.get("lessons", []), at.key("lessons"), classes, schedules, week),
        substitutions=_substitutions(
            doc.get("substitutions", []), at.key("substitutions"), classes
        ),
        duties=_duties(doc.get("duties", []), at.key("duties")),
        announcements=_announcements(doc.get("announcements", []), at.key("announcements")),
        display=display(doc.get("display", {}), at.key("display"), read_file),
        class_groups=class_groups(doc.get("class_groups", {}), at.key("class_groups"), classes),
    )
    # Exams are checked against the bell schedule each date really has.
    return dataclasses.replace(
        school, exams=exams(doc.get("exams", []), at.key("exams"), school)
    ).normalized()


def _slug(value: Any, at: At) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        at.fail(f"expected 1 to 100 of a-z, 0-9 and -, found {describe(value)}")
    return value


def _key(value: Any, at: At) -> str:
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        at.fail(
            "expected 22 to 64 URL-safe base64 characters (A-Z a-z 0-9 _ -, at least 128 bits),"
            f" found {describe(value)}"
        )
    return value


def _timezone(value: Any, at: At) -> str:
    name = text(value, at, max_length=64)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        at.fail(f'unknown time zone {quote(name)} (expected an IANA name such as "Asia/Riyadh")')
    return name


def _weekend(value: Any, at: At) -> tuple[str, ...]:
    days: list[str] = []
    for position, item in enumerate(sequence(value, at, len(WEEKDAYS)), start=1):
        day = weekday(item, at.item(position))
        if day in days:
            at.item(position).fail(f"{day} is listed twice")
        days.append(day)
    return tuple(days)


def _classes(value: Any, at: At) -> tuple[str, ...]:
    positions: dict[str, int] = {}  # a dict, not a list: a long list is checked in linear time
    for position, item in enumerate(sequence(value, at, limits.CLASSES), start=1):
        name = class_name(item, at.item(position))
        if name in positions:
            at.item(position).fail(
                f"class {quote(name)} is listed twice (classes[{positions[name]}])"
            )
        positions[name] = position
    return tuple(positions)


def _lessons(
    value: Any,
    at: At,
    classes: tuple[str, ...],
    schedules: tuple[BellScheduleRow, ...],
    week: tuple[tuple[str, str], ...],
) -> tuple[LessonRow, ...]:
    planned = dict(week)
    periods = {s.name: {p.index: p for p in s.periods} for s in schedules}
    taken: dict[tuple[str, int, str], str] = {}
    lessons = []
    fields = ("day", "period", "class", "subject")
    known = set(classes)
    optional = ("teacher", "room", "group")
    for where, row in records(value, at, fields, optional, max_items=limits.LESSONS):
        day = weekday(row["day"], where.key("day"))
        if day not in planned:
            where.key("day").fail(f"no bell schedule is planned on {day} (see week)")
        index = integer(row["period"], where.key("period"))
        schedule = planned[day]
        period = periods[schedule].get(index)
        if period is None:
            where.key("period").fail(
                f"bell schedule {quote(schedule)}, planned on {day}, has no period {index}"
            )
        if period.kind != "lesson":
            where.key("period").fail(
                f"period {index} of bell schedule {quote(schedule)} is a {period.kind},"
                " not a lesson"
            )
        school_class = known_class(row["class"], where.key("class"), known)
        slot = (day, index, school_class)
        if slot in taken:
            where.fail(
                f"class {quote(school_class)} already has a lesson in {day} period {index}"
                f" ({taken[slot]})"
            )
        taken[slot] = where.path
        lessons.append(
            LessonRow(
                weekday=day,
                period=index,
                school_class=school_class,
                subject=text(row["subject"], where.key("subject")),
                teacher=teacher(row.get("teacher", ""), where.key("teacher"), allow_empty=True),
                room=room(row.get("room", ""), where.key("room"), allow_empty=True),
                group=text(
                    row.get("group", ""),
                    where.key("group"),
                    max_length=limits.SHORT_NAME_LENGTH,
                    allow_empty=True,
                ),
            )
        )
    return tuple(lessons)


def _substitutions(value: Any, at: At, classes: tuple[str, ...]) -> tuple[SubstitutionRow, ...]:
    taken: dict[tuple[Any, int, str], str] = {}
    rows = []
    fields = ("date", "period", "class")
    known = set(classes)
    optional = ("teacher", "room", "cancelled")
    for where, row in records(value, at, fields, optional, max_items=limits.SUBSTITUTIONS):
        day = date(row["date"], where.key("date"))
        index = integer(row["period"], where.key("period"))
        school_class = known_class(row["class"], where.key("class"), known)
        cancelled = boolean(row.get("cancelled", False), where.key("cancelled"))
        if cancelled and ("teacher" in row or "room" in row):
            where.fail("give a teacher or a room, or cancelled: true, not both")
        if not cancelled and "teacher" not in row and "room" not in row:
            where.fail("needs a teacher, a room, or cancelled: true")
        substitute = teacher(row["teacher"], where.key("teacher")) if "teacher" in row else None
        new_room = room(row["room"], where.key("room")) if "room" in row else None
        slot = (day, index, school_class)
        if slot in taken:
            where.fail(
                f"class {quote(school_class)} already has a substitution on {day} period {index}"
                f" ({taken[slot]})"
            )
        taken[slot] = where.path
        rows.append(SubstitutionRow(day, index, school_class, substitute, cancelled, new_room))
    return tuple(rows)


def _duties(value: Any, at: At) -> tuple[DutyRow, ...]:
    rows = []
    optional = ("place", "day", "date")
    for where, row in records(value, at, ("teacher",), optional, max_items=limits.DUTIES):
        if ("day" in row) == ("date" in row):
            where.fail("give exactly one of day (every week) or date (once)")
        rows.append(
            DutyRow(
                teacher=teacher(row["teacher"], where.key("teacher")),
                place=text(row.get("place", ""), where.key("place"), allow_empty=True),
                weekday=weekday(row["day"], where.key("day")) if "day" in row else None,
                date=date(row["date"], where.key("date")) if "date" in row else None,
            )
        )
    return tuple(rows)


def _announcements(value: Any, at: At) -> tuple[AnnouncementRow, ...]:
    rows = []
    fields = ("text", "first", "last")
    for where, row in records(value, at, fields, max_items=limits.ANNOUNCEMENTS):
        body = text(
            row["text"], where.key("text"), max_length=limits.ANNOUNCEMENT_LENGTH, multiline=True
        )
        first = date(row["first"], where.key("first"))
        last = date(row["last"], where.key("last"))
        if last < first:
            where.key("last").fail(f"{last} is before the first date {first}")
        rows.append(AnnouncementRow(body, first, last))
    return tuple(rows)
