"""Untis text exports: GPU001 (with GPU002) becomes a weekly timetable, GPU014 dated changes.

The sample files in tests/data/untis/ are written from Untis' interface description:
`arabic/` is a Sunday-to-Thursday school (GPU001 and GPU002 in UTF-8, GPU014 in
windows-1256), `cp1250/` a Monday-to-Friday school whose files are named neither
GPU001 nor GPU002, in windows-1250 with `;` between fields, `malformed/` one broken
file of each kind.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from publisher.build.source import SubstitutionRow
from publisher.errors import ValidationError
from publisher.imports.timetable import ReadOptions, WeeklyLesson
from publisher.imports.untis import read_substitutions, read_untis

DATA = Path(__file__).parent.parent / "data" / "untis"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def files(*names: str) -> list[tuple[str, bytes]]:
    return [(Path(name).name, (DATA / name).read_bytes()) for name in names]


def arabic(options: ReadOptions | None = None, gpu002: bool = True):
    names = ["arabic/GPU001.TXT"] + (["arabic/GPU002.TXT"] if gpu002 else [])
    return read_untis(files(*names), options or ReadOptions())


def lessons_of(timetable, school_class: str) -> list[WeeklyLesson]:
    return [lesson for lesson in timetable.lessons if lesson.school_class == school_class]


# The timetable ----------------------------------------------------------------------


def test_the_records_of_one_lesson_in_one_period_are_one_lesson_per_class() -> None:
    timetable = arabic()

    assert len(timetable.lessons) == 9
    assert timetable.classes == ("7أ", "7ب", "8أ")
    assert timetable.bells == ()
    assert timetable.source == "GPU001.TXT"
    assert lessons_of(timetable, "7أ")[:2] == [
        WeeklyLesson("sunday", 1, "7أ", "رياضيات", ("أحمد",), ("م1",)),
        WeeklyLesson("monday", 1, "7أ", "رياضيات", ("أحمد",), ("م1",)),
    ]


def test_classes_are_sorted_by_name_with_numbers_by_their_value() -> None:
    records = [f'{n},"{name}","Hu","M","R1",1,1,,' for n, name in enumerate(["10a", "5b", "5a"])]
    content = "\n".join(records).encode()

    timetable = read_untis([("GPU001.TXT", content)], ReadOptions())

    assert timetable.classes == ("5a", "5b", "10a")


def test_two_teachers_or_two_rooms_of_a_lesson_are_gathered_in_it() -> None:
    timetable = arabic()

    science = [lesson for lesson in timetable.lessons if lesson.subject == "علوم"]
    maths_thursday = [lesson for lesson in timetable.lessons if lesson.weekday == "thursday"]
    assert science == [WeeklyLesson("sunday", 2, "7أ", "علوم", ("فاطمة", "سارة"), ("مختبر",))]
    assert maths_thursday == [WeeklyLesson("thursday", 4, "8أ", "رياضيات", ("أحمد",), ("م1", "م3"))]


def test_a_lesson_taught_to_two_classes_is_a_lesson_of_each() -> None:
    timetable = arabic()

    sport = [lesson for lesson in timetable.lessons if lesson.subject == "تربية بدنية"]
    assert [(lesson.school_class, lesson.weekday, lesson.period) for lesson in sport] == [
        ("7أ", "tuesday", 3),
        ("7ب", "tuesday", 3),
    ]


def test_the_student_groups_of_a_coupled_lesson_come_from_gpu002() -> None:
    monday_second = [
        (lesson.subject, lesson.group)
        for lesson in arabic().lessons
        if (lesson.school_class, lesson.weekday, lesson.period) == ("8أ", "monday", 2)
    ]

    assert monday_second == [("دين", "بنات"), ("فن", "بنين")]


def test_without_gpu002_the_same_lessons_have_no_groups() -> None:
    with_groups, without = arabic(), arabic(gpu002=False)

    assert [lesson for lesson in with_groups.lessons if not lesson.group] == [
        lesson for lesson in without.lessons if lesson.subject not in ("دين", "فن")
    ]
    assert {lesson.group for lesson in without.lessons} == {""}


def test_records_without_a_class_or_a_subject_are_reported_not_imported() -> None:
    assert arabic().skipped == (
        "1 records without a class (line 12)",
        "1 records without a subject (line 13)",
    )


def test_day_numbers_count_from_the_schools_first_day_unless_the_first_day_is_given() -> None:
    sunday_first = arabic()
    monday_first = arabic(ReadOptions(first_day="monday", school_days=WEEKDAYS))

    def days(timetable) -> list[str]:
        return [lesson.weekday for lesson in lessons_of(timetable, "7أ")]

    assert days(sunday_first) == ["sunday", "monday", "sunday", "tuesday"]
    assert days(monday_first) == ["monday", "tuesday", "monday", "wednesday"]


def test_a_lesson_on_a_day_off_is_read_for_the_school_to_refuse() -> None:
    sixth_day = b'1,"5a","Hu","M","R1",6,2,,'

    timetable = read_untis([("GPU001.TXT", sixth_day)], ReadOptions())

    assert [lesson.weekday for lesson in timetable.lessons] == ["friday"]
    assert timetable.skipped == ()


def test_files_not_named_gpu001_or_gpu002_are_told_apart_by_their_number_of_fields() -> None:
    options = ReadOptions(encoding="windows-1250", school_days=WEEKDAYS)

    in_order = read_untis(files("cp1250/plan.txt", "cp1250/unterricht.txt"), options)
    reversed_ = read_untis(files("cp1250/unterricht.txt", "cp1250/plan.txt"), options)

    assert in_order == reversed_
    assert in_order.source == "plan.txt"
    assert in_order.classes == ("1.A", "2.B")
    assert len(in_order.lessons) == 5
    assert lessons_of(in_order, "2.B") == [
        WeeklyLesson(
            "monday", 1, "2.B", "Matematika", ("Šťastná", "Łukasz"), ("Učebna 2",), "skupina 1"
        ),
        WeeklyLesson("friday", 1, "2.B", "Tělocvik", ("Dvořák",), ("Hřiště",)),
    ]


def test_a_quoted_field_may_hold_the_separator_and_doubled_quotes() -> None:
    options = ReadOptions(encoding="windows-1250", school_days=WEEKDAYS)

    timetable = read_untis(files("cp1250/plan.txt"), options)

    tuesday = [lesson for lesson in timetable.lessons if lesson.weekday == "tuesday"]
    assert [(lesson.subject, lesson.rooms) for lesson in tuesday] == [
        ("Dějepis; seminář", ('Aula "Velká"',))
    ]


@pytest.mark.parametrize(
    "line",
    [
        '1;"5a";"Hu";"M";"R1";1;2;;',
        '1\t"5a"\t"Hu"\t"M"\t"R1"\t1\t2\t\t',
        '1|"5a"|"Hu"|"M"|"R1"|1|2||',
        '1,"5a","Hu","M","R1",1,2',
    ],
    ids=["semicolon", "tab", "bar", "comma, no length field"],
)
def test_each_file_says_its_separator_by_its_first_record(line: str) -> None:
    timetable = read_untis([("GPU001.TXT", line.encode())], ReadOptions(school_days=WEEKDAYS))

    assert timetable.lessons == (WeeklyLesson("monday", 2, "5a", "M", ("Hu",), ("R1",)),)


def test_a_file_in_a_code_page_needs_its_encoding() -> None:
    with pytest.raises(ValidationError) as error:
        read_untis(files("cp1250/plan.txt"), ReadOptions())

    assert str(error.value).startswith("plan.txt: not UTF-8 (byte 0x")


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            ["arabic/GPU002.TXT"],
            "GPU002.TXT: no GPU001 file (the timetable): give GPU001.TXT, and GPU002.TXT if wanted",
        ),
        ([], "no file: no GPU001 file (the timetable): give GPU001.TXT, and GPU002.TXT if wanted"),
        (
            ["arabic/GPU001.TXT", "malformed/GPU001-day.TXT"],
            "GPU001-day.TXT: a second GPU001 file (after GPU001.TXT): give one timetable",
        ),
    ],
    ids=["no GPU001", "no file", "two GPU001"],
)
def test_one_timetable_file_is_required(names: list[str], message: str) -> None:
    with pytest.raises(ValidationError) as error:
        read_untis(files(*names), ReadOptions())

    assert str(error.value) == message


def test_an_empty_gpu001_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        read_untis([("GPU001.TXT", b"\r\n\r\n")], ReadOptions())

    assert str(error.value) == "GPU001.TXT: no records: the GPU001 export is empty"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "GPU001-fields.TXT",
            'GPU001-fields.TXT, line 2: 4 fields separated by ",", where a GPU001 record has'
            " 7 to 10",
        ),
        (
            "GPU001-day.TXT",
            'GPU001-day.TXT, line 3, field 6 (day): "9" is not a day of the week (1 to 7)',
        ),
        (
            "GPU001-hour.TXT",
            'GPU001-hour.TXT, line 1, field 7 (hour): "ثالثة" is not a period number',
        ),
        (
            "GPU001-open-quote.TXT",
            "GPU001-open-quote.TXT, line 1, field 5 (room): unterminated quotes",
        ),
        (
            "GPU001-quotes.TXT",
            "GPU001-quotes.TXT, line 1, field 3 (teacher): text after the closing quote",
        ),
    ],
)
def test_a_malformed_gpu001_is_one_line_naming_file_line_and_field(name: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        read_untis(files(f"malformed/{name}"), ReadOptions())

    assert str(error.value) == message


def test_a_malformed_gpu002_is_one_line_naming_file_line_and_field() -> None:
    with pytest.raises(ValidationError) as error:
        read_untis(files("arabic/GPU001.TXT", "malformed/GPU002-number.TXT"), ReadOptions())

    assert str(error.value) == (
        'GPU002-number.TXT, line 1, field 1 (lesson number): "x" is not a lesson number'
    )


# Substitutions ----------------------------------------------------------------------


def substitutions():
    content = (DATA / "arabic" / "GPU014.TXT").read_bytes()
    return read_substitutions(content, "GPU014.TXT", ReadOptions(encoding="windows-1256"))


def test_substitutions_cancellations_and_room_changes_become_a_change_per_class() -> None:
    changes = substitutions().changes

    assert [(change.where, change.school, change.row) for change in changes] == [
        ("GPU014.TXT, line 1", None, row(6, 1, "7أ", teacher="خالد")),  # substitution
        ("GPU014.TXT, line 2", None, row(6, 2, "7أ", cancelled=True)),  # C: cancelled
        ("GPU014.TXT, line 3", None, row(7, 1, "7ب", room="م4")),  # R: room change
        ("GPU014.TXT, line 4", None, row(8, 3, "7أ", teacher="أحمد", room="الصالة")),
        ("GPU014.TXT, line 4", None, row(8, 3, "7ب", teacher="أحمد", room="الصالة")),
        ("GPU014.TXT, line 7", None, row(10, 4, "8أ", cancelled=True)),  # T, moved away
        ("GPU014.TXT, line 9", None, row(7, 2, "8أ", teacher="فاطمة")),  # S: supervision
        ("GPU014.TXT, line 11", None, row(8, 1, "7أ", teacher="خالد", room="م2")),  # W
    ]


def row(
    day: int,
    period: int,
    school_class: str,
    teacher: str | None = None,
    cancelled: bool = False,
    room: str | None = None,
) -> SubstitutionRow:
    return SubstitutionRow(dt.date(2026, 12, day), period, school_class, teacher, cancelled, room)


def test_what_a_change_cannot_show_is_summarised() -> None:
    assert substitutions().skipped == (
        "1 break supervision covers (type B), not lessons (line 5)",
        "1 exams (type E), not changes to a lesson (line 6)",
        "1 lessons moved into a period (type F), which a change cannot add (line 8)",
        '1 substitutions by "+" (the class works alone), which a change cannot show (line 10)',
        "1 new subjects of substitutions, which show the timetable's subject (line 11)",
    )


def gpu014(kind: str, flags: str = "0", substitute: str = "Hu", classes: str = "5a") -> bytes:
    fields = ["1", "20261207", "2", "", "7", '"Ma"', f'"{substitute}"', '"M"', "", "", ""]
    fields += ['"R1"', '"R1"', "", f'"{classes}"', "", "", flags, f'"{classes}"', f'"{kind}"']
    return ";".join(fields).encode()


@pytest.mark.parametrize(
    ("kind", "flags", "expected"),
    [
        ("", "0", (False, "Hu")),
        ("", "1", (True, None)),
        ("C", "1", (True, None)),
        ("L", "16", (True, None)),
        ("P", "64", (False, "Hu")),
        ("~", "0", (False, "Hu")),
        ("T", "8", (True, None)),
    ],
    ids=[
        "substitution",
        "cancelled by its flag",
        "cancelled",
        "release",
        "part",
        "teacher swap",
        "moved away",
    ],
)
def test_each_type_maps_to_the_nearest_change(
    kind: str, flags: str, expected: tuple[bool, str | None]
) -> None:
    result = read_substitutions(gpu014(kind, flags), "GPU014.TXT", ReadOptions())

    assert [(c.row.cancelled, c.row.teacher) for c in result.changes] == [expected]
    assert result.skipped == ()


@pytest.mark.parametrize(
    ("content", "skipped"),
    [
        (gpu014("A", "4"), "1 special duties (type A), not lessons of a class (line 1)"),
        (
            gpu014("T", "128"),
            "1 lessons moved into a period (type T), which a change cannot add (line 1)",
        ),
        (gpu014("X"), '1 records of unknown type "X" (line 1)'),
        (gpu014("", substitute=""), "1 substitutions with no substitute teacher yet (line 1)"),
        (gpu014("", classes=""), "1 records without a class (line 1)"),
    ],
    ids=["special duty", "moved in", "unknown type", "no substitute", "no class"],
)
def test_records_a_change_cannot_show_are_counted_not_imported(
    content: bytes, skipped: str
) -> None:
    result = read_substitutions(content, "GPU014.TXT", ReadOptions())

    assert result.changes == ()
    assert result.skipped == (skipped,)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "GPU014-date.TXT",
            'GPU014-date.TXT, line 1, field 2 (date): "20261306" is not a date (YYYYMMDD)',
        ),
        (
            "GPU014-fields.TXT",
            'GPU014-fields.TXT, line 1: 8 fields separated by ",", where a GPU014 record has'
            " at least 20",
        ),
        (
            "GPU014-hour.TXT",
            'GPU014-hour.TXT, line 1, field 3 (hour): "0" is not a period number',
        ),
    ],
)
def test_a_malformed_gpu014_is_one_line_naming_file_line_and_field(name: str, message: str) -> None:
    content = (DATA / "malformed" / name).read_bytes()

    with pytest.raises(ValidationError) as error:
        read_substitutions(content, name, ReadOptions())

    assert str(error.value) == message
