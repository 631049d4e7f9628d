"""Loading schools for a publish window: only the rows the window's days need, same days built."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from schools import riyadh_school, save

from publisher.build import Window, build_window_days
from publisher.build.source import (
    WEEKDAYS,
    AnnouncementRow,
    BellScheduleRow,
    CalendarRow,
    DutyRow,
    ExamRow,
    PeriodRow,
    SubstitutionRow,
)
from publisher.db.load import load_schools
from publisher.errors import BuildError

LONDON = dict(
    timezone="Europe/London",
    locale="en",
    weekend=("saturday", "sunday"),
    week=tuple((d, "regular") for d in ("monday", "tuesday", "wednesday", "thursday", "friday")),
)


def busy_school(slug: str, **changes: object):
    """A school with dated rows before, inside and long after any window in these tests."""
    school = riyadh_school(slug, **changes)
    dates = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(0, 90, 3)]
    exam_dates = [d + dt.timedelta(days=1) for d in dates]
    papers = BellScheduleRow("papers", (PeriodRow(1, "exam", "Paper", dt.time(8), dt.time(10)),))
    return dataclasses.replace(
        school,
        bell_schedules=(*school.bell_schedules, papers),
        lessons=tuple(row._replace(room=f"R{row.period}") for row in school.lessons),
        calendar=(
            *school.calendar,
            CalendarRow("holiday", dt.date(2026, 11, 26), dt.date(2027, 1, 9), "Winter break"),
            *(CalendarRow("special", d, d, "Exams", "papers") for d in exam_dates),
        ),
        substitutions=tuple(
            SubstitutionRow(d, 1, "1A", f"Sub {d}", False, "Hall" if n % 2 else None)
            for n, d in enumerate(dates)
        ),
        exams=tuple(ExamRow(d, 1, "1B", "Maths", "Hall", ("Ann", "Bob")) for d in exam_dates),
        duties=(
            *(DutyRow(f"Weekly {day}", "Gate", weekday=day) for day in WEEKDAYS),
            *(DutyRow(f"Once {d}", "Yard", date=d) for d in dates),
        ),
        announcements=tuple(
            AnnouncementRow(f"Note {d}", d, d + dt.timedelta(days=2)) for d in dates
        ),
    ).normalized()


INSTANTS = [
    dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC),  # Sunday morning in both
    dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC),  # Monday in Riyadh, Sunday in London
    dt.datetime(2026, 11, 24, 23, 59, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("now", INSTANTS)
@pytest.mark.parametrize("days", [1, 3, 7])
def test_a_window_loads_schools_that_build_the_same_days_as_whole_schools(sessions, now, days):
    ids = save(sessions, busy_school("riyadh"), busy_school("london", **LONDON))
    with sessions() as session:
        whole = load_schools(session, ids)
        windowed = load_schools(session, ids, Window(now, days))
    assert [s.slug for s in windowed] == ["riyadh", "london"]
    for full, partial in zip(whole, windowed, strict=True):
        expected = build_window_days(full, now, days)
        assert [d.content for d in build_window_days(partial, now, days)] == [
            d.content for d in expected
        ]


def test_a_window_reads_only_its_weekdays_lessons_and_its_dates_rows(sessions):
    # Tuesday afternoon in both Riyadh and London: two days from today, and today+2.
    now = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)
    ids = save(sessions, busy_school("riyadh"), busy_school("london", **LONDON))
    with sessions() as session:
        riyadh, london = load_schools(session, ids, Window(now, 2))
    weekdays = {"tuesday", "wednesday", "thursday"}
    for school in (riyadh, london):
        assert {row.weekday for row in school.lessons} == weekdays
        assert {row.weekday for row in school.duties if row.date is None} == weekdays
        window = {dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)}
        assert {row.date for row in school.substitutions} <= window
        assert {row.date for row in school.exams} <= window and school.exams
        assert {row.date for row in school.duties if row.date is not None} <= window
        assert all(
            row.last >= min(window) and row.first <= max(window) for row in school.announcements
        )
        # Calendar rows are read to the end: a day looks ahead for the next school day.
        assert any(row.label == "Winter break" for row in school.calendar)


def test_schools_in_different_time_zones_each_get_their_own_weekdays(sessions):
    # 10:00 UTC on Tuesday: afternoon in Riyadh (today and tomorrow), morning in London
    # (yesterday and today: a window moves on at local noon).
    now = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    ids = save(sessions, busy_school("riyadh"), busy_school("london", **LONDON))
    with sessions() as session:
        riyadh, london = load_schools(session, ids, Window(now, 1))
    assert {row.weekday for row in riyadh.lessons} == {"tuesday", "wednesday"}
    assert {row.weekday for row in london.lessons} == {"monday", "tuesday"}


def test_a_school_with_an_unknown_time_zone_loads_and_fails_to_build_alone(sessions, now):
    ids = save(sessions, busy_school("riyadh"), busy_school("nowhere", timezone="Mars/Olympus"))
    with sessions() as session:
        riyadh, nowhere = load_schools(session, ids, Window(now, 3))
    assert len(build_window_days(riyadh, now, 3)) == 3 + 1
    with pytest.raises(BuildError, match="unknown time zone 'Mars/Olympus'"):
        build_window_days(nowhere, now, 3)
