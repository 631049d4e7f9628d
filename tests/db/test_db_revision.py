"""Revision tracking: a change to a school's schedule data bumps its revision once."""

from __future__ import annotations

import datetime as dt

from publisher.db import BellSchedule, Lesson, Period, School, SchoolClass, transaction
from publisher.db.models import Exam, SchoolDisplay


def make_school(sessions) -> int:
    with transaction(sessions) as session:
        school = School(slug="alpha", name="Alpha", timezone="Asia/Riyadh")
        school.bell_schedules.append(
            BellSchedule(
                name="regular",
                periods=[Period(index=1, label="1", starts_at=dt.time(7), ends_at=dt.time(7, 45))],
            )
        )
        session.add(school)
        session.flush()
        return school.id


def revision_of(sessions, school_id: int) -> int:
    with transaction(sessions) as session:
        return session.get(School, school_id).revision


def test_a_new_school_starts_at_revision_1(sessions):
    school_id = make_school(sessions)
    assert revision_of(sessions, school_id) == 1


def test_setting_a_field_to_its_current_value_bumps_nothing(sessions):
    school_id = make_school(sessions)
    with transaction(sessions) as session:
        school = session.get(School, school_id)
        school.name = "Alpha"
        school.bell_schedules[0].periods[0].label = "1"
    assert revision_of(sessions, school_id) == 1


def test_editing_a_period_bumps_the_school_once(sessions):
    school_id = make_school(sessions)
    with transaction(sessions) as session:
        period = session.get(School, school_id).bell_schedules[0].periods[0]
        period.label = "First"
        session.flush()
        period.ends_at = dt.time(7, 50)
    assert revision_of(sessions, school_id) == 2


def test_removing_a_row_bumps_the_school(sessions):
    school_id = make_school(sessions)
    with transaction(sessions) as session:
        schedule = session.get(School, school_id).bell_schedules[0]
        schedule.periods.clear()
    assert revision_of(sessions, school_id) == 2


def test_each_transaction_bumps_again(sessions):
    school_id = make_school(sessions)
    for name in ("Beta", "Gamma"):
        with transaction(sessions) as session:
            session.get(School, school_id).name = name
    assert revision_of(sessions, school_id) == 3


def test_a_rolled_back_change_leaves_the_revision(sessions):
    school_id = make_school(sessions)
    try:
        with transaction(sessions) as session:
            session.get(School, school_id).name = "Beta"
            session.flush()
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    assert revision_of(sessions, school_id) == 1


def test_moving_a_lesson_to_another_room_bumps_the_school(sessions):
    school_id = make_school(sessions)
    with transaction(sessions) as session:
        school = session.get(School, school_id)
        school.classes.append(SchoolClass(name="1A"))
        session.flush()
        school.lessons.append(
            Lesson(weekday=6, period_index=1, school_class=school.classes[0], subject="Maths")
        )
    assert revision_of(sessions, school_id) == 2
    with transaction(sessions) as session:
        session.get(School, school_id).lessons[0].room = "Lab 2"
    assert revision_of(sessions, school_id) == 3


def test_adding_an_exam_or_changing_display_settings_bumps_the_school(sessions):
    school_id = make_school(sessions)
    with transaction(sessions) as session:
        school = session.get(School, school_id)
        school.classes.append(SchoolClass(name="1A"))
        session.flush()
        school.exams.append(
            Exam(
                date=dt.date(2026, 11, 25),
                period_index=1,
                school_class=school.classes[0],
                subject="Maths",
            )
        )
    assert revision_of(sessions, school_id) == 2
    with transaction(sessions) as session:
        session.get(School, school_id).display = SchoolDisplay(accent="#1a7f5a")
    assert revision_of(sessions, school_id) == 3
    with transaction(sessions) as session:
        session.get(School, school_id).display.accent = "#1a7f5a"  # the same: no change
    assert revision_of(sessions, school_id) == 3
