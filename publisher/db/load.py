"""Reading whole schools as `SchoolData` values, many at a time.

Loading a batch of schools costs one query per table, whatever the batch's
size, and reads plain rows (no ORM objects): a school has hundreds of lessons,
and a publish run reads every school.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from publisher.build.day import Window
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
    School,
    SchoolClass,
    Substitution,
    WeekPlanDay,
    split_weekend,
)


def load_schools(
    session: Session, school_ids: Sequence[int], window: Window | None = None
) -> list[SchoolData]:
    """Load the given schools, in id order: every row, or only what `window`'s days need.

    With a window, each school holds the rows its own dates can use: lessons
    and weekly duties of those weekdays, and dated rows that touch those dates
    (calendar overrides from the first date on, since a day looks ahead for
    the next school day). Such a `SchoolData` builds the window's days exactly
    as the whole school would, at a fraction of the reading: lessons are most
    of a school, and a run of 3 days needs 3 weekdays of them. It is for
    building only, never for saving or exporting.
    """
    if not school_ids:
        return []
    ids = list(school_ids)
    schools = session.execute(
        select(
            School.id,
            School.public_key,
            School.slug,
            School.name,
            School.timezone,
            School.locale,
            School.active,
            School.weekend,
            School.revision,
            School.revised_at,
        )
        .where(School.id.in_(ids))
        .order_by(School.id)
    ).all()
    bounds = _Bounds.of(schools, window)

    connection = session.connection()  # plain rows: Core is cheaper than the ORM's loading

    def grouped(query: Any) -> dict[int, list[Any]]:
        """Rows by their first column (the school or schedule id), without it."""
        groups: dict[int, list[Any]] = defaultdict(list)
        for row in connection.execute(query):
            groups[row[0]].append(row[1:])
        return groups

    schedules = grouped(
        select(BellSchedule.school_id, BellSchedule.id, BellSchedule.name).where(
            BellSchedule.school_id.in_(ids)
        )
    )
    periods = grouped(
        select(
            Period.bell_schedule_id,
            Period.index,
            Period.kind,
            Period.label,
            Period.starts_at,
            Period.ends_at,
        )
        .join(BellSchedule)
        .where(BellSchedule.school_id.in_(ids))
    )
    classes = grouped(
        select(SchoolClass.school_id, SchoolClass.id, SchoolClass.name)
        .where(SchoolClass.school_id.in_(ids))
        .order_by(SchoolClass.school_id, SchoolClass.position)
    )
    week = grouped(
        select(WeekPlanDay.school_id, WeekPlanDay.weekday, WeekPlanDay.bell_schedule_id).where(
            WeekPlanDay.school_id.in_(ids)
        )
    )
    calendar = grouped(
        bounds.ending_from(
            select(
                CalendarOverride.school_id,
                CalendarOverride.kind,
                CalendarOverride.first_date,
                CalendarOverride.last_date,
                CalendarOverride.label,
                CalendarOverride.bell_schedule_id,
            ).where(CalendarOverride.school_id.in_(ids)),
            CalendarOverride.school_id,
            CalendarOverride.last_date,
        )
    )
    lessons = grouped(
        bounds.on_weekdays(
            select(
                Lesson.school_id,
                Lesson.weekday,
                Lesson.period_index,
                Lesson.class_id,
                Lesson.subject,
                Lesson.teacher,
            ).where(Lesson.school_id.in_(ids)),
            Lesson.school_id,
            Lesson.weekday,
        )
    )
    substitutions = grouped(
        bounds.touching(
            select(
                Substitution.school_id,
                Substitution.date,
                Substitution.period_index,
                Substitution.class_id,
                Substitution.teacher,
                Substitution.cancelled,
            ).where(Substitution.school_id.in_(ids)),
            Substitution.school_id,
            Substitution.date,
            Substitution.date,
        )
    )
    duties = grouped(
        bounds.weekly_or_dated(
            select(Duty.school_id, Duty.teacher, Duty.place, Duty.weekday, Duty.date)
            .where(Duty.school_id.in_(ids))
            .order_by(Duty.id),
            Duty.school_id,
            Duty.weekday,
            Duty.date,
        )
    )
    announcements = grouped(
        bounds.touching(
            select(
                Announcement.school_id,
                Announcement.text,
                Announcement.first_date,
                Announcement.last_date,
            )
            .where(Announcement.school_id.in_(ids))
            .order_by(Announcement.id),
            Announcement.school_id,
            Announcement.first_date,
            Announcement.last_date,
        )
    )

    loaded = []
    for school in schools:
        schedule_name = {sid: name for sid, name in schedules[school.id]}
        class_name = {cid: name for cid, name in classes[school.id]}
        loaded.append(
            SchoolData(
                id=school.id,
                key=school.public_key,
                slug=school.slug,
                name=school.name,
                timezone=school.timezone,
                locale=school.locale,
                active=school.active,
                weekend=split_weekend(school.weekend),
                revision=school.revision,
                revised_at=_as_utc(school.revised_at),
                bell_schedules=tuple(
                    BellScheduleRow(name, tuple(PeriodRow(*row) for row in periods[sid]))
                    for sid, name in schedules[school.id]
                ),
                week=tuple(
                    (WEEKDAYS[weekday], schedule_name[sid]) for weekday, sid in week[school.id]
                ),
                calendar=tuple(
                    CalendarRow(kind, first, last, label, schedule_name.get(sid or 0))
                    for kind, first, last, label, sid in calendar[school.id]
                ),
                classes=tuple(class_name.values()),
                lessons=tuple(
                    LessonRow(WEEKDAYS[weekday], period, class_name[cid], subject, teacher)
                    for weekday, period, cid, subject, teacher in lessons[school.id]
                ),
                substitutions=tuple(
                    SubstitutionRow(date, period, class_name[cid], teacher, cancelled)
                    for date, period, cid, teacher, cancelled in substitutions[school.id]
                ),
                duties=tuple(
                    DutyRow(
                        teacher, place, WEEKDAYS[weekday] if weekday is not None else None, date
                    )
                    for teacher, place, weekday, date in duties[school.id]
                ),
                announcements=tuple(AnnouncementRow(*row) for row in announcements[school.id]),
            ).normalized()
        )
    return loaded


@dataclass(frozen=True)
class _Span:
    """Schools whose windows are the same dates (one time-zone offset, usually)."""

    school_ids: tuple[int, ...]
    first: dt.date
    last: dt.date
    weekdays: tuple[int, ...]


@dataclass(frozen=True)
class _Bounds:
    """What a batch's windows need to read, as conditions on queries.

    The batch's schools are grouped by their window's dates (a batch spans a
    handful of UTC offsets at most), and each table is still read with one
    query: an OR of one condition per group.
    """

    spans: tuple[_Span, ...] | None = None  # None: no window, read everything

    @classmethod
    def of(cls, schools: Sequence[Any], window: Window | None) -> _Bounds:
        if window is None:
            return cls()
        groups: dict[tuple[dt.date, ...], list[int]] = defaultdict(list)
        for school in schools:
            groups[tuple(window.dates(school.timezone))].append(school.id)
        return cls(
            tuple(
                _Span(tuple(ids), dates[0], dates[-1], tuple(sorted({d.weekday() for d in dates})))
                for dates, ids in groups.items()
            )
        )

    def _where(self, query: Any, school_id: Any, condition: Any) -> Any:
        if self.spans is None:
            return query
        return query.where(
            or_(*(school_id.in_(span.school_ids) & condition(span) for span in self.spans))
        )

    def ending_from(self, query: Any, school_id: Any, last: Any) -> Any:
        """Rows still in force on or after the first date."""
        return self._where(query, school_id, lambda span: last >= span.first)

    def touching(self, query: Any, school_id: Any, first: Any, last: Any) -> Any:
        """Rows whose dates overlap the window."""
        return self._where(
            query, school_id, lambda span: (last >= span.first) & (first <= span.last)
        )

    def on_weekdays(self, query: Any, school_id: Any, weekday: Any) -> Any:
        return self._where(query, school_id, lambda span: weekday.in_(span.weekdays))

    def weekly_or_dated(self, query: Any, school_id: Any, weekday: Any, date: Any) -> Any:
        """Rows for one of the window's weekdays (no date), or dated within it."""
        return self._where(
            query,
            school_id,
            lambda span: (
                (date.is_(None) & weekday.in_(span.weekdays)) | date.between(span.first, span.last)
            ),
        )


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def all_school_ids(session: Session, active_only: bool = True) -> list[int]:
    query = select(School.id).order_by(School.id)
    if active_only:
        query = query.where(School.active.is_(True))
    return list(session.scalars(query))
