"""Demo schools: realistic, valid for the build, the same for the same date, loaded idempotently."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from publisher.build import build_day
from publisher.build.source import PERIOD_KINDS, WEEKDAYS, SchoolData
from publisher.cli import main
from publisher.db import School, open_engine, transaction
from publisher.db.load import load_schools
from publisher.db.save import same_schedule_data
from publisher.demo import DEFAULT_SCHOOLS, NAMED_OUTLINES, demo_school, demo_schools
from publisher.documents import parse_school, school_document

SUNDAY = dt.date(2026, 11, 22)
A_WEEK_OF_TODAYS = [SUNDAY + dt.timedelta(days=n) for n in range(7)]
"""Every weekday as "today": the demo must be interesting whichever day it is loaded on."""

SUNDAY_TO_THURSDAY = ("sunday", "monday", "tuesday", "wednesday", "thursday")
MONDAY_TO_FRIDAY = ("monday", "tuesday", "wednesday", "thursday", "friday")
ARABIC_SUBJECTS = {
    "رياضيات",
    "لغة عربية",
    "علوم",
    "إنجليزي",
    "تربية إسلامية",
    "اجتماعيات",
    "حاسب",
    "تربية بدنية",
}
ARABIC_LETTERS = re.compile("[\u0600-\u06ff]")


@pytest.fixture
def today(now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo("Asia/Riyadh")).date()


def coming_week(today: dt.date) -> list[dt.date]:
    return [today + dt.timedelta(days=n) for n in range(7)]


def regular_schedule(school: SchoolData, weekday: str):
    schedule = school.schedule(school.planned_schedule(weekday) or "")
    assert schedule is not None, f"{school.slug}: no bell schedule on {weekday}"
    return schedule


# -- What the default set contains ---------------------------------------------------------------


def test_the_default_set_is_four_schools_with_readable_slugs(today):
    schools = demo_schools(today)
    assert [s.slug for s in schools] == [
        "al-noor-boys",
        "al-yasmin-girls",
        "al-faisal-primary",
        "thameside-academy",
    ]
    assert all(s.key == "" for s in schools), "the database makes the public keys"


def test_the_default_count_is_the_hand_written_schools():
    # `demo --help` names the count of hand-written schools without loading them.
    assert len(NAMED_OUTLINES) == DEFAULT_SCHOOLS


def test_three_schools_are_arabic_in_riyadh_with_a_sunday_to_thursday_week(today):
    riyadh = [s for s in demo_schools(today) if s.timezone == "Asia/Riyadh"]
    assert len(riyadh) >= 3
    for school in riyadh:
        assert school.locale == "ar"
        assert ARABIC_LETTERS.search(school.name)
        assert school.weekend == ("friday", "saturday")
        assert sorted(day for day, _ in school.week) == sorted(SUNDAY_TO_THURSDAY)
        assert 18 <= len(school.classes) <= 24
        assert all(ARABIC_LETTERS.search(name) for name in school.classes)
        assert {row.subject for row in school.lessons} >= ARABIC_SUBJECTS
        assert all(row.teacher.startswith("أ. ") for row in school.lessons)

        sunday = regular_schedule(school, "sunday")
        lessons = [p for p in sunday.periods if p.kind == "lesson"]
        assert 7 <= len(lessons) <= 8
        assert ("break", "الفسحة") in {(p.kind, p.label) for p in sunday.periods}
        assert ("prayer", "صلاة الظهر") in {(p.kind, p.label) for p in sunday.periods}
        assert all(ARABIC_LETTERS.search(p.label) for p in sunday.periods)
        assert all(ARABIC_LETTERS.search(a.text) for a in school.announcements)


def test_one_school_is_english_in_london_with_daylight_saving_time(today):
    (london,) = [s for s in demo_schools(today) if s.timezone == "Europe/London"]
    assert london.locale == "en"
    assert london.weekend == ("saturday", "sunday")
    assert sorted(day for day, _ in london.week) == sorted(MONDAY_TO_FRIDAY)
    assert len(london.classes) >= 15
    texts = [london.name, *london.classes, *(a.text for a in london.announcements)]
    assert not any(ARABIC_LETTERS.search(text) for text in texts)


@pytest.mark.parametrize("today", A_WEEK_OF_TODAYS, ids=lambda d: d.strftime("%A"))
def test_one_school_has_exam_days_and_a_holiday_in_the_coming_week(today):
    week = coming_week(today)
    (school,) = [
        s
        for s in demo_schools(today)
        if any(row.kind == "special" and row.first in week for row in s.calendar)
    ]
    exam_days = [row for row in school.calendar if row.kind == "special"]
    assert len(exam_days) == 2
    for row in exam_days:
        schedule = school.schedule(row.schedule or "")
        assert schedule is not None and "exam" in {p.kind for p in schedule.periods}
    holidays = [row for row in school.calendar if row.kind == "holiday" and row.first in week]
    assert len(holidays) == 1


@pytest.mark.parametrize("today", A_WEEK_OF_TODAYS, ids=lambda d: d.strftime("%A"))
def test_the_exam_school_has_every_classs_exam_in_each_exam_period_with_a_room(today):
    (school,) = [s for s in demo_schools(today) if s.exams]
    exam_days = [row.first for row in school.calendar if row.kind == "special"]
    for day in exam_days:
        for period in build_day(school, day).document["periods"]:
            if period["kind"] == "exam":
                assert [x["class"] for x in period["lessons"]] == list(school.classes)
                assert all(x["room"] and x["invigilators"] for x in period["lessons"])


@pytest.mark.parametrize("today", A_WEEK_OF_TODAYS, ids=lambda d: d.strftime("%A"))
def test_every_school_shows_a_substitute_a_cancelled_lesson_and_a_room_change(today):
    for school in demo_schools(today):
        changes = set()
        for day in coming_week(today):
            for period in build_day(school, day).document["periods"]:
                changes.update(x.get("change") for x in period["lessons"])
        assert {"substitute", "cancelled", "room"} <= changes, school.slug


@pytest.mark.parametrize("today", A_WEEK_OF_TODAYS, ids=lambda d: d.strftime("%A"))
def test_every_school_has_dated_rows_in_the_coming_week(today):
    week = coming_week(today)
    for school in demo_schools(today):
        subs = school.substitutions
        assert any(s.cancelled for s in subs) and any(s.teacher for s in subs), school.slug
        assert all(s.date in week for s in subs)
        assert school.announcements and all(a.first in week for a in school.announcements)
        for weekday, _ in school.week:
            on_duty = [d for d in school.duties if d.weekday == weekday]
            assert len(on_duty) >= 2 and all(d.place for d in on_duty), (school.slug, weekday)


@pytest.mark.parametrize("today", A_WEEK_OF_TODAYS, ids=lambda d: d.strftime("%A"))
def test_every_day_of_the_coming_week_builds(today):
    statuses = set()
    kinds = set()
    for school in demo_schools(today):
        for day in coming_week(today):
            document = build_day(school, day).document
            statuses.add(document["status"])
            kinds.update(period["kind"] for period in document["periods"])
    assert statuses == {"school_day", "weekend", "holiday"}
    assert {"lesson", "break", "prayer", "assembly", "exam"} <= kinds


# -- Determinism and scale -----------------------------------------------------------------------


def test_the_same_date_and_count_give_equal_schools(today):
    assert demo_schools(today, 12) == demo_schools(today, 12)
    assert demo_school(9, today) == demo_schools(today, 9)[-1]


def test_the_timetable_does_not_depend_on_the_date(today):
    later = today + dt.timedelta(days=7)
    for number in (1, 4, 5, 11):
        assert demo_school(number, today).lessons == demo_school(number, later).lessons


def test_fifty_schools_have_fifty_distinct_slugs(today):
    slugs = [s.slug for s in demo_schools(today, 50)]
    assert len(set(slugs)) == 50
    assert "demo-001" in slugs and "demo-046" in slugs


# -- Validity: the rules the build relies on, for every kind of school ---------------------------

SCHOOLS = [demo_school(n, SUNDAY) for n in range(1, 41)] + [
    demo_school(n, day) for n in (1, 2, 4) for day in A_WEEK_OF_TODAYS[1:]
]


@pytest.mark.parametrize("school", SCHOOLS, ids=lambda s: s.slug)
def test_every_demo_school_is_valid(school):
    schedules = {s.name: s for s in school.bell_schedules}
    assert len(schedules) == len(school.bell_schedules)
    assert school.timezone in ("Asia/Riyadh", "Europe/London")

    # Every school weekday has a bell schedule; weekend days have none.
    week = dict(school.week)
    assert len(week) == len(school.week)
    for weekday in WEEKDAYS:
        if weekday in school.weekend:
            assert weekday not in week
        else:
            assert week.get(weekday) in schedules

    # Periods: known kinds, end after they start, in index order, never overlapping.
    for schedule in school.bell_schedules:
        periods = schedule.periods
        assert len({p.index for p in periods}) == len(periods)
        assert all(p.kind in PERIOD_KINDS and p.start < p.end for p in periods)
        in_time = sorted(periods, key=lambda p: p.start)
        assert in_time == sorted(periods, key=lambda p: p.index)
        assert all(a.end <= b.start for a, b in zip(in_time, in_time[1:], strict=False))

    # Lessons: only in lesson periods planned that weekday, at most one per class and
    # period, for classes that exist; and no teacher in two classes at once.
    classes = set(school.classes)
    assert len(classes) == len(school.classes)
    lesson_periods = {
        weekday: {p.index for p in schedules[name].periods if p.kind == "lesson"}
        for weekday, name in school.week
    }
    slots = [(row.weekday, row.period, row.school_class) for row in school.lessons]
    assert len(set(slots)) == len(slots)
    teachers = [(row.weekday, row.period, row.teacher) for row in school.lessons]
    assert len(set(teachers)) == len(teachers)
    for row in school.lessons:
        assert row.period in lesson_periods[row.weekday]
        assert row.school_class in classes
        assert row.subject and row.teacher

    # Calendar: ordered ranges; special days name an existing schedule.
    for row in school.calendar:
        assert row.first <= row.last
        assert row.kind in ("holiday", "special")
        assert (row.schedule in schedules) if row.kind == "special" else row.schedule is None

    # Duties: every weekday or one date, never both.
    for duty in school.duties:
        assert (duty.weekday is None) != (duty.date is None)
        assert duty.weekday is None or duty.weekday in week
        assert duty.teacher and duty.place

    # Rooms: every lesson has one, and no room holds two lessons at once.
    rooms = [(row.weekday, row.period, row.room) for row in school.lessons]
    assert all(room for _, _, room in rooms) and len(set(rooms)) == len(rooms)

    # Substitutions: a teacher, a room or cancelled, for a lesson the class has on an
    # ordinary school day.
    lessons = {(row.weekday, row.period, row.school_class) for row in school.lessons}
    unusual = {day for row in school.calendar for day in _days(row.first, row.last)}
    for sub in school.substitutions:
        assert sub.cancelled != (sub.teacher is not None or sub.room is not None)
        assert (WEEKDAYS[sub.date.weekday()], sub.period, sub.school_class) in lessons
        assert sub.date not in unusual

    for announcement in school.announcements:
        assert announcement.first <= announcement.last and announcement.text

    # Exams: no invigilator in two rooms at once; and, as for every rule a document
    # must follow (exams in exam periods of their dates), the school reads back whole.
    watching = [(x.date, x.period, name) for x in school.exams for name in x.invigilators]
    assert len(set(watching)) == len(watching)
    assert parse_school(school_document(school), school.slug) == school


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# -- The command ---------------------------------------------------------------------------------


def stored_schools(sessions) -> dict[str, tuple[int, str]]:
    """Each school's (revision, public key), by slug."""
    with transaction(sessions) as session:
        return {s.slug: (s.revision, s.public_key) for s in session.scalars(select(School))}


def test_running_demo_twice_changes_nothing_the_second_time(cli, sessions):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "4 demo schools loaded (4 new, 0 changed, 0 unchanged) into " in first.stderr
    assert "next: publisher publish --all" in first.stderr
    before = stored_schools(sessions)
    assert len(before) == 4 and all(revision == 1 for revision, _ in before.values())

    second = cli("demo")
    assert second.exit_code == 0, second.output
    assert "4 demo schools loaded (0 new, 0 changed, 4 unchanged)" in second.stderr
    assert stored_schools(sessions) == before


def test_the_database_holds_exactly_the_generated_schools(cli, sessions, today):
    result = cli("demo", "--schools", "7", "--today", today.isoformat())
    assert "7 demo schools loaded (7 new, 0 changed, 0 unchanged)" in result.stderr
    with transaction(sessions) as session:
        ids = list(session.scalars(select(School.id).order_by(School.id)))
        stored = load_schools(session, ids)
    expected = demo_schools(today, 7)
    assert [s.slug for s in stored] == [s.slug for s in expected]
    for saved, generated in zip(stored, expected, strict=True):
        assert same_schedule_data(saved, generated), saved.slug
        assert len(saved.key) >= 22


def test_a_week_later_the_dated_rows_move_and_the_keys_stay(cli, sessions, today):
    cli("demo", "--today", today.isoformat())
    before = stored_schools(sessions)

    later = cli("demo", "--today", (today + dt.timedelta(days=7)).isoformat())
    assert "4 demo schools loaded (0 new, 4 changed, 0 unchanged)" in later.stderr
    after = stored_schools(sessions)
    assert {slug: (rev + 1, key) for slug, (rev, key) in before.items()} == after


def test_demo_creates_the_schema_in_a_new_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = CliRunner().invoke(main, ["demo", "--database", url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "(4 new, 0 changed, 0 unchanged)" in result.stderr
    engine = open_engine(url)
    assert inspect(engine).has_table("lessons")
    engine.dispose()


def test_at_least_one_school(cli):
    result = cli("demo", "--schools", "0")
    assert result.exit_code == 2
    assert "--schools" in result.stderr
