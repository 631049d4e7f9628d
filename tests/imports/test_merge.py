"""A timetable from another tool, put into a school: what it replaces, what the
school keeps, and what is reported. Through `import_timetable`, on SQLite and
PostgreSQL, with timetables as a reader returns them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from schools import riyadh_school, save, stored, t

from publisher.build.source import BellScheduleRow, PeriodRow
from publisher.db import transaction
from publisher.db.lookup import find_school_by_key
from publisher.imports.merge import NewSchool
from publisher.imports.saving import import_timetable
from publisher.imports.timetable import Bell, ReadOptions, Timetable, WeeklyLesson

BELLS = (
    Bell(1, "First", t("07:30"), t("08:15")),
    Bell(2, "Second", t("08:20"), t("09:05")),
    Bell(3, "Third", t("09:25"), t("10:10")),
)
NEW = NewSchool(name="مدرسة النور", timezone="Asia/Riyadh", locale="ar")


def lesson(day: str, period: int, cls: str, subject: str, *teachers: str, **more: object):
    return WeeklyLesson(day, period, cls, subject, teachers, **more)  # type: ignore[arg-type]


def timetable(*lessons: WeeklyLesson, bells=BELLS, classes=("7A", "7B"), skipped=()) -> Timetable:
    return Timetable("week.xml", classes, bells, lessons, skipped)


def run(sessions, table: Timetable, school: str = "al-noor", new=NEW, **options):
    read_options = ReadOptions(**options)
    return import_timetable(sessions, table.source, school, lambda _told: table, read_options, new)


def test_a_new_school_gets_the_exports_classes_bells_and_lessons(sessions):
    outcome = run(
        sessions, timetable(lesson("sunday", 1, "7A", "رياضيات", "أ. أحمد", rooms=("101",)))
    )

    assert (outcome.error, outcome.slug, outcome.revision, outcome.changed) == (
        None,
        "al-noor",
        1,
        True,
    )
    school = stored(sessions, "al-noor")
    assert school.classes == ("7A", "7B")
    assert school.weekend == ("friday", "saturday")  # by its locale
    [regular] = school.bell_schedules
    assert [(p.index, p.kind, p.start) for p in regular.periods] == [
        (1, "lesson", t("07:30")),
        (2, "lesson", t("08:20")),
        (3, "lesson", t("09:25")),
    ]
    # Every school day is planned with it, from Sunday (the weekend is Friday-Saturday).
    assert school.week == tuple(
        (day, "regular") for day in ("monday", "tuesday", "wednesday", "thursday", "sunday")
    )
    [only] = school.lessons
    assert (only.subject, only.teacher, only.room) == ("رياضيات", "أ. أحمد", "101")


def test_an_identical_import_changes_nothing_and_keeps_the_revision(sessions):
    table = timetable(lesson("sunday", 1, "7A", "Maths", "Ahmed"))
    run(sessions, table)

    again = run(sessions, table)

    assert (again.changed, again.revision) == (False, 1)


def test_a_new_school_needs_a_name_zone_and_language(sessions):
    outcome = run(sessions, timetable(lesson("sunday", 1, "7A", "Maths")), new=NewSchool(name="X"))

    assert outcome.error == (
        'week.xml: there is no school "al-noor" yet: to create it, give --timezone, --locale'
    )
    with transaction(sessions) as session:
        assert find_school_by_key(session, "al-noor") is None


def test_an_existing_school_keeps_everything_the_export_does_not_hold(sessions):
    save(sessions, riyadh_school("alpha"))
    before = stored(sessions, "alpha")
    table = timetable(
        lesson("sunday", 1, "1A", "Physics", "New Teacher"),
        lesson("monday", 2, "1B", "Chemistry", "Other Teacher"),
        classes=("1A", "1B"),
    )

    outcome = run(sessions, table, school="alpha")

    assert (outcome.error, outcome.revision, outcome.changed) == (None, 2, True)
    after = stored(sessions, "alpha")
    for kept in (
        "name",
        "timezone",
        "locale",
        "weekend",
        "key",
        "calendar",
        "duties",
        "announcements",
        "substitutions",
        "exams",
        "display",
        "week",
    ):
        assert getattr(after, kept) == getattr(before, kept), kept
    assert [(x.weekday, x.period, x.subject) for x in after.lessons] == [
        ("monday", 2, "Chemistry"),  # in the week's order, Monday first
        ("sunday", 1, "Physics"),
    ]
    # The other schedule (exams) is untouched; regular has the new lesson periods,
    # and keeps its prayer (no new period overlaps it) but not the break (it does).
    assert after.schedule("exams") == before.schedule("exams")
    regular = after.schedule("regular")
    assert regular is not None
    assert [(p.index, p.kind, p.label) for p in regular.periods] == [
        (1, "lesson", "First"),
        (2, "lesson", "Second"),
        (3, "lesson", "Third"),
        (5, "prayer", "Prayer"),
    ]


def test_a_kept_period_whose_index_is_now_a_lesson_gets_the_next_free_index(sessions):
    save(sessions, riyadh_school("alpha"))
    bells = (*BELLS, Bell(5, "Fifth", t("10:15"), t("11:00")))
    table = timetable(lesson("sunday", 1, "1A", "Maths"), bells=bells, classes=("1A", "1B"))

    run(sessions, table, school="alpha")

    regular = stored(sessions, "alpha").schedule("regular")
    assert regular is not None
    assert PeriodRow(6, "prayer", "Prayer", t("11:50"), t("12:10")) in regular.periods


def test_the_groups_of_a_class_in_one_period_become_one_lesson(sessions):
    table = timetable(
        lesson("sunday", 1, "7A", "English", "Ahmed", rooms=("L1",), group="Group 1"),
        lesson("sunday", 1, "7A", "French", "Sara", "Huda", rooms=("L2",), group="Group 2"),
        lesson("sunday", 2, "7A", "PE", "Khalid", group="Boys"),
    )

    run(sessions, table)

    first, second = stored(sessions, "al-noor").lessons
    assert first.subject == "English / French"
    assert first.teacher == "Ahmed, Sara, Huda"
    assert first.room == "L1, L2"
    assert first.group == "Group 1 / Group 2"
    assert (second.subject, second.group) == ("PE", "Boys")


def test_dated_rows_of_classes_the_export_drops_are_removed_and_reported(sessions):
    save(sessions, riyadh_school("alpha"))
    table = timetable(lesson("sunday", 1, "1A", "Maths"), classes=("1A",), skipped=("2 cards x",))

    outcome = run(sessions, table, school="alpha")

    assert outcome.skipped == (
        "2 cards x",
        "1 substitutions of classes the timetable no longer has, removed (1B on 2026-11-22)",
    )
    assert [s.school_class for s in stored(sessions, "alpha").substitutions] == ["1A"]


def test_without_bells_the_lessons_must_fit_the_schools_own_bells(sessions):
    save(sessions, riyadh_school("alpha"))
    table = timetable(lesson("sunday", 3, "1A", "Maths"), bells=(), classes=("1A", "1B"))

    outcome = run(sessions, table, school="alpha")

    assert outcome.error == (
        'week.xml: class "1A", sunday period 3: bell schedule "regular" has no lesson period 3'
        " (give the bells with --bells)"
    )
    assert stored(sessions, "alpha").lessons == riyadh_school("alpha").normalized().lessons


def test_lessons_on_a_weekend_day_are_refused_naming_the_first_day_option(sessions):
    outcome = run(sessions, timetable(lesson("friday", 1, "7A", "Maths")))

    assert outcome.error == (
        'week.xml: has lessons on friday, a weekend day of school "al-noor"'
        " (is the first day of the week right? see --first-day)"
    )


def test_the_reader_is_told_the_schools_days(sessions):
    told: list[ReadOptions] = []
    save(
        sessions,
        riyadh_school(
            "alpha",
            weekend=("saturday", "sunday"),
            week=tuple(
                (d, "regular") for d in ("monday", "tuesday", "wednesday", "thursday", "friday")
            ),
            lessons=(),
            substitutions=(),
        ),
    )

    def read(options: ReadOptions) -> Timetable:
        told.append(options)
        return timetable(classes=("1A", "1B"))

    import_timetable(sessions, "x.xml", "alpha", read, ReadOptions(week="B"), NEW)

    assert told[0].school_days[0] == "monday"
    assert told[0].week == "B"
    assert told[0].days()[:2] == ("monday", "tuesday")


@pytest.mark.parametrize("first_day", ["sunday", "monday"])
def test_the_first_day_option_wins(first_day):
    assert ReadOptions(first_day=first_day).days()[0] == first_day


def test_a_combined_text_too_long_for_its_field_is_one_line(sessions):
    table = timetable(
        *(lesson("sunday", 1, "7A", f"Subject number {n:03}", group=f"G{n}") for n in range(20))
    )

    outcome = run(sessions, table)

    assert outcome.error is not None
    assert outcome.error.startswith('week.xml: class "7A", sunday period 1: its subjects together')
    assert "\n" not in outcome.error


def test_a_day_with_imported_lessons_is_planned_with_the_imported_bells(sessions):
    school = riyadh_school("alpha")
    thursday = BellScheduleRow(
        "thursday", (PeriodRow(1, "lesson", "Only", t("07:00"), t("07:45")),)
    )
    week = tuple((day, "thursday" if day == "thursday" else name) for day, name in school.week)
    save(sessions, replace(school, bell_schedules=(*school.bell_schedules, thursday), week=week))

    table = timetable(lesson("thursday", 2, "1A", "Maths"), classes=("1A", "1B"))
    run(sessions, table, school="alpha")

    assert dict(stored(sessions, "alpha").week)["thursday"] == "regular"


def test_an_export_with_no_lessons_is_refused_rather_than_wiping_the_timetable(sessions):
    save(sessions, riyadh_school("alpha"))

    outcome = run(sessions, timetable(classes=("1A", "1B")), school="alpha")

    assert outcome.error == "week.xml: holds no lessons: nothing was imported"
    assert stored(sessions, "alpha").lessons == riyadh_school("alpha").normalized().lessons
