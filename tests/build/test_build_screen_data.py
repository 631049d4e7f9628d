"""What a screen needs beyond the timetable: rooms and room changes, exams, display settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from schools import riyadh_school, t

from publisher.build import build_day, build_manifest
from publisher.build.layout import logo_name
from publisher.build.source import (
    BellScheduleRow,
    CalendarRow,
    DisplaySettings,
    ExamRow,
    LessonRow,
    Logo,
    NightHours,
    PeriodRow,
    SubstitutionRow,
)

SUNDAY = dt.date(2026, 11, 22)
EXAM_DAY = dt.date(2026, 11, 26)  # a Thursday made an exam day below
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def school_with(lesson: LessonRow, change: SubstitutionRow | None = None):
    """A school whose only lesson is `lesson` on Sundays, changed this Sunday by `change`."""
    return riyadh_school(lessons=(lesson,), substitutions=(change,) if change else (), calendar=())


def first_lesson(school) -> dict:
    [period] = [p for p in build_day(school, SUNDAY).document["periods"] if p["index"] == 1]
    [lesson] = period["lessons"]
    return lesson


WEEKLY = LessonRow("sunday", 1, "1A", "Maths", "Ahmed", "B-12")


@pytest.mark.parametrize(
    ("lesson", "change", "shown"),
    [
        pytest.param(
            WEEKLY, None,
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "B-12"},
            id="the-weekly-room",
        ),
        pytest.param(
            WEEKLY._replace(room=""), None,
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed"},
            id="no-room-known-no-room-key",
        ),
        pytest.param(
            WEEKLY, SubstitutionRow(SUNDAY, 1, "1A", None, False, "Lab 2"),
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "Lab 2",
             "change": "room", "usual_room": "B-12"},
            id="room-change",
        ),
        pytest.param(
            WEEKLY, SubstitutionRow(SUNDAY, 1, "1A", "Ahmed", False, "Lab 2"),
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "Lab 2",
             "change": "room", "usual_room": "B-12"},
            id="same-teacher-named-in-another-room-is-a-room-change",
        ),
        pytest.param(
            WEEKLY._replace(room=""), SubstitutionRow(SUNDAY, 1, "1A", None, False, "Lab 2"),
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "Lab 2",
             "change": "room"},
            id="room-given-where-none-was-known",
        ),
        pytest.param(
            WEEKLY, SubstitutionRow(SUNDAY, 1, "1A", "Sara", False),
            {"class": "1A", "subject": "Maths", "teacher": "Sara", "room": "B-12",
             "change": "substitute", "replaces": "Ahmed"},
            id="substitute-in-the-weekly-room",
        ),
        pytest.param(
            WEEKLY, SubstitutionRow(SUNDAY, 1, "1A", "Sara", False, "Lab 2"),
            {"class": "1A", "subject": "Maths", "teacher": "Sara", "room": "Lab 2",
             "change": "substitute", "replaces": "Ahmed", "usual_room": "B-12"},
            id="substitute-in-another-room",
        ),
        pytest.param(
            WEEKLY._replace(teacher=""), SubstitutionRow(SUNDAY, 1, "1A", "Sara", False),
            {"class": "1A", "subject": "Maths", "teacher": "Sara", "room": "B-12",
             "change": "substitute"},
            id="substitute-for-a-lesson-with-no-teacher-replaces-nobody",
        ),
        pytest.param(
            WEEKLY, SubstitutionRow(SUNDAY, 1, "1A", None, False, "B-12"),
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "B-12"},
            id="the-weekly-room-given-again-is-no-change",
        ),
        pytest.param(
            WEEKLY, SubstitutionRow(SUNDAY, 1, "1A", None, True),
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "B-12",
             "change": "cancelled"},
            id="cancelled",
        ),
    ],
)  # fmt: skip
def test_a_lesson_shows_its_room_and_the_days_change(lesson, change, shown):
    assert first_lesson(school_with(lesson, change)) == shown


@pytest.mark.parametrize(
    ("lesson", "change", "shown"),
    [
        pytest.param(
            WEEKLY._replace(group="Boys"), None,
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "B-12",
             "group": "Boys"},
            id="a-group",
        ),
        pytest.param(
            WEEKLY, None,
            {"class": "1A", "subject": "Maths", "teacher": "Ahmed", "room": "B-12"},
            id="the-whole-class-no-group-key",
        ),
        pytest.param(
            WEEKLY._replace(
                subject="English / French", teacher="Ahmed, Sara", group="Group 1 / Group 2"
            ),
            None,
            {"class": "1A", "subject": "English / French", "teacher": "Ahmed, Sara",
             "room": "B-12", "group": "Group 1 / Group 2"},
            id="a-class-split-in-two-groups-is-one-lesson-with-combined-texts",
        ),
        pytest.param(
            WEEKLY._replace(group="المجموعة 1"), SubstitutionRow(SUNDAY, 1, "1A", "Sara", False),
            {"class": "1A", "subject": "Maths", "teacher": "Sara", "room": "B-12",
             "group": "المجموعة 1", "change": "substitute", "replaces": "Ahmed"},
            id="a-substitute-teaches-the-same-group",
        ),
    ],
)  # fmt: skip
def test_a_lesson_names_the_group_it_is_taught_to_only_when_it_has_one(lesson, change, shown):
    assert first_lesson(school_with(lesson, change)) == shown


EXAM_BELLS = BellScheduleRow(
    "exam-day",
    (
        PeriodRow(1, "exam", "Paper 1", t("08:00"), t("09:30")),
        PeriodRow(2, "break", "Pause", t("09:30"), t("10:00")),
        PeriodRow(3, "exam", "Paper 2", t("10:00"), t("11:30")),
    ),
)


def exam_school(*exams: ExamRow):
    school = riyadh_school(exams=exams)
    return dataclasses.replace(
        school,
        bell_schedules=(*school.bell_schedules, EXAM_BELLS),
        calendar=(CalendarRow("special", EXAM_DAY, EXAM_DAY, "Exams", "exam-day"),),
    ).normalized()


def test_exam_periods_list_each_classs_exam_with_room_and_invigilators_in_class_order():
    school = exam_school(
        ExamRow(EXAM_DAY, 1, "1B", "Science", "Hall", ("Huda", "Mona")),
        ExamRow(EXAM_DAY, 1, "1A", "Maths", "", ("Sara",)),
        ExamRow(EXAM_DAY, 3, "1A", "Arabic", "Hall", ()),
        ExamRow(EXAM_DAY + dt.timedelta(days=3), 1, "1A", "English", "Hall", ("Sara",)),
    )
    by_index = {p["index"]: p for p in build_day(school, EXAM_DAY).document["periods"]}
    assert by_index[1]["lessons"] == [
        {"class": "1A", "subject": "Maths", "invigilators": ["Sara"]},
        {"class": "1B", "subject": "Science", "room": "Hall", "invigilators": ["Huda", "Mona"]},
    ]
    assert by_index[2]["lessons"] == []
    assert by_index[3]["lessons"] == [
        {"class": "1A", "subject": "Arabic", "room": "Hall", "invigilators": []}
    ]


def test_an_exam_day_without_exam_rows_has_empty_exam_periods_as_before():
    by_index = {p["index"]: p for p in build_day(exam_school(), EXAM_DAY).document["periods"]}
    assert [by_index[i]["lessons"] for i in (1, 3)] == [[], []]


def display_of(**school_changes) -> dict:
    manifest = build_manifest(riyadh_school(**school_changes), [], 60)
    return json.loads(manifest)["school"]["display"]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        pytest.param("ar", {"hijri": True, "digits": "arab"}, id="arabic"),
        pytest.param("en", {"hijri": False, "digits": "latn"}, id="english"),
    ],
)
def test_display_defaults_follow_the_locale(locale, expected):
    assert display_of(locale=locale) == expected | {"accent": None, "logo": None, "night": None}


def test_display_settings_reach_the_manifest_with_the_logo_named_by_its_content():
    logo = Logo(PNG, "png")
    display = DisplaySettings(
        hijri=False, digits="latn", accent="#1a7f5a", logo=logo,
        night=NightHours(t("19:00"), t("06:30")),
    )  # fmt: skip
    assert display_of(display=display) == {
        "hijri": False,
        "digits": "latn",
        "accent": "#1a7f5a",
        "logo": logo_name(logo),
        "night": {"start": "19:00", "end": "06:30"},
    }
    assert logo_name(logo).startswith("logo-") and logo_name(logo).endswith(".png")
    other = Logo(PNG + b"\x01", "png")
    assert logo_name(other) != logo_name(logo)
