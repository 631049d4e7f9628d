"""Spreadsheets on the command line: `publisher template`, lessons with
`import --from spreadsheet`, and dated changes with `import --changes`, on SQLite
and PostgreSQL. A file with a bad row changes nothing."""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from schools import stored

from publisher.build.source import LessonRow, SubstitutionRow
from testsupport import CHECKOUT

DATA = CHECKOUT / "tests" / "data" / "spreadsheets"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample spreadsheets, copied to the test's current folder so that messages
    name them as a user would."""
    for sample in DATA.iterdir():
        shutil.copy(sample, tmp_path / sample.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_lessons_replace_the_school_s_timetable_and_groups_share_their_period(
    cli, sessions, two_schools, folder
):
    result = cli("import", "--from", "spreadsheet", "lessons-arabic.csv", "--school", "alpha")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "imported alpha (revision 2)"
    school = stored(sessions, "alpha")
    assert school.classes == ("١أ", "١ب")
    assert sorted(school.lessons) == sorted(
        [
            LessonRow("sunday", 1, "١أ", "رياضيات", "أ. أحمد", "101"),
            LessonRow("sunday", 2, "١أ", "لغة عربية", "أ. خالد", "102"),
            LessonRow("tuesday", 4, "١أ", "لغة إنجليزية", "Mr John", "101"),
            LessonRow("sunday", 1, "١ب", "علوم", "أ. سارة, أ. منى", "المختبر"),
            LessonRow(
                "monday",
                4,
                "١ب",
                "تربية بدنية / تربية فنية",
                "أ. فهد, أ. نورة",
                "الملعب, المرسم",
                "بنين / بنات",
            ),
        ]
    )
    assert stored(sessions, "beta").revision == 1

    again = cli("import", "--from", "spreadsheet", "lessons-arabic.csv", "--school", "alpha")
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[0] == "unchanged alpha (revision 2)"


def test_a_windows_1256_spreadsheet_imports_with_its_encoding(cli, sessions, two_schools, folder):
    refused = cli(
        "import", "--from", "spreadsheet", "lessons-windows-1256.csv", "--school", "alpha"
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "Error: lessons-windows-1256.csv: not UTF-8 (byte 0xc7 at offset 39)"
    )

    result = cli(
        "import",
        "--from",
        "spreadsheet",
        "lessons-windows-1256.csv",
        "--school",
        "alpha",
        "--encoding",
        "windows-1256",
    )

    assert result.exit_code == 0, result.stderr
    assert stored(sessions, "alpha").classes == ("الأول أ", "الأول ب")


def test_the_template_written_on_the_command_line_imports_as_it_is(
    cli, sessions, two_schools, folder
):
    written = cli("template", "timetable.xlsx")
    assert written.exit_code == 0, written.stderr
    assert written.stderr == "wrote timetable.xlsx\n"
    assert openpyxl.load_workbook(folder / "timetable.xlsx").sheetnames == [
        "Read me",
        "Lessons",
        "Changes",
    ]

    result = cli("import", "--from", "spreadsheet", "timetable.xlsx", "--school", "alpha")

    assert result.exit_code == 0, result.stderr
    assert stored(sessions, "alpha").classes == ("7A", "٧ب")


def test_a_template_is_refused_for_a_file_of_another_kind(cli, folder):
    result = cli("template", "timetable.ods")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: timetable.ods: a template is an .xlsx workbook or a .csv file\n",
    )
    assert not (folder / "timetable.ods").exists()


def test_changes_reach_the_two_schools_the_file_names(cli, sessions, two_schools, folder):
    result = cli("import", "--changes", "changes-two-schools.csv")

    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith(" ")] == [
        "imported alpha (revision 2)",
        "imported beta (revision 2)",
    ]
    sunday, monday = dt.date(2026, 12, 6), dt.date(2026, 12, 7)
    alpha = [row for row in stored(sessions, "alpha").substitutions if row.date == sunday]
    beta = [row for row in stored(sessions, "beta").substitutions if row.date == monday]
    assert alpha == [
        SubstitutionRow(sunday, 1, "1A", "أ. خالد", False),
        SubstitutionRow(sunday, 2, "1B", None, True),
    ]
    assert beta == [
        SubstitutionRow(monday, 1, "1B", "Mr Omar", False, "202"),
        SubstitutionRow(monday, 4, "1A", None, False, "المختبر"),
    ]


def test_changes_from_a_workbook_go_to_the_school_the_import_names(
    cli, sessions, two_schools, folder
):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Changes"
    sheet.append(("date", "class", "period", "change", "teacher", "room"))
    sheet.append((dt.datetime(2026, 12, 8), "1B", 2, "cancelled", None, None))
    workbook.save(folder / "cover.xlsx")

    result = cli("import", "--changes", "cover.xlsx", "--school", "beta")

    assert result.exit_code == 0, result.stderr
    assert (
        SubstitutionRow(dt.date(2026, 12, 8), 2, "1B", None, True)
        in stored(sessions, "beta").substitutions
    )
    assert stored(sessions, "alpha").revision == 1


BAD_FILES = [
    pytest.param(
        ("--from", "spreadsheet", "lessons-bad-period.csv", "--school", "alpha"),
        'lessons-bad-period.csv, row 3, column C (period): "second" is not a whole number',
        id="bad-period",
    ),
    pytest.param(
        ("--from", "spreadsheet", "lessons-missing-column.csv", "--school", "alpha"),
        "lessons-missing-column.csv: no period column in row 1 (the columns are class, day, period, subject, teacher, room; optional: group, notes)",
        id="missing-column",
    ),
    pytest.param(
        ("--changes", "changes-unknown-kind.csv", "--school", "alpha"),
        'changes-unknown-kind.csv, row 3, column D (change): "swapped" is not a change: substitute, cancelled or room',
        id="unknown-change-kind",
    ),
]


@pytest.mark.parametrize(("arguments", "message"), BAD_FILES)
def test_a_file_with_a_bad_row_changes_nothing(cli, two_schools, folder, arguments, message):
    before = [cli("export", "--school", slug).stdout for slug in ("alpha", "beta")]

    result = cli("import", *arguments)

    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert [cli("export", "--school", slug).stdout for slug in ("alpha", "beta")] == before
