"""Reading aSc Timetables XML exports: what each sample export becomes, and how a bad one is refused.

The samples in tests/data/asc/ are small exports written from the format's
documented structure: `school-2012.xml` (the 2012 variant, Arabic names, Sunday to
Thursday; the same in windows-1256), `old-variant.xml` (`<days>` and `day=`),
`ab-weeks.xml` (an A/B week rotation and two terms), and one malformed file of each
kind. The last tests import them through the command line (`publisher import
--from asc`) into SQLite and PostgreSQL.
"""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from publisher.build.day import build_day
from publisher.db import transaction
from publisher.db.load import load_schools
from publisher.db.lookup import find_school_by_key
from publisher.errors import ValidationError
from publisher.imports.asc import read_asc
from publisher.imports.timetable import Bell, ReadOptions, Timetable, WeeklyLesson, school_days
from testsupport import CHECKOUT

DATA = CHECKOUT / "tests" / "data" / "asc"
MONDAY_TO_FRIDAY = school_days(("saturday", "sunday"))


def read(name: str, options: ReadOptions | None = None, content: bytes | None = None) -> Timetable:
    content = (DATA / name).read_bytes() if content is None else content
    return read_asc(content, name, options or ReadOptions())


def edited(name: str, old: str, new: str) -> bytes:
    """A sample export with one text replaced (exactly once)."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new).encode("utf-8")


def error_of(name: str, options: ReadOptions | None = None, content: bytes | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        read(name, options, content)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{name}: ")
    return message


def lessons_of(timetable: Timetable, school_class: str) -> list[tuple[str, int, str]]:
    return [
        (lesson.weekday, lesson.period, lesson.subject)
        for lesson in timetable.lessons
        if lesson.school_class == school_class
    ]


# The 2012 variant ------------------------------------------------------------------


def test_the_2012_export_gives_its_classes_in_the_exports_order() -> None:
    assert read("school-2012.xml").classes == ("9أ", "10أ", "10ب")


def test_periods_with_clock_times_become_the_bells_named_after_the_period() -> None:
    assert read("school-2012.xml").bells == (
        Bell(1, "الحصة الأولى", dt.time(7, 0), dt.time(7, 45)),
        Bell(2, "الحصة الثانية", dt.time(7, 50), dt.time(8, 35)),
        Bell(3, "Period 3", dt.time(8, 40), dt.time(9, 25)),  # its name is only its number
        Bell(4, "الحصة الرابعة", dt.time(9, 45), dt.time(10, 30)),
    )  # period 8 has no times: no bell


def test_every_card_becomes_a_lesson_per_class_and_day_and_the_untimed_period_is_reported() -> None:
    timetable = read("school-2012.xml")
    assert len(timetable.lessons) == 9  # 9 cards, one of two classes, one in untimed period 8
    assert timetable.skipped == (
        "1 cards in period 8, which has no clock times (card 9 (lesson L7))",
    )


def test_day_bit_strings_count_from_the_first_day_the_arabic_day_names_give() -> None:
    timetable = read("school-2012.xml")
    assert lessons_of(timetable, "10أ") == [
        ("sunday", 1, "الرياضيات"),  # days="10000"
        ("monday", 2, "الرياضيات"),  # days="01000"
        ("tuesday", 4, "التربية البدنية"),
        ("wednesday", 3, "العلوم"),
        ("wednesday", 3, "الحاسب الآلي"),
    ]


def test_a_multi_period_lesson_is_one_lesson_per_card() -> None:
    assert lessons_of(read("school-2012.xml"), "9أ") == [
        ("thursday", 1, "اللغة العربية"),
        ("thursday", 2, "اللغة العربية"),
    ]


def test_a_lesson_of_two_classes_and_two_teachers_is_a_lesson_for_each_class() -> None:
    physical = [
        lesson for lesson in read("school-2012.xml").lessons if lesson.subject == "التربية البدنية"
    ]
    assert physical == [
        WeeklyLesson(
            "tuesday", 4, "10أ", "التربية البدنية", ("خالد العتيبي", "نورة الشهري"), ("الملعب",)
        ),
        WeeklyLesson(
            "tuesday", 4, "10ب", "التربية البدنية", ("خالد العتيبي", "نورة الشهري"), ("الملعب",)
        ),
    ]


def test_a_split_class_has_a_lesson_per_group_and_the_entire_class_has_no_group_label() -> None:
    wednesday = [
        (lesson.subject, lesson.group, lesson.teachers, lesson.rooms)
        for lesson in read("school-2012.xml").lessons
        if lesson.school_class == "10أ" and lesson.weekday == "wednesday"
    ]
    assert wednesday == [
        (
            "العلوم",
            "مجموعة 1",
            ("سارة القحطاني",),
            ("المختبر",),
        ),  # a teacher with only first and last names
        ("الحاسب الآلي", "مجموعة 2", ("أحمد الزهراني",), ("قاعة 102",)),
    ]
    assert {
        lesson.group for lesson in read("school-2012.xml").lessons if lesson.weekday != "wednesday"
    } == {""}


def test_a_cards_rooms_are_its_own_or_else_its_lessons() -> None:
    rooms = {
        (lesson.school_class, lesson.weekday, lesson.period): lesson.rooms
        for lesson in read("school-2012.xml").lessons
    }
    assert rooms[("10ب", "sunday", 1)] == ("قاعة 101", "قاعة 102")  # the card's two rooms
    assert rooms[("10أ", "monday", 2)] == ("قاعة 101",)  # the card names none: the lesson's


def test_the_windows_1256_export_declares_its_code_page_and_reads_the_same() -> None:
    utf8 = read("school-2012.xml")
    cp1256 = read("school-2012-windows-1256.xml")
    assert (cp1256.classes, cp1256.bells, cp1256.lessons, cp1256.skipped) == (
        utf8.classes,
        utf8.bells,
        utf8.lessons,
        utf8.skipped,
    )


def test_the_encoding_given_wins_over_the_declared_one() -> None:
    # Read as windows-1251, the Arabic letters' bytes are Cyrillic ones: the user's word rules.
    timetable = read("school-2012-windows-1256.xml", ReadOptions(encoding="windows-1251"))
    assert timetable.classes[0] == "9" + "أ".encode("windows-1256").decode("windows-1251")


def test_a_utf8_file_declared_as_a_code_page_is_refused_rather_than_garbled() -> None:
    content = edited("school-2012.xml", 'encoding="UTF-8"', 'encoding="windows-1256"')
    assert error_of("school-2012.xml", content=content) == (
        "school-2012.xml: its bytes are UTF-8, not windows-1256: read as windows-1256, every"
        " letter would be wrong (leave --encoding out, or fix the file's declaration)"
    )


# Which day is the first ----------------------------------------------------------


def test_the_day_names_set_the_first_day_even_for_a_monday_to_friday_school() -> None:
    timetable = read("school-2012.xml", ReadOptions(school_days=MONDAY_TO_FRIDAY))
    # Sunday stays Sunday: the school's merge then refuses lessons on its weekend.
    assert [(w.school_class, w.period) for w in timetable.lessons if w.weekday == "sunday"] == [
        ("10أ", 1),
        ("10ب", 1),
    ]


def test_first_day_given_wins_over_the_day_names() -> None:
    timetable = read(
        "school-2012.xml", ReadOptions(first_day="monday", school_days=MONDAY_TO_FRIDAY)
    )
    assert lessons_of(timetable, "9أ") == [
        ("friday", 1, "اللغة العربية"),
        ("friday", 2, "اللغة العربية"),
    ]


def in_french(monday: str = "Lundi") -> bytes:
    """ab-weeks.xml with its days named in French (no weekday the reader knows),
    and the Monday named `monday`."""
    content = edited("ab-weeks.xml", 'name="Monday"', f'name="{monday}"')
    for english, french in [
        ("Tuesday", "Mardi"),
        ("Wednesday", "Mercredi"),
        ("Thursday", "Jeudi"),
        ("Friday", "Vendredi"),
    ]:
        content = content.replace(f'name="{english}"'.encode(), f'name="{french}"'.encode())
    return content


@pytest.mark.parametrize("monday", ["Monday", "MON", "الاثنين", "الإثنين", "يوم الاثنين"])
def test_one_day_named_in_english_or_arabic_is_enough_to_set_the_first_day(monday: str) -> None:
    timetable = read(
        "ab-weeks.xml", content=in_french(monday)
    )  # the default school week starts on Sunday
    assert {lesson.weekday for lesson in timetable.lessons} == {"monday"}


def test_without_day_names_the_first_school_day_is_position_0() -> None:
    unnamed = in_french()
    assert {lesson.weekday for lesson in read("ab-weeks.xml", content=unnamed).lessons} == {
        "sunday"
    }
    monday_first = read("ab-weeks.xml", ReadOptions(school_days=MONDAY_TO_FRIDAY), unnamed)
    assert {lesson.weekday for lesson in monday_first.lessons} == {"monday"}


def test_day_names_that_disagree_on_the_first_day_ask_for_it() -> None:
    content = edited("ab-weeks.xml", 'name="Tuesday" short="Tu"', 'name="Wednesday" short="We"')
    assert error_of("ab-weeks.xml", content=content) == (
        "ab-weeks.xml: daysdef D1 puts the week's start on monday, daysdef D2 on tuesday:"
        " give the first day with --first-day"
    )
    assert len(read("ab-weeks.xml", ReadOptions(first_day="monday"), content).lessons) == 2


# The older variant ----------------------------------------------------------------


def test_the_older_variant_places_cards_by_day_number_on_its_days() -> None:
    timetable = read("old-variant.xml")
    assert timetable.classes == ("Year 3", "Year 4")
    assert [bell.label for bell in timetable.bells] == ["Period 1", "Period 2", "Period 3"]
    assert [
        (w.school_class, w.weekday, w.period, w.subject, w.teachers, w.rooms)
        for w in timetable.lessons
    ] == [
        ("Year 3", "monday", 1, "English", ("Ms Clarke",), ("Room 4",)),
        ("Year 3", "wednesday", 1, "English", ("Ms Clarke",), ("Room 4",)),
        ("Year 3", "friday", 3, "Music", ("Mr Okafor",), ("Hall",)),
        ("Year 4", "tuesday", 2, "Mathematics", ("Mr Okafor",), ("Room 4",)),
        ("Year 4", "thursday", 2, "Mathematics", ("Mr Okafor",), ("Room 4",)),
        ("Year 4", "friday", 3, "Music", ("Mr Okafor",), ("Hall",)),
    ]
    assert timetable.skipped == ()


def test_the_older_variants_day_names_set_the_first_day_too() -> None:
    timetable = read("old-variant.xml")  # the default school week starts on Sunday
    assert [w.weekday for w in timetable.lessons if w.school_class == "Year 3"] == [
        "monday",
        "wednesday",
        "friday",
    ]


def test_a_day_number_not_among_the_days_is_an_error() -> None:
    content = edited("old-variant.xml", 'period="2" day="4"', 'period="2" day="6"')
    assert error_of("old-variant.xml", content=content) == (
        'old-variant.xml: card 4 (lesson 2): day="6" is not one of the file\'s <days>'
    )


# Weeks and terms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "term", "imported", "skipped"),
    [
        pytest.param(None, None, ["History", "Geography"], ["3 cards in week B (no week rotation): --week B imports that week (card 3 (lesson L3), card 4 (lesson L3), card 5 (lesson L4))"], id="the-first-week-and-term-by-default"),
        pytest.param("B", None, ["History", "Art", "Art"], ["1 cards in week A (no week rotation): --week A imports that week (card 2 (lesson L2))", "1 cards in term Spring (one term at a time): --term Spring imports that term (card 5 (lesson L4))"], id="week-B-by-its-short-name"),
        pytest.param("2", "spring", ["History", "Art", "Art", "Drama"], ["1 cards in week A (no week rotation): --week A imports that week (card 2 (lesson L2))"], id="week-and-term-by-number-and-name"),
        pytest.param("Week B", "2", ["History", "Art", "Art", "Drama"], ["1 cards in week A (no week rotation): --week A imports that week (card 2 (lesson L2))"], id="week-by-its-full-name"),
    ],
)  # fmt: skip
def test_one_week_and_one_term_are_imported_and_the_others_reported(
    week: str | None, term: str | None, imported: list[str], skipped: list[str]
) -> None:
    timetable = read(
        "ab-weeks.xml", ReadOptions(week=week, term=term, school_days=MONDAY_TO_FRIDAY)
    )
    assert [lesson.subject for lesson in timetable.lessons] == imported
    assert list(timetable.skipped) == skipped


def test_a_lesson_without_card_weeks_takes_its_weeksdefs() -> None:
    timetable = read("ab-weeks.xml", ReadOptions(week="B", term="Spring"))
    assert ("wednesday", 2, "Drama") in lessons_of(
        timetable, "8X"
    )  # card 5 names no weeks: lesson L4's W2


def test_a_week_the_file_does_not_have_is_an_error_naming_those_it_has() -> None:
    assert error_of("ab-weeks.xml", ReadOptions(week="C")) == (
        'ab-weeks.xml: --week "C" is not one of the file\'s weeks (A, B)'
    )
    assert error_of("ab-weeks.xml", ReadOptions(term="3")) == (
        'ab-weeks.xml: --term "3" is not one of the file\'s terms (Autumn, Spring)'
    )


# What is skipped, and what is an error ------------------------------------------------


def test_a_card_of_a_lesson_not_in_the_file_is_skipped_and_reported() -> None:
    timetable = read("orphan-card.xml")
    assert len(timetable.lessons) == 2
    assert timetable.skipped[-1] == (
        "1 cards of a lesson that is not in the file (card 6 (lesson L9))"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("truncated.xml", "truncated.xml: not well-formed XML at line 43, column 5 (unclosed token: the file seems cut short)", id="truncated"),
        pytest.param("wrong-root.xml", "wrong-root.xml: the root element is <schedule>, not <timetable>: not an aSc Timetables XML export", id="wrong-root"),
        pytest.param("unknown-ids.xml", "unknown-ids.xml: lesson L2: teacher T7 is not in the file", id="unknown-ids"),
        pytest.param("overlapping-periods.xml", "overlapping-periods.xml: periods 1 (08:45-09:45) and 2 (09:30-10:30) overlap", id="overlapping-periods"),
        pytest.param("impossible-day.xml", 'impossible-day.xml: card 4 (lesson L3): days="0100" has 4 days where the file\'s day strings have 5', id="impossible-day-string"),
    ],
)  # fmt: skip
def test_each_malformed_sample_is_refused_with_one_line(name: str, message: str) -> None:
    assert error_of(name) == message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param('period="1" days="01000" weeks="01"', 'period="1" days="01200" weeks="01"', 'card 4 (lesson L3): days="01200" is not a string of 0s and 1s', id="a-day-string-not-of-0s-and-1s"),
        pytest.param('name="Monday" short="Mo" days="10000"', 'name="Monday" short="Mo" days="1000"', "the day definitions disagree on the number of days ([4, 5])", id="daysdefs-of-different-lengths"),
        pytest.param('starttime="08:45" endtime="09:45"', 'starttime="09:45" endtime="08:45"', "period 1 ends (08:45) before it starts (09:45)", id="an-end-before-the-start"),
        pytest.param('starttime="08:45" endtime="09:45"', 'starttime="08:45" endtime="9.45"', 'period 1: endtime="9.45" is not a time like 8:00', id="not-a-time"),
        pytest.param('<period period="2" name', '<period period="1" name', "period 1 is listed twice in <periods>", id="a-period-twice"),
        pytest.param('<lesson id="L3" subjectid="S3"', '<lesson id="L3"', "lesson L3 has no subjectid= attribute", id="a-missing-attribute"),
        pytest.param('<lesson id="L3" subjectid="S3" classids="C1"', '<lesson id="L3" subjectid="S3" classids="C1,C5"', "lesson L3: class C5 is not in the file", id="an-unknown-class"),
        pytest.param('<lesson id="L3" subjectid="S3"', '<lesson id="L3" subjectid="S9"', "lesson L3: subject S9 is not in the file", id="an-unknown-subject"),
        pytest.param('<lesson id="L3" subjectid="S3"', '<lesson id="L3" groupids="G9" subjectid="S3"', "lesson L3: group G9 is not in the file", id="an-unknown-group"),
        pytest.param('weeksdefid="W2" termsdefid="T2"', 'weeksdefid="W7" termsdefid="T2"', "lesson L4: weeksdef W7 is not in the file", id="an-unknown-weeksdef"),
        pytest.param('<card lessonid="L1" period="1"', '<card lessonid="L1"', "card 1 (lesson L1) has no period= attribute", id="a-card-without-period"),
        pytest.param('<card lessonid="L1" period="1"', '<card lessonid="L1" period="7"', 'card 1 (lesson L1): period="7" is not one of the file\'s <periods>', id="a-card-in-an-unknown-period"),
        pytest.param('weeks="10" terms="11" classroomids="R1"', 'weeks="10" terms="11" classroomids="R9"', "card 2 (lesson L2): classroom R9 is not in the file", id="a-card-in-an-unknown-room"),
        pytest.param('days="10000" weeks="10"', 'days="10000" weeks="100"', 'card 2 (lesson L2): weeks="100" has 3 weeks where the weeksdefs have 2', id="a-weeks-string-too-long"),
        pytest.param('<class id="C1" name="8X" short="8X"/>', '<class id="C1" name="8X"/><class id="C2" name="8X"/>', 'classes C1 and C2 are both named "8X"', id="two-classes-of-one-name"),
        pytest.param("<cards ", "<cardz ", "has no <cards> collection: not a complete timetable export", id="no-cards"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_line_naming_the_element_and_its_id(
    old: str, new: str, message: str
) -> None:
    content = edited("ab-weeks.xml", old, new)
    if old == "<cards ":
        content = content.replace(b"</cards>", b"</cardz>")
    assert error_of("ab-weeks.xml", content=content) == f"ab-weeks.xml: {message}"


def test_a_mistake_in_a_card_of_another_week_is_still_an_error() -> None:
    content = edited(
        "ab-weeks.xml", 'period="1" days="01000" weeks="01"', 'period="1" days="0x000" weeks="01"'
    )
    assert "card 4 (lesson L3)" in error_of("ab-weeks.xml", content=content)


def test_a_document_type_declaration_is_refused_before_any_entity_is_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE timetable [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<timetable>&b;</timetable>'
    )
    assert error_of("bomb.xml", content=bomb) == (
        "bomb.xml: has a <!DOCTYPE> declaration, which aSc exports never have: refused"
    )


def test_a_windows_1256_file_without_a_declaration_asks_for_its_encoding() -> None:
    undeclared = (
        (DATA / "school-2012-windows-1256.xml")
        .read_bytes()
        .replace(b' encoding="windows-1256"', b"")
    )
    assert error_of("school.xml", content=undeclared).startswith("school.xml: not UTF-8 (byte 0x")
    assert len(read("school.xml", ReadOptions(encoding="windows-1256"), undeclared).lessons) == 9


# Through the command line, on SQLite and PostgreSQL -------------------------------------

NEW_SCHOOL = ("--name", "مدرسة النور", "--timezone", "Asia/Riyadh", "--locale", "ar")


def import_asc(cli, name: str, *options: str, school: str = "al-noor"):
    return cli("import", "--from", "asc", str(DATA / name), "--school", school, *options)


def exported(cli, school: str = "al-noor") -> str:
    result = cli("export", "--school", school)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_an_import_creates_the_schools_classes_bells_and_lessons(cli) -> None:
    result = import_asc(cli, "school-2012.xml", *NEW_SCHOOL)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "imported al-noor (revision 1)\n"
        "  not imported: 1 cards in period 8, which has no clock times (card 9 (lesson L7))\n"
    )
    school = yaml.safe_load(exported(cli))
    assert school["classes"] == ["9أ", "10أ", "10ب"]
    assert [(p["index"], p["label"], p["start"]) for p in school["bell_schedules"]["regular"]] == [
        (1, "الحصة الأولى", "07:00"),
        (2, "الحصة الثانية", "07:50"),
        (3, "Period 3", "08:40"),
        (4, "الحصة الرابعة", "09:45"),
    ]
    # 9 lessons read; the two groups of 10أ on Wednesday, period 3, are one lesson of the school.
    assert len(school["lessons"]) == 8
    assert {
        "day": "tuesday",
        "period": 4,
        "class": "10ب",
        "subject": "التربية البدنية",
        "teacher": "خالد العتيبي, نورة الشهري",
        "room": "الملعب",
    } in school["lessons"]


def test_an_identical_import_is_unchanged_and_bumps_no_revision(cli) -> None:
    import_asc(cli, "school-2012.xml", *NEW_SCHOOL)
    before = exported(cli)

    again = import_asc(cli, "school-2012.xml")
    in_windows_1256 = import_asc(cli, "school-2012-windows-1256.xml")

    for result in (again, in_windows_1256):
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("unchanged al-noor (revision 1)\n")
    assert exported(cli) == before


def test_the_week_chosen_on_the_command_line_is_the_one_imported(cli) -> None:
    new = ("--name", "Hillside", "--timezone", "Europe/London", "--locale", "en")
    result = import_asc(cli, "ab-weeks.xml", *new, "--week", "B", school="hillside")

    assert result.exit_code == 0, result.stderr
    lessons = yaml.safe_load(exported(cli, "hillside"))["lessons"]
    assert [(lesson["day"], lesson["period"], lesson["subject"]) for lesson in lessons] == [
        ("monday", 1, "History"),
        ("monday", 2, "Art"),
        ("tuesday", 1, "Art"),
    ]
    assert (
        "  not imported: 1 cards in week A (no week rotation): --week A imports that week"
        in result.stderr
    )


@pytest.mark.parametrize(
    "name",
    [
        "truncated.xml",
        "wrong-root.xml",
        "unknown-ids.xml",
        "overlapping-periods.xml",
        "impossible-day.xml",
    ],
)
def test_bad_input_exits_1_with_one_line_and_changes_nothing(cli, name: str) -> None:
    import_asc(cli, "school-2012.xml", *NEW_SCHOOL)
    before = exported(cli)

    result = import_asc(cli, name)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {DATA / name}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert exported(cli) == before


def test_an_imported_school_exported_and_imported_back_is_unchanged(cli, tmp_path) -> None:
    import_asc(cli, "school-2012.xml", *NEW_SCHOOL)
    document = tmp_path / "al-noor.yaml"
    document.write_text(exported(cli), encoding="utf-8")

    result = cli("import", str(document))

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "unchanged al-noor (revision 1)\n"
    assert import_asc(cli, "school-2012.xml").stderr.startswith("unchanged al-noor (revision 1)\n")


def test_the_day_file_after_an_import_shows_the_lesson_of_the_export(cli, sessions) -> None:
    import_asc(cli, "school-2012.xml", *NEW_SCHOOL)
    with transaction(sessions) as session:
        found = find_school_by_key(session, "al-noor")
        assert found is not None
        [school] = load_schools(session, [found.id])

    tuesday = build_day(school, dt.date(2026, 11, 24)).document  # days="00100": the third day
    [fourth] = [period for period in tuesday["periods"] if period["index"] == 4]
    assert (fourth["start"], fourth["starts_at"]) == ("09:45", "2026-11-24T06:45:00Z")
    assert fourth["lessons"] == [
        {
            "class": cls,
            "subject": "التربية البدنية",
            "teacher": "خالد العتيبي, نورة الشهري",
            "room": "الملعب",
        }
        for cls in ("10أ", "10ب")
    ]
    wednesday = build_day(school, dt.date(2026, 11, 25)).document
    [third] = [period for period in wednesday["periods"] if period["index"] == 3]
    assert third["lessons"] == [
        {"class": "10أ", "subject": "العلوم / الحاسب الآلي", "teacher": "سارة القحطاني, أحمد الزهراني",
         "room": "المختبر, قاعة 102", "group": "مجموعة 1 / مجموعة 2"},
    ]  # fmt: skip


def test_lessons_on_the_schools_weekend_refuse_the_import_and_point_to_first_day(cli) -> None:
    # The older sample's days run Monday to Friday; al-noor's weekend is Friday and Saturday.
    import_asc(cli, "school-2012.xml", *NEW_SCHOOL)
    before = exported(cli)

    result = import_asc(cli, "old-variant.xml")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {DATA / 'old-variant.xml'}: has lessons on friday")
    assert "--first-day" in result.stderr and result.stderr.count("\n") == 1
    assert exported(cli) == before
