"""Small, readable schools for tests, built as `SchoolData` values."""

from __future__ import annotations

import dataclasses
import datetime as dt

from publisher.build.source import (
    AnnouncementRow,
    BellScheduleRow,
    CalendarRow,
    DutyRow,
    LessonRow,
    PeriodRow,
    SchoolData,
    SubstitutionRow,
)
from publisher.db import transaction
from publisher.db.load import load_schools
from publisher.db.lookup import find_school_by_key
from publisher.db.save import save_school

SCHOOL_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday")


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


REGULAR = BellScheduleRow(
    "regular",
    (
        PeriodRow(1, "lesson", "First", t("07:00"), t("07:45")),
        PeriodRow(2, "lesson", "Second", t("07:50"), t("08:35")),
        PeriodRow(3, "break", "Break", t("08:35"), t("08:55")),
        PeriodRow(4, "lesson", "Third", t("08:55"), t("09:40")),
        PeriodRow(5, "prayer", "Prayer", t("11:50"), t("12:10")),
    ),
)
SHORT = BellScheduleRow(
    "exams",
    (
        PeriodRow(1, "lesson", "Exam 1", t("08:00"), t("09:30")),
        PeriodRow(2, "lesson", "Exam 2", t("10:00"), t("11:30")),
    ),
)


def riyadh_school(slug: str = "alpha", **changes: object) -> SchoolData:
    """A Riyadh school, Sunday to Thursday, with two classes and a few dated rows."""
    lessons = tuple(
        LessonRow(day, period, cls, subject, teacher)
        for day in SCHOOL_DAYS
        for period, subject in ((1, "Maths"), (2, "Science"), (4, "Arabic"))
        for cls, teacher in (("1A", f"T-{subject}-A"), ("1B", f"T-{subject}-B"))
    )
    school = SchoolData(
        slug=slug,
        name=f"مدرسة {slug}",
        timezone="Asia/Riyadh",
        locale="ar",
        weekend=("friday", "saturday"),
        bell_schedules=(REGULAR, SHORT),
        week=tuple((day, "regular") for day in SCHOOL_DAYS),
        calendar=(
            CalendarRow("holiday", dt.date(2026, 11, 24), dt.date(2026, 11, 24), "National Day"),
            CalendarRow("special", dt.date(2026, 11, 25), dt.date(2026, 11, 25), "Exams", "exams"),
        ),
        classes=("1A", "1B"),
        lessons=lessons,
        substitutions=(
            SubstitutionRow(dt.date(2026, 11, 22), 1, "1A", "Substitute Sara", False),
            SubstitutionRow(dt.date(2026, 11, 22), 2, "1B", None, True),
        ),
        duties=(
            DutyRow("Duty Daily", "Gate", weekday="sunday"),
            DutyRow("Duty Once", "Yard", date=dt.date(2026, 11, 23)),
        ),
        announcements=(
            AnnouncementRow("Trip on Monday", dt.date(2026, 11, 22), dt.date(2026, 11, 23)),
        ),
    )
    return dataclasses.replace(school, **changes).normalized()  # type: ignore[arg-type]


def stored(sessions, key: str) -> SchoolData:
    """The school stored under `key` (id, slug or public key), read through the library."""
    with transaction(sessions) as session:
        school = find_school_by_key(session, key)
        assert school is not None, f"no school {key}"
        (data,) = load_schools(session, [school.id])
    return data


def save(sessions, *schools: SchoolData) -> list[int]:
    """Store schools through the library; returns their ids."""
    ids = []
    with transaction(sessions) as session:
        for data in schools:
            school_id, _revision, _changed = save_school(session, data)
            ids.append(school_id)
    return ids


LONDON = dict(
    timezone="Europe/London",
    locale="en",
    weekend=("saturday", "sunday"),
    week=tuple((d, "regular") for d in ("monday", "tuesday", "wednesday", "thursday", "friday")),
)
"""Changes that make `riyadh_school` a London one: `riyadh_school(**LONDON)`."""
