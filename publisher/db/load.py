"""Reading whole schools as `SchoolData` values, many at a time.

`load_schools` reads a batch of schools with one query per table, whatever the
batch's size: a small loader per table selects the columns it needs, reads
each row by column name and returns the build's frozen values grouped by
school (or, for periods, by bell schedule); `load_schools` then assembles one
`SchoolData` per school. Rows are plain Core rows, not ORM objects: a school
has hundreds of lessons, and a publish run reads every school. Rows are read
by column name (`row["subject"]`), except lessons, nine rows in ten of a
batch: their loop names the columns beside the select, since a lookup by name
per value makes the whole load a sixth slower (a `Row`'s attributes, slower
still).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, RowMapping, select
from sqlalchemy.orm import Session

from publisher.build.day import Window
from publisher.build.source import (
    WEEKDAYS,
    AnnouncementRow,
    BellScheduleRow,
    CalendarRow,
    ClassGroupRow,
    DisplaySettings,
    DutyRow,
    ExamRow,
    LessonRow,
    Logo,
    NightHours,
    PeriodRow,
    SchoolData,
    SubstitutionRow,
)
from publisher.db.bounds import Bounds
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
    split_weekend,
)

T = TypeVar("T")

Names = dict[int, dict[int, str]]
"""school id -> row id -> name: a school's bell schedules or classes."""


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
    schools = _load_school_rows(session, ids)
    bounds = Bounds.of(schools, window)
    connection = session.connection()  # plain rows: Core is cheaper than the ORM's loading
    schedules = _load_schedule_names(connection, ids)
    periods = _load_periods(connection, ids)
    classes = _load_class_names(connection, ids)
    week = _load_week(connection, ids, schedules)
    calendar = _load_calendar(connection, ids, bounds, schedules)
    lessons = _load_lessons(connection, ids, bounds, classes)
    substitutions = _load_substitutions(connection, ids, bounds, classes)
    duties = _load_duties(connection, ids, bounds)
    announcements = _load_announcements(connection, ids, bounds)
    exams = _load_exams(connection, ids, bounds, classes)
    displays = _load_displays(connection, ids)
    groups = _load_class_groups(connection, ids)
    return [
        SchoolData(
            id=school["id"],
            key=school["public_key"],
            slug=school["slug"],
            name=school["name"],
            timezone=school["timezone"],
            locale=school["locale"],
            active=school["active"],
            weekend=split_weekend(school["weekend"]),
            revision=school["revision"],
            revised_at=school["revised_at"],
            bell_schedules=tuple(
                BellScheduleRow(name, tuple(periods[schedule_id]))
                for schedule_id, name in schedules[school["id"]].items()
            ),
            week=tuple(week[school["id"]]),
            calendar=tuple(calendar[school["id"]]),
            classes=tuple(classes[school["id"]].values()),
            lessons=tuple(lessons[school["id"]]),
            substitutions=tuple(substitutions[school["id"]]),
            duties=tuple(duties[school["id"]]),
            announcements=tuple(announcements[school["id"]]),
            exams=tuple(exams[school["id"]]),
            display=displays.get(school["id"], DisplaySettings()),
            class_groups=tuple(groups[school["id"]]),
        ).normalized()
        for school in schools
    ]


def _load_school_rows(session: Session, ids: list[int]) -> Sequence[RowMapping]:
    # Through the session (unlike the tables below), which flushes pending changes first.
    return (
        session.execute(
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
        )
        .mappings()
        .all()
    )


def _grouped(
    connection: Connection, query: Any, key: str, value: Callable[[RowMapping], T]
) -> defaultdict[int, list[T]]:
    """`value` of each row the query returns, grouped by the row's `key` column."""
    groups: defaultdict[int, list[T]] = defaultdict(list)
    for row in connection.execute(query).mappings():
        groups[row[key]].append(value(row))
    return groups


def _names(connection: Connection, query: Any) -> Names:
    """Rows of `school_id`, `id` and `name`, in the query's order, by school."""
    names: Names = defaultdict(dict)
    for row in connection.execute(query).mappings():
        names[row["school_id"]][row["id"]] = row["name"]
    return names


def _load_schedule_names(connection: Connection, ids: list[int]) -> Names:
    return _names(
        connection,
        select(BellSchedule.school_id, BellSchedule.id, BellSchedule.name).where(
            BellSchedule.school_id.in_(ids)
        ),
    )


def _load_class_names(connection: Connection, ids: list[int]) -> Names:
    """Each school's classes in screen order."""
    return _names(
        connection,
        select(SchoolClass.school_id, SchoolClass.id, SchoolClass.name)
        .where(SchoolClass.school_id.in_(ids))
        .order_by(SchoolClass.school_id, SchoolClass.position),
    )


def _load_periods(connection: Connection, ids: list[int]) -> defaultdict[int, list[PeriodRow]]:
    """Periods by bell schedule id."""
    query = (
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
    return _grouped(
        connection,
        query,
        "bell_schedule_id",
        lambda row: PeriodRow(
            row["index"], row["kind"], row["label"], row["starts_at"], row["ends_at"]
        ),
    )


def _load_week(
    connection: Connection, ids: list[int], schedules: Names
) -> defaultdict[int, list[tuple[str, str]]]:
    """(weekday, bell schedule name) by school."""
    query = select(WeekPlanDay.school_id, WeekPlanDay.weekday, WeekPlanDay.bell_schedule_id).where(
        WeekPlanDay.school_id.in_(ids)
    )
    return _grouped(
        connection,
        query,
        "school_id",
        lambda row: (
            WEEKDAYS[row["weekday"]],
            schedules[row["school_id"]][row["bell_schedule_id"]],
        ),
    )


def _load_calendar(
    connection: Connection, ids: list[int], bounds: Bounds, schedules: Names
) -> defaultdict[int, list[CalendarRow]]:
    query = bounds.ending_from(
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
    return _grouped(
        connection,
        query,
        "school_id",
        lambda row: CalendarRow(
            row["kind"],
            row["first_date"],
            row["last_date"],
            row["label"],
            schedules[row["school_id"]].get(row["bell_schedule_id"]),  # None: a holiday
        ),
    )


def _load_lessons(
    connection: Connection, ids: list[int], bounds: Bounds, classes: Names
) -> defaultdict[int, list[LessonRow]]:
    query = bounds.on_weekdays(
        select(
            Lesson.school_id,
            Lesson.weekday,
            Lesson.period_index,
            Lesson.class_id,
            Lesson.subject,
            Lesson.teacher,
            Lesson.room,
            Lesson.group_label,
        ).where(Lesson.school_id.in_(ids)),
        Lesson.school_id,
        Lesson.weekday,
    )
    # Nine rows in ten of a batch: the loop names the columns in the select's
    # order, as looking each value up by name would slow the whole load (above).
    lessons: defaultdict[int, list[LessonRow]] = defaultdict(list)
    for school_id, weekday, period, class_id, subject, teacher, room, group in connection.execute(
        query
    ):
        lessons[school_id].append(
            LessonRow(
                WEEKDAYS[weekday],
                period,
                classes[school_id][class_id],
                subject,
                teacher,
                room,
                group,
            )
        )
    return lessons


def _load_substitutions(
    connection: Connection, ids: list[int], bounds: Bounds, classes: Names
) -> defaultdict[int, list[SubstitutionRow]]:
    query = bounds.touching(
        select(
            Substitution.school_id,
            Substitution.date,
            Substitution.period_index,
            Substitution.class_id,
            Substitution.teacher,
            Substitution.cancelled,
            Substitution.room,
        ).where(Substitution.school_id.in_(ids)),
        Substitution.school_id,
        Substitution.date,
        Substitution.date,
    )
    return _grouped(
        connection,
        query,
        "school_id",
        lambda row: SubstitutionRow(
            row["date"],
            row["period_index"],
            classes[row["school_id"]][row["class_id"]],
            row["teacher"],
            row["cancelled"],
            row["room"],
        ),
    )


def _load_duties(
    connection: Connection, ids: list[int], bounds: Bounds
) -> defaultdict[int, list[DutyRow]]:
    """Duties in the order they were added: the order on screen."""
    query = bounds.weekly_or_dated(
        select(Duty.school_id, Duty.teacher, Duty.place, Duty.weekday, Duty.date)
        .where(Duty.school_id.in_(ids))
        .order_by(Duty.id),
        Duty.school_id,
        Duty.weekday,
        Duty.date,
    )
    return _grouped(
        connection,
        query,
        "school_id",
        lambda row: DutyRow(
            row["teacher"],
            row["place"],
            None if row["weekday"] is None else WEEKDAYS[row["weekday"]],
            row["date"],
        ),
    )


def _load_announcements(
    connection: Connection, ids: list[int], bounds: Bounds
) -> defaultdict[int, list[AnnouncementRow]]:
    """Announcements in the order they were added: the order on screen."""
    query = bounds.touching(
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
    return _grouped(
        connection,
        query,
        "school_id",
        lambda row: AnnouncementRow(row["text"], row["first_date"], row["last_date"]),
    )


def _load_exams(
    connection: Connection, ids: list[int], bounds: Bounds, classes: Names
) -> defaultdict[int, list[ExamRow]]:
    query = bounds.touching(
        select(
            Exam.school_id,
            Exam.date,
            Exam.period_index,
            Exam.class_id,
            Exam.subject,
            Exam.room,
            Exam.invigilators,
        ).where(Exam.school_id.in_(ids)),
        Exam.school_id,
        Exam.date,
        Exam.date,
    )
    return _grouped(
        connection,
        query,
        "school_id",
        lambda row: ExamRow(
            row["date"],
            row["period_index"],
            classes[row["school_id"]][row["class_id"]],
            row["subject"],
            row["room"],
            split_invigilators(row["invigilators"]),
        ),
    )


def split_invigilators(stored: str) -> tuple[str, ...]:
    """The invigilators column (one name a line, lead first) as names."""
    return tuple(name for name in stored.split("\n") if name)


def _load_displays(connection: Connection, ids: list[int]) -> dict[int, DisplaySettings]:
    """Each school's display settings; a school without a row has none set."""
    query = select(SchoolDisplay).where(SchoolDisplay.school_id.in_(ids))
    displays = {}
    for row in connection.execute(query).mappings():
        logo = None
        if row["logo"] is not None and row["logo_extension"] is not None:
            logo = Logo(bytes(row["logo"]), row["logo_extension"])
        night = None
        if row["night_start"] is not None and row["night_end"] is not None:
            night = NightHours(row["night_start"], row["night_end"])
        displays[row["school_id"]] = DisplaySettings(
            hijri=row["hijri"], digits=row["digits"], accent=row["accent"], logo=logo, night=night
        )
    return displays


def _load_class_groups(
    connection: Connection, ids: list[int]
) -> defaultdict[int, list[ClassGroupRow]]:
    """Each school's class groups (few and small: read whole, whatever the window)."""
    query = select(ClassGroup.school_id, ClassGroup.name, ClassGroup.classes).where(
        ClassGroup.school_id.in_(ids)
    )
    groups: defaultdict[int, list[ClassGroupRow]] = defaultdict(list)
    for school_id, name, classes in connection.execute(query):
        groups[school_id].append(ClassGroupRow(name, tuple(c for c in classes.split("\n") if c)))
    return groups


def all_school_ids(session: Session, active_only: bool = True) -> list[int]:
    query = select(School.id).order_by(School.id)
    if active_only:
        query = query.where(School.active.is_(True))
    return list(session.scalars(query))
