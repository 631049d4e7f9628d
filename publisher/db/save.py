"""Writing whole schools from `SchoolData` values: nothing changed, nothing written.

A school's rows are replaced with plain statements, one per table, rather than
through the ORM: a school has hundreds of lessons, and the ORM's unit of work
costs too much per row when thousands of schools are loaded. The revision is
bumped explicitly, once per transaction, as the ORM listener would; new schools
start at revision 1 and are recorded as revised (`record_revised`), so that
nothing bumps them again for the rows written with them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from publisher.build.source import WEEKDAYS, DisplaySettings, SchoolData
from publisher.db.load import load_schools
from publisher.db.models import (
    Announcement,
    BellSchedule,
    CalendarOverride,
    ClassGroup,
    Duty,
    Exam,
    Lesson,
    Period,
    School,
    SchoolClass,
    SchoolDisplay,
    Substitution,
    WeekPlanDay,
    new_public_key,
)
from publisher.db.revision import bump_revision, record_revised


@dataclass(frozen=True)
class SaveCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def __add__(self, other: SaveCounts) -> SaveCounts:
        return SaveCounts(
            self.new + other.new, self.changed + other.changed, self.unchanged + other.unchanged
        )


def same_schedule_data(a: SchoolData, b: SchoolData) -> bool:
    """True when two values describe the same school, whatever their identity and revision."""
    return _without_identity(a) == _without_identity(b)


def _without_identity(data: SchoolData) -> SchoolData:
    return dataclasses.replace(data.normalized(), id=None, key="", revision=0, revised_at=None)


def _unchanged(current: SchoolData, data: SchoolData) -> bool:
    return (not data.key or data.key == current.key) and same_schedule_data(current, data)


def save_school(session: Session, data: SchoolData) -> tuple[int, int, bool]:
    """Create or update the school `data.slug` to match `data` exactly.

    Returns the school's id, its revision and whether anything changed. Nothing
    is written when the stored school already matches, so its revision stays
    where it was; otherwise its rows are replaced and its revision goes up once
    in this transaction. `data.key`, when set, becomes the school's public key.
    """
    school = session.scalars(select(School).where(School.slug == data.slug)).one_or_none()
    if school is None:
        [school_id] = _insert_schools(session, [data])
        return school_id, 1, True
    [current] = load_schools(session, [school.id])
    if _unchanged(current, data):
        return school.id, school.revision, False

    bump_revision(session, school)
    school.public_key = data.key or school.public_key
    school.name = data.name
    school.timezone = data.timezone
    school.locale = data.locale
    school.active = data.active
    school.weekend = ",".join(data.weekend)
    _delete_rows(session, school.id)
    _insert_rows(session, [(school.id, data)])
    session.flush()
    return school.id, school.revision, True


def save_schools(session: Session, batch: Sequence[SchoolData]) -> SaveCounts:
    """Save many schools in the session's transaction; returns how many were new or changed."""
    query = select(School.id).where(School.slug.in_([data.slug for data in batch]))
    stored = {s.slug: s for s in load_schools(session, list(session.scalars(query)))}
    new = [data for data in batch if data.slug not in stored]
    changed = [
        data for data in batch if data.slug in stored and not _unchanged(stored[data.slug], data)
    ]
    for data in changed:
        save_school(session, data)
    _insert_schools(session, new)
    return SaveCounts(len(new), len(changed), len(batch) - len(new) - len(changed))


def _insert_schools(session: Session, batch: Sequence[SchoolData]) -> list[int]:
    """Create new schools at revision 1 with plain inserts; returns their ids."""
    if not batch:
        return []
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ids = [
        session.execute(
            insert(School).returning(School.id),
            {
                "slug": data.slug,
                "public_key": data.key or new_public_key(),
                "name": data.name,
                "timezone": data.timezone,
                "locale": data.locale,
                "active": data.active,
                "weekend": ",".join(data.weekend),
                "revision": 1,
                "revised_at": now,
            },
        ).scalar_one()
        for data in batch
    ]
    record_revised(session, ids)
    _insert_rows(session, list(zip(ids, batch, strict=True)))
    return ids


def _insert_rows(session: Session, schools: Sequence[tuple[int, SchoolData]]) -> None:
    """Insert every row below these schools, one statement per table for the lot."""
    rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in _ROWS_IN_INSERT_ORDER}
    for school_id, data in schools:
        schedule_ids = _insert_named(
            session,
            BellSchedule,
            [{"school_id": school_id, "name": s.name} for s in data.bell_schedules],
        )
        class_ids = _insert_named(
            session,
            SchoolClass,
            [
                {"school_id": school_id, "name": n, "position": i}
                for i, n in enumerate(data.classes)
            ],
        )
        _collect_rows(rows, data, school_id, schedule_ids, class_ids)
    for model, values in rows.items():
        if values:
            session.execute(insert(model), values)


def _delete_rows(session: Session, school_id: int) -> None:
    """Delete every row below a school, children before the rows they reference."""
    schedules = select(BellSchedule.id).where(BellSchedule.school_id == school_id)
    session.execute(delete(Period).where(Period.bell_schedule_id.in_(schedules)))
    for model in (*_ROWS_IN_INSERT_ORDER[1:], SchoolClass, BellSchedule):
        session.execute(delete(model).where(model.school_id == school_id))
    # The ORM may hold the deleted rows in this session: forget them.
    school = session.get(School, school_id)
    if school is not None:
        session.expire(school, _COLLECTIONS)


_ROWS_IN_INSERT_ORDER = (
    Period,
    WeekPlanDay,
    CalendarOverride,
    Lesson,
    Substitution,
    Duty,
    Announcement,
    Exam,
    SchoolDisplay,
    ClassGroup,
)
_COLLECTIONS = [
    "bell_schedules",
    "week_plan",
    "calendar",
    "classes",
    "lessons",
    "substitutions",
    "duties",
    "announcements",
    "exams",
    "display",
    "class_groups",
]


def _insert_named(session: Session, model: Any, values: list[dict[str, Any]]) -> dict[str, int]:
    """Insert rows with a `name`, returning each name's new id."""
    if not values:
        return {}
    result = session.execute(
        insert(model).returning(model.id, model.name, sort_by_parameter_order=True), values
    )
    return {name: row_id for row_id, name in result}


def _collect_rows(
    rows: dict[type, list[dict[str, Any]]],
    data: SchoolData,
    school_id: int,
    schedule_ids: dict[str, int],
    class_ids: dict[str, int],
) -> None:
    for schedule in data.bell_schedules:
        rows[Period].extend(
            {
                "bell_schedule_id": schedule_ids[schedule.name],
                "index": p.index,
                "kind": p.kind,
                "label": p.label,
                "starts_at": p.start,
                "ends_at": p.end,
            }
            for p in schedule.periods
        )
    rows[WeekPlanDay].extend(
        {
            "school_id": school_id,
            "weekday": WEEKDAYS.index(day),
            "bell_schedule_id": schedule_ids[name],
        }
        for day, name in data.week
    )
    rows[CalendarOverride].extend(
        {
            "school_id": school_id,
            "kind": c.kind,
            "first_date": c.first,
            "last_date": c.last,
            "label": c.label,
            "bell_schedule_id": schedule_ids[c.schedule] if c.schedule else None,
        }
        for c in data.calendar
    )
    rows[Lesson].extend(
        {
            "school_id": school_id,
            "weekday": WEEKDAYS.index(x.weekday),
            "period_index": x.period,
            "class_id": class_ids[x.school_class],
            "subject": x.subject,
            "teacher": x.teacher,
            "room": x.room,
            "group_label": x.group,
        }
        for x in data.lessons
    )
    rows[Substitution].extend(
        {
            "school_id": school_id,
            "date": x.date,
            "period_index": x.period,
            "class_id": class_ids[x.school_class],
            "teacher": x.teacher,
            "cancelled": x.cancelled,
            "room": x.room,
        }
        for x in data.substitutions
    )
    rows[Duty].extend(
        {
            "school_id": school_id,
            "weekday": WEEKDAYS.index(x.weekday) if x.weekday else None,
            "date": x.date,
            "teacher": x.teacher,
            "place": x.place,
        }
        for x in data.duties
    )
    rows[Announcement].extend(
        {"school_id": school_id, "text": x.text, "first_date": x.first, "last_date": x.last}
        for x in data.announcements
    )
    rows[Exam].extend(
        {
            "school_id": school_id,
            "date": x.date,
            "period_index": x.period,
            "class_id": class_ids[x.school_class],
            "subject": x.subject,
            "room": x.room,
            "invigilators": "\n".join(x.invigilators),
        }
        for x in data.exams
    )
    if data.display != DisplaySettings():
        rows[SchoolDisplay].append(_display_row(school_id, data.display))
    rows[ClassGroup].extend(
        {"school_id": school_id, "name": g.name, "classes": "\n".join(g.classes)}
        for g in data.class_groups
    )


def _display_row(school_id: int, display: DisplaySettings) -> dict[str, Any]:
    """The `school_displays` row of settings that are not all unset (those need no row)."""
    return {
        "school_id": school_id,
        "hijri": display.hijri,
        "digits": display.digits,
        "accent": display.accent,
        "logo": display.logo.content if display.logo else None,
        "logo_extension": display.logo.extension if display.logo else None,
        "night_start": display.night.start if display.night else None,
        "night_end": display.night.end if display.night else None,
    }
