"""Spreadsheets: lessons and dated changes from CSV files and XLSX workbooks, and the
template a school secretary fills in (docs/imports-spreadsheets.md)."""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart

from publisher.build.source import SubstitutionRow
from publisher.errors import ValidationError
from publisher.imports.spreadsheet import read_changes, read_lessons, write_template
from publisher.imports.timetable import Change, ReadOptions, WeeklyLesson
from testsupport import CHECKOUT

DATA = CHECKOUT / "tests" / "data" / "spreadsheets"
OPTIONS = ReadOptions()

LESSONS_HEADER = ("class", "day", "period", "subject", "teacher", "room")
CHANGES_HEADER = ("date", "class", "period", "change", "teacher", "room")


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def csv_bytes(*lines: str) -> bytes:
    return "\r\n".join(lines).encode()


def xlsx_bytes(**sheets: list[tuple[object, ...]]) -> bytes:
    """A workbook with these sheets (name: rows, row 1 first), as Excel would save it."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.worksheets[0])
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def error_of(read, content: bytes, source: str, options: ReadOptions = OPTIONS) -> str:
    with pytest.raises(ValidationError) as caught:
        read(content, source, options)
    message = str(caught.value)
    assert "\n" not in message
    return message


# Lessons


def test_lessons_with_arabic_headers_and_names_are_read_in_order():
    timetable = read_lessons(sample("lessons-arabic.csv"), "lessons-arabic.csv", OPTIONS)

    assert timetable.source == "lessons-arabic.csv"
    assert timetable.classes == ("١أ", "١ب")
    assert timetable.bells == ()  # spreadsheets have no clock times: the school's bells stay
    assert timetable.skipped == ()
    assert timetable.lessons == (
        WeeklyLesson("sunday", 1, "١أ", "رياضيات", ("أ. أحمد",), ("101",)),
        WeeklyLesson("sunday", 2, "١أ", "لغة عربية", ("أ. خالد",), ("102",)),
        WeeklyLesson("sunday", 1, "١ب", "علوم", ("أ. سارة", "أ. منى"), ("المختبر",)),
        WeeklyLesson("monday", 4, "١ب", "تربية بدنية", ("أ. فهد",), ("الملعب",), "بنين"),
        WeeklyLesson("monday", 4, "١ب", "تربية فنية", ("أ. نورة",), ("المرسم",), "بنات"),
        WeeklyLesson("tuesday", 4, "١أ", "لغة إنجليزية", ("Mr John",), ("101",)),
    )


def test_a_windows_1256_file_is_read_with_its_encoding_and_refused_without_it():
    content = sample("lessons-windows-1256.csv")

    timetable = read_lessons(content, "lessons.csv", ReadOptions(encoding="windows-1256"))

    assert timetable.classes == ("الأول أ", "الأول ب")
    assert [(lesson.subject, lesson.teachers) for lesson in timetable.lessons] == [
        ("رياضيات", ("أ. أحمد",)),
        ("علوم", ("أ. سارة",)),
        ("لغة عربية", ("أ. خالد",)),
    ]
    assert error_of(read_lessons, content, "lessons.csv") == (
        "lessons.csv: not UTF-8 (byte 0xc7 at offset 39);"
        " give its encoding with --encoding, for example windows-1256"
    )


def test_semicolons_separate_cells_when_the_header_uses_them_and_columns_come_in_any_order():
    timetable = read_lessons(sample("lessons-semicolon.csv"), "cours.csv", OPTIONS)

    assert timetable.classes == ("5B", "5C")
    assert timetable.lessons == (
        WeeklyLesson("monday", 1, "5B", "Mathématiques", ("Mme Dupont",), ("B12",)),
        WeeklyLesson(
            "monday", 2, "5B", "Histoire, géographie", ("Mme Dupont", "M. Martin"), ("B12",)
        ),
        WeeklyLesson("tuesday", 1, "5C", "Sciences", ("M. Bernard",), ("Labo 1",)),
    )


def test_excel_s_unicode_text_utf_16_with_tabs_is_read():
    content = "\r\n".join(
        ["\t".join(LESSONS_HEADER), "1A\tالأحد\t1\tMaths, Science\tأ. أحمد\t101"]
    ).encode("utf-16")
    assert read_lessons(content, "t.csv", OPTIONS).lessons == (
        WeeklyLesson("sunday", 1, "1A", "Maths, Science", ("أ. أحمد",), ("101",)),
    )


@pytest.mark.parametrize(
    ("day", "weekday"),
    [
        ("Sunday", "sunday"),
        ("THU", "thursday"),
        ("الأحد", "sunday"),
        ("الاحد", "sunday"),
        ("الإثنين", "monday"),
        ("الاربعاء", "wednesday"),
    ],
)
def test_a_day_is_an_english_or_arabic_weekday_name(day, weekday):
    content = csv_bytes(",".join(LESSONS_HEADER), f"1A,{day},1,Maths,,")
    assert read_lessons(content, "t.csv", OPTIONS).lessons[0].weekday == weekday


def test_teacher_and_room_may_be_empty_and_a_notes_column_is_not_read():
    content = csv_bytes(
        "class,day,period,subject,teacher,room,notes", "1A,sunday,٣,Maths,,,ask Salma"
    )
    assert read_lessons(content, "t.csv", OPTIONS).lessons == (
        WeeklyLesson("sunday", 3, "1A", "Maths"),
    )


def test_an_xlsx_lessons_sheet_reads_number_cells_and_ignores_other_sheets():
    content = xlsx_bytes(
        Notes=[("anything",)],
        Lessons=[
            ("Period", "Class", "Day", "Subject", "Teacher", "Room", "Group"),
            (1, "7A", "sunday", "Maths", "Ms Salma; Mr Omar", 101, None),
            (),
            (2.0, "7A", "sunday", "French", "Mme Roy", "B2", "French"),
            (2.0, "7A", "sunday", "German", "Herr Wolf", "B3", "German"),
        ],
    )

    timetable = read_lessons(content, "timetable.xlsx", OPTIONS)

    assert timetable.lessons == (
        WeeklyLesson("sunday", 1, "7A", "Maths", ("Ms Salma", "Mr Omar"), ("101",)),
        WeeklyLesson("sunday", 2, "7A", "French", ("Mme Roy",), ("B2",), "French"),
        WeeklyLesson("sunday", 2, "7A", "German", ("Herr Wolf",), ("B3",), "German"),
    )


def test_a_group_lesson_beside_a_whole_class_lesson_is_not_a_duplicate():
    content = csv_bytes(
        "class,day,period,subject,teacher,room,group",
        "1A,sunday,1,Maths,,,",
        "1A,sunday,1,Support,,,Boys",
    )
    assert len(read_lessons(content, "t.csv", OPTIONS).lessons) == 2


def test_the_spreadsheet_row_of_an_error_counts_the_header_and_empty_rows():
    rows: list[tuple[object, ...]] = [LESSONS_HEADER]
    rows += [("7A", "sunday", period, "Maths", "", "") for period in range(1, 10)]
    rows += [(), ("7A", "monday", "x", "Maths", "", "")]

    message = error_of(read_lessons, xlsx_bytes(Lessons=rows), "timetable.xlsx")

    assert (
        message
        == 'timetable.xlsx, sheet Lessons, row 12, column C (period): "x" is not a whole number'
    )


LESSON_ERRORS = [
    # (rows after the header, the error)
    pytest.param(
        ["1A,sunday,1,Maths,,", "1A,Sonday,2,Maths,,"],
        't.csv, row 3, column B (day): "Sonday" is not a weekday',
        id="unknown-weekday",
    ),
    pytest.param(
        ["1A,sunday,1.5,Maths,,"],
        't.csv, row 2, column C (period): "1.5" is not a whole number',
        id="period-not-whole",
    ),
    pytest.param(
        ["1A,sunday,-1,Maths,,"],
        't.csv, row 2, column C (period): "-1" is not a whole number',
        id="negative-period",
    ),
    pytest.param(
        ["1A,sunday,,Maths,,"],
        "t.csv, row 2, column C (period): must not be empty",
        id="empty-period",
    ),
    pytest.param(
        ["1A,sunday,1, ,T,101"],
        "t.csv, row 2, column D (subject): must not be empty",
        id="empty-subject",
    ),
    pytest.param(
        [",sunday,1,Maths,T,101"],
        "t.csv, row 2, column A (class): must not be empty",
        id="empty-class",
    ),
    pytest.param(
        ["1A,sunday,1,Maths,,", "", "1A,Sunday,1,Science,,"],
        't.csv, row 4: class "1A" already has a lesson on sunday in period 1 (row 2); lessons taught to parts of a class name their group',
        id="two-lessons-in-one-period",
    ),
    pytest.param(
        ["1A,sunday,1,Maths,,,,", "1A,sunday,1,Science,,,,Boys"],
        't.csv, row 3, column H: "Boys" is under no header',
        id="value-under-no-header",
    ),
]


@pytest.mark.parametrize(("rows", "message"), LESSON_ERRORS)
def test_a_bad_lesson_row_is_refused_in_one_line_naming_row_and_column(rows, message):
    assert error_of(read_lessons, csv_bytes(",".join(LESSONS_HEADER), *rows), "t.csv") == message


def test_two_lessons_of_one_group_in_one_period_are_refused():
    content = csv_bytes(
        "class,day,period,subject,teacher,room,group",
        "1A,sunday,1,Maths,,,Boys",
        "1A,sunday,1,Support,,,Boys",
    )
    assert error_of(read_lessons, content, "t.csv") == (
        't.csv, row 3: class "1A", group "Boys", already has a lesson on sunday in period 1 (row 2);'
        " lessons taught to parts of a class name their group"
    )


SAMPLE_ERRORS = [
    pytest.param(
        read_lessons,
        "lessons-bad-period.csv",
        'lessons-bad-period.csv, row 3, column C (period): "second" is not a whole number',
        id="bad-period",
    ),
    pytest.param(
        read_lessons,
        "lessons-missing-column.csv",
        "lessons-missing-column.csv: no period column in row 1 (the columns are class, day, period, subject, teacher, room; optional: group, notes)",
        id="missing-column",
    ),
    pytest.param(
        read_changes,
        "changes-unknown-kind.csv",
        'changes-unknown-kind.csv, row 3, column D (change): "swapped" is not a change: substitute, cancelled or room',
        id="unknown-change-kind",
    ),
]


@pytest.mark.parametrize(("read", "name", "message"), SAMPLE_ERRORS)
def test_the_malformed_samples_are_refused_in_one_line(read, name, message):
    assert error_of(read, sample(name), name) == message


HEADER_ERRORS = [
    pytest.param(
        "class,day,period,subject,teacher,room,grop",
        't.csv, row 1, column G: unknown column "grop" (the columns are class, day, period, subject, teacher, room; optional: group, notes)',
        id="unknown-column",
    ),
    pytest.param(
        "class,day,period,subject,teacher,room,الحصة",
        "t.csv, row 1, column G: a second period column (the first is column C)",
        id="column-twice",
    ),
    pytest.param(
        ",,,",
        "t.csv: row 1 must hold the column names (class, day, period, subject, teacher, room; optional: group, notes)",
        id="no-header",
    ),
]


@pytest.mark.parametrize(("header", "message"), HEADER_ERRORS)
def test_a_bad_header_row_is_refused(header, message):
    assert error_of(read_lessons, csv_bytes(header, "1A,sunday,1,Maths,,"), "t.csv") == message


def test_an_empty_file_is_refused():
    assert error_of(read_lessons, b"", "t.csv") == (
        "t.csv: row 1 must hold the column names (class, day, period, subject, teacher, room; optional: group, notes)"
    )


def test_a_date_in_a_text_cell_of_a_workbook_is_refused():
    content = xlsx_bytes(
        Lessons=[LESSONS_HEADER, (dt.datetime(2026, 7, 1), "sunday", 1, "Maths", "", "")]
    )
    assert error_of(read_lessons, content, "t.xlsx") == (
        "t.xlsx, sheet Lessons, row 2, column A (class): 2026-07-01 00:00:00 is a date or time,"
        " not text: format the column as Text"
    )


# Workbooks and file kinds


def test_a_workbook_without_the_sheet_is_refused_naming_its_sheets():
    content = xlsx_bytes(Sheet1=[LESSONS_HEADER])
    assert (
        error_of(read_lessons, content, "t.xlsx")
        == 't.xlsx: no sheet named Lessons (its sheets: "Sheet1")'
    )
    assert (
        error_of(read_changes, content, "t.xlsx")
        == 't.xlsx: no sheet named Changes (its sheets: "Sheet1")'
    )


def test_a_chart_named_like_the_sheet_is_refused():
    workbook = openpyxl.Workbook()
    workbook.create_chartsheet("Lessons").add_chart(BarChart())
    out = io.BytesIO()
    workbook.save(out)
    assert (
        error_of(read_lessons, out.getvalue(), "t.xlsx")
        == "t.xlsx: sheet Lessons is a chart, not a sheet of cells"
    )


def chart_without_drawing() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.create_chartsheet("Lessons")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


NOT_A_ZIP = "t.xlsx: not a readable .xlsx workbook (not a ZIP archive, as every .xlsx file is); save it again as an Excel workbook (.xlsx)"


def zip_of(**files: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def damaged(content: bytes, member: str, text: str) -> bytes:
    """A workbook with one of its XML files replaced by `text`."""
    original = zipfile.ZipFile(io.BytesIO(content))
    return zip_of(
        **{
            name: text if name == member else original.read(name).decode()
            for name in original.namelist()
        }
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"class,day\r\n", NOT_A_ZIP, id="a-csv-named-xlsx"),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), NOT_A_ZIP, id="an-old-xls-named-xlsx"
        ),
        pytest.param(xlsx_bytes(Lessons=[LESSONS_HEADER])[:200], NOT_A_ZIP, id="truncated"),
        pytest.param(
            damaged(xlsx_bytes(Lessons=[LESSONS_HEADER]), "xl/worksheets/sheet1.xml", "<worksheet"),
            "t.xlsx: not a readable .xlsx workbook (damaged, or a ZIP archive without a workbook); save it again as an Excel workbook (.xlsx)",
            id="broken-sheet-xml",
        ),
        pytest.param(
            chart_without_drawing(),
            "t.xlsx: not a readable .xlsx workbook (damaged, or a ZIP archive without a workbook); save it again as an Excel workbook (.xlsx)",
            id="a-chart-sheet-without-its-drawing",
        ),
        pytest.param(
            zip_of(hello="hello"),
            "t.xlsx: not a readable .xlsx workbook (damaged, or a ZIP archive without a workbook); save it again as an Excel workbook (.xlsx)",
            id="a-zip-without-a-workbook",
        ),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_in_one_line(content, message):
    assert error_of(read_lessons, content, "t.xlsx") == message


@pytest.mark.parametrize("read", [read_lessons, read_changes])
def test_only_csv_and_xlsx_files_are_read(read):
    assert (
        error_of(read, b"", "timetable.ods")
        == "timetable.ods: a spreadsheet is a .csv or .xlsx file"
    )


# Changes


def test_changes_name_their_schools_rows_and_lessons():
    changes = read_changes(sample("changes-two-schools.csv"), "cover.csv", OPTIONS)

    assert changes == [
        Change(
            "cover.csv, row 2",
            "alpha",
            SubstitutionRow(dt.date(2026, 12, 6), 1, "1A", "أ. خالد", False),
        ),
        Change(
            "cover.csv, row 3", "alpha", SubstitutionRow(dt.date(2026, 12, 6), 2, "1B", None, True)
        ),
        Change(
            "cover.csv, row 4",
            "beta",
            SubstitutionRow(dt.date(2026, 12, 7), 4, "1A", None, False, "المختبر"),
        ),
        Change(
            "cover.csv, row 5",
            "beta",
            SubstitutionRow(dt.date(2026, 12, 7), 1, "1B", "Mr Omar", False, "202"),
        ),
    ]


def test_changes_without_a_school_column_are_for_the_school_the_import_names():
    content = csv_bytes("Date;Class;Period;Change;Teacher;Room", "٢٠٢٦-١٢-٠٦;1A;1;ملغاة;;")
    assert read_changes(content, "cover.csv", OPTIONS) == [
        Change(
            "cover.csv, row 2", None, SubstitutionRow(dt.date(2026, 12, 6), 1, "1A", None, True)
        ),
    ]


def test_an_xlsx_changes_sheet_reads_date_cells_and_text_dates():
    content = xlsx_bytes(
        Changes=[
            ("school", *CHANGES_HEADER),
            ("alpha", dt.datetime(2026, 12, 6), "1A", 1, "Substitute", "Mr Omar", None),
            (None, "2026-12-07", "1B", 2, "room", None, "Lab"),
        ]
    )
    assert read_changes(content, "cover.xlsx", OPTIONS) == [
        Change(
            "cover.xlsx, sheet Changes, row 2",
            "alpha",
            SubstitutionRow(dt.date(2026, 12, 6), 1, "1A", "Mr Omar", False),
        ),
        Change(
            "cover.xlsx, sheet Changes, row 3",
            None,
            SubstitutionRow(dt.date(2026, 12, 7), 2, "1B", None, False, "Lab"),
        ),
    ]


CHANGE_ERRORS = [
    # (rows after the header date,class,period,change,teacher,room, the error)
    pytest.param(
        ["2026-02-30,1A,1,cancelled,,"],
        't.csv, row 2, column A (date): "2026-02-30" is not a date YYYY-MM-DD',
        id="no-such-date",
    ),
    pytest.param(
        ["07/12/2026,1A,1,cancelled,,"],
        't.csv, row 2, column A (date): "07/12/2026" is not a date YYYY-MM-DD',
        id="date-not-iso",
    ),
    pytest.param(
        [",1A,1,cancelled,,"], "t.csv, row 2, column A (date): must not be empty", id="empty-date"
    ),
    pytest.param(
        ["2026-12-06,1A,1,,,"],
        "t.csv, row 2, column D (change): must not be empty",
        id="empty-change",
    ),
    pytest.param(
        ["2026-12-06,1A,1,substitute,,Lab"],
        "t.csv, row 2, column E (teacher): a substitute change names the teacher who takes the lesson",
        id="substitute-without-teacher",
    ),
    pytest.param(
        ["2026-12-06,1A,1,room,,"],
        "t.csv, row 2, column F (room): a room change names the new room",
        id="room-change-without-room",
    ),
    pytest.param(
        ["2026-12-06,1A,1,room,Mr Omar,Lab"],
        "t.csv, row 2, column E (teacher): a room change keeps the teacher; write substitute to name another",
        id="room-change-with-teacher",
    ),
    pytest.param(
        ["2026-12-06,1A,1,cancelled,,Lab"],
        "t.csv, row 2, column F (room): a cancelled lesson has no teacher or room; leave it empty",
        id="cancelled-with-room",
    ),
    pytest.param(
        ["2026-12-06,1A,1,cancelled,,", "2026-12-06,1A,1,substitute,Mr Omar,"],
        't.csv, row 3: class "1A" already has a change on 2026-12-06 in period 1 (row 2)',
        id="two-changes-to-one-lesson",
    ),
]


@pytest.mark.parametrize(("rows", "message"), CHANGE_ERRORS)
def test_a_bad_change_row_is_refused_in_one_line_naming_row_and_column(rows, message):
    assert error_of(read_changes, csv_bytes(",".join(CHANGES_HEADER), *rows), "t.csv") == message


def test_the_same_lesson_changes_once_per_school():
    content = csv_bytes(
        "school," + ",".join(CHANGES_HEADER),
        "alpha,2026-12-06,1A,1,cancelled,,",
        "beta,2026-12-06,1A,1,cancelled,,",
    )
    assert [change.school for change in read_changes(content, "t.csv", OPTIONS)] == [
        "alpha",
        "beta",
    ]


# The template


TEMPLATE_LESSONS = (
    WeeklyLesson("sunday", 1, "7A", "Mathematics", ("Ms Salma",), ("101",)),
    WeeklyLesson("sunday", 1, "٧ب", "العلوم", ("أ. خالد", "أ. ليلى"), ("المختبر",)),
)
TEMPLATE_CHANGES = (
    SubstitutionRow(dt.date(2026, 12, 7), 2, "7A", "Mr Omar", False),
    SubstitutionRow(dt.date(2026, 12, 7), 3, "٧ب", None, False, "المختبر"),
)


def test_the_workbook_template_s_example_rows_import_cleanly(tmp_path: Path):
    path = tmp_path / "timetable.xlsx"
    write_template(path)

    content = path.read_bytes()
    assert read_lessons(content, "timetable.xlsx", OPTIONS).lessons == TEMPLATE_LESSONS
    changes = read_changes(content, "timetable.xlsx", OPTIONS)
    assert tuple(change.row for change in changes) == TEMPLATE_CHANGES
    assert [change.where for change in changes] == [
        "timetable.xlsx, sheet Changes, row 2",
        "timetable.xlsx, sheet Changes, row 3",
    ]


def test_the_workbook_template_explains_each_column_and_offers_drop_downs(tmp_path: Path):
    path = tmp_path / "timetable.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)

    assert workbook.sheetnames == ["Read me", "Lessons", "Changes"]
    read_me = [row for row in workbook["Read me"].iter_rows(values_only=True)]
    explained = {
        (sheet, column.removesuffix(" (optional)"))
        for sheet, column, english, arabic in read_me
        if sheet in ("Lessons", "Changes") and english and arabic
    }
    for name in ("Lessons", "Changes"):
        worksheet = workbook[name]
        headers = [cell.value for cell in worksheet[1]]
        assert explained >= {(name, header) for header in headers}
        assert all(cell.font.bold for cell in worksheet[1])
        assert worksheet.freeze_panes == "A2"
        formats = {
            header: worksheet.column_dimensions[chr(ord("A") + index)].number_format
            for index, header in enumerate(headers)
        }
        assert formats == {
            header: {"period": "General", "date": "yyyy-mm-dd"}.get(header, "@")
            for header in headers
        }
        drop_downs = {
            str(validation.sqref): validation.formula1
            for validation in worksheet.data_validations.dataValidation
            if validation.type == "list"
        }
        column = "B" if name == "Lessons" else "E"
        assert set(drop_downs) == {f"{column}2:{column}2000"}
        assert (
            len(drop_downs[f"{column}2:{column}2000"]) <= 2 + 255
        )  # Excel's limit for a list in quotes
        assert ("sunday" in drop_downs[f"{column}2:{column}2000"]) == (name == "Lessons")
        assert ("cancelled" in drop_downs[f"{column}2:{column}2000"]) == (name == "Changes")


def test_a_filled_in_workbook_template_imports_the_school_s_rows(tmp_path: Path):
    path = tmp_path / "timetable.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    lessons = workbook["Lessons"]
    lessons.delete_rows(2, 2)
    lessons.append(("1A", "الخميس", 4, "Arabic", "أ. أحمد", "12"))
    workbook.save(path)

    timetable = read_lessons(path.read_bytes(), "timetable.xlsx", OPTIONS)

    assert timetable.lessons == (
        WeeklyLesson("thursday", 4, "1A", "Arabic", ("أ. أحمد",), ("12",)),
    )


@pytest.mark.parametrize(
    ("name", "read", "expected"),
    [
        pytest.param("lessons.csv", read_lessons, TEMPLATE_LESSONS, id="lessons"),
        pytest.param("Daily-Changes.csv", read_changes, TEMPLATE_CHANGES, id="changes"),
    ],
)
def test_a_csv_template_holds_the_changes_when_its_name_says_so_else_the_lessons(
    tmp_path: Path, name, read, expected
):
    path = tmp_path / name
    write_template(path)

    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # so that Excel reads the Arabic as UTF-8
    result = read(content, name, OPTIONS)
    rows = result.lessons if read is read_lessons else tuple(change.row for change in result)
    assert rows == expected


def test_a_template_is_an_xlsx_or_csv_file(tmp_path: Path):
    path = tmp_path / "timetable.ods"
    with pytest.raises(ValidationError) as caught:
        write_template(path)
    assert str(caught.value) == f"{path}: a template is an .xlsx workbook or a .csv file"
    assert list(tmp_path.iterdir()) == []
