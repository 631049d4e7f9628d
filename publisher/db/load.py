"""Reading and writing whole schools as `SchoolData` values.

Loading many schools costs a fixed number of queries per batch (one per table,
through `selectinload`), never one per school or per period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from publisher.build.source import (
    WEEKDAYS,
    AnnouncementRow,
    BellScheduleRow,
    CalendarRow,
    DutyRow,
    LessonRow,
    PeriodRow,
    SchoolData,
    SubstitutionRow,
)
from publisher.db.models import (
    Announcement,
    BellSchedule,
    CalendarOverride,
    Duty,
    Lesson,
    Period,
    PublishState,
    School,
    SchoolClass,
    Substitution,
    WeekPlanDay,
)

T = TypeVar("T")


def _school_options(since: dt.date | None) -> list:  # type: ignore[type-arg]
    # Dated rows older than `since` cannot appear in any day being built, so
    # they are not loaded: substitutions and announcements grow for ever.
    substitutions = School.substitutions
    announcements = School.announcements
    duties = School.duties
    if since is not None:
        substitutions = substitutions.and_(Substitution.date >= since)  # type: ignore[assignment]
        announcements = announcements.and_(Announcement.last_date >= since)  # type: ignore[assignment]
        duties = duties.and_((Duty.date.is_(None)) | (Duty.date >= since))  # type: ignore[assignment]
    return [
        selectinload(School.bell_schedules).selectinload(BellSchedule.periods),
        selectinload(School.week_plan),
        selectinload(School.calendar),
        selectinload(School.classes),
        selectinload(School.lessons),
        selectinload(substitutions),
        selectinload(duties),
        selectinload(announcements),
    ]


def load_schools(
    session: Session, school_ids: Sequence[int], since: dt.date | None = None
) -> list[SchoolData]:
    """Load the given schools, in id order, with every row a day from `since` on needs."""
    if not school_ids:
        return []
    query = (
        select(School)
        .where(School.id.in_(school_ids))
        .order_by(School.id)
        .options(*_school_options(since))
        .execution_options(populate_existing=True)
    )
    return [to_school_data(school) for school in session.scalars(query)]


def to_school_data(school: School) -> SchoolData:
    """Copy an ORM school and its rows into an immutable, normalized value."""
    # Rows name schedules and classes by id; resolving them here, rather than
    # through relationships, keeps loading at one query per table.
    schedule_name = {schedule.id: schedule.name for schedule in school.bell_schedules}
    class_name = {c.id: c.name for c in school.classes}
    data = SchoolData(
        id=school.id,
        key=school.public_key,
        slug=school.slug,
        name=school.name,
        timezone=school.timezone,
        locale=school.locale,
        active=school.active,
        weekend=school.weekend_days,
        revision=school.revision,
        revised_at=_as_utc(school.revised_at),
        bell_schedules=tuple(
            BellScheduleRow(
                name=schedule.name,
                periods=tuple(
                    PeriodRow(p.index, p.kind, p.label, p.starts_at, p.ends_at)
                    for p in schedule.periods
                ),
            )
            for schedule in school.bell_schedules
        ),
        week=tuple(
            (WEEKDAYS[day.weekday], schedule_name[day.bell_schedule_id]) for day in school.week_plan
        ),
        calendar=tuple(
            CalendarRow(
                kind=row.kind,
                first=row.first_date,
                last=row.last_date,
                label=row.label,
                schedule=schedule_name.get(row.bell_schedule_id or 0),
            )
            for row in school.calendar
        ),
        classes=tuple(c.name for c in school.classes),
        lessons=tuple(
            LessonRow(
                WEEKDAYS[lesson.weekday],
                lesson.period_index,
                class_name[lesson.class_id],
                lesson.subject,
                lesson.teacher,
            )
            for lesson in school.lessons
        ),
        substitutions=tuple(
            SubstitutionRow(s.date, s.period_index, class_name[s.class_id], s.teacher, s.cancelled)
            for s in school.substitutions
        ),
        duties=tuple(
            DutyRow(
                teacher=d.teacher,
                place=d.place,
                weekday=WEEKDAYS[d.weekday] if d.weekday is not None else None,
                date=d.date,
            )
            for d in school.duties
        ),
        announcements=tuple(
            AnnouncementRow(a.text, a.first_date, a.last_date) for a in school.announcements
        ),
    )
    return data.normalized()


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def same_schedule_data(a: SchoolData, b: SchoolData) -> bool:
    """True when two values describe the same school, whatever their identity and revision."""
    return _without_identity(a) == _without_identity(b)


def _without_identity(data: SchoolData) -> SchoolData:
    return dataclasses.replace(data.normalized(), id=None, key="", revision=0, revised_at=None)


def find_school(session: Session, slug: str) -> School | None:
    return session.scalars(select(School).where(School.slug == slug)).one_or_none()


def save_school(session: Session, data: SchoolData) -> tuple[School, bool]:
    """Create or update the school `data.slug` to match `data` exactly.

    Returns the school and whether anything changed. Nothing is written when the
    stored school already matches, so its revision stays where it was; otherwise
    its rows are replaced and the revision goes up once (see `db.revision`).
    `data.key`, when set, becomes the school's public key.
    """
    school = find_school(session, data.slug)
    if school is not None:
        current = to_school_data(school)
        key_unchanged = not data.key or data.key == school.public_key
        if key_unchanged and same_schedule_data(current, data):
            return school, False
    else:
        school = School(slug=data.slug)
        session.add(school)

    if data.key:
        school.public_key = data.key
    school.name = data.name
    school.timezone = data.timezone
    school.locale = data.locale
    school.active = data.active
    school.weekend = ",".join(data.weekend)
    _replace_rows(session, school, data)
    return school, True


def _replace_rows(session: Session, school: School, data: SchoolData) -> None:
    for collection in (
        school.lessons,
        school.substitutions,
        school.duties,
        school.announcements,
        school.week_plan,
        school.calendar,
    ):
        collection.clear()
    # Lessons and week plans reference classes and schedules: remove them first.
    session.flush()
    school.classes.clear()
    school.bell_schedules.clear()
    session.flush()

    schedules = {
        row.name: BellSchedule(
            name=row.name,
            periods=[
                Period(index=p.index, kind=p.kind, label=p.label, starts_at=p.start, ends_at=p.end)
                for p in row.periods
            ],
        )
        for row in data.bell_schedules
    }
    school.bell_schedules.extend(schedules.values())
    classes = {name: SchoolClass(name=name, position=i) for i, name in enumerate(data.classes)}
    school.classes.extend(classes.values())
    school.week_plan.extend(
        WeekPlanDay(weekday=WEEKDAYS.index(day), schedule=schedules[name])
        for day, name in data.week
    )
    school.calendar.extend(
        CalendarOverride(
            kind=row.kind,
            first_date=row.first,
            last_date=row.last,
            label=row.label,
            schedule=schedules[row.schedule] if row.schedule else None,
        )
        for row in data.calendar
    )
    school.lessons.extend(
        Lesson(
            weekday=WEEKDAYS.index(row.weekday),
            period_index=row.period,
            school_class=classes[row.school_class],
            subject=row.subject,
            teacher=row.teacher,
        )
        for row in data.lessons
    )
    school.substitutions.extend(
        Substitution(
            date=row.date,
            period_index=row.period,
            school_class=classes[row.school_class],
            teacher=row.teacher,
            cancelled=row.cancelled,
        )
        for row in data.substitutions
    )
    school.duties.extend(
        Duty(
            weekday=WEEKDAYS.index(row.weekday) if row.weekday else None,
            date=row.date,
            teacher=row.teacher,
            place=row.place,
        )
        for row in data.duties
    )
    school.announcements.extend(
        Announcement(text=row.text, first_date=row.first, last_date=row.last)
        for row in data.announcements
    )


def all_school_ids(session: Session, active_only: bool = True) -> list[int]:
    query = select(School.id).order_by(School.id)
    if active_only:
        query = query.where(School.active.is_(True))
    return list(session.scalars(query))


def iter_batches(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def changed_school_ids(session: Session) -> list[int]:
    """Active schools whose revision moved since their last good publish, or never published."""
    query = (
        select(School.id)
        .outerjoin(PublishState, PublishState.school_id == School.id)
        .where(
            School.active.is_(True),
            (PublishState.revision.is_(None)) | (PublishState.revision != School.revision),
        )
        .order_by(School.id)
    )
    return list(session.scalars(query))
