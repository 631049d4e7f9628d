"""Untis exports through `publisher import`: a timetable with a bells file, the day's
changes from GPU014, and malformed files that change nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent.parent / "data" / "untis"
ARABIC = DATA / "arabic"
NEW_SCHOOL = ("--name", "مدرسة النور", "--timezone", "Asia/Riyadh", "--locale", "ar")
BELLS = """\
periods:
  - {period: 1, start: "07:00", end: "07:45"}
  - {period: 2, start: "07:50", end: "08:35"}
  - {period: 3, start: "08:40", end: "09:25"}
  - {period: 4, start: "09:45", end: "10:30"}
  - {period: 5, start: "10:35", end: "11:20"}
"""


@pytest.fixture
def bells(tmp_path: Path) -> str:
    path = tmp_path / "bells.yaml"
    path.write_text(BELLS, encoding="utf-8")
    return str(path)


def import_timetable(cli, bells: str, *extra: str):
    gpu = (str(ARABIC / "GPU001.TXT"), str(ARABIC / "GPU002.TXT"))
    return cli("import", "--from", "untis", *gpu, "--school", "al-noor", "--bells", bells, *extra)


def test_a_timetable_imports_with_the_bells_file_and_reports_what_it_left_out(cli, bells):
    result = import_timetable(cli, bells, *NEW_SCHOOL)

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "imported al-noor (revision 1)",
        "  not imported: 1 records without a class (line 12)",
        "  not imported: 1 records without a subject (line 13)",
    ]
    exported = cli("export", "--school", "al-noor").stdout
    assert exported.count("{day: ") == 8  # nine lessons, the coupled two made one
    assert '{index: 4, kind: lesson, label: Period 4, start: "09:45", end: "10:30"}' in exported
    assert "{day: sunday, period: 2, class: 7أ, subject: علوم, teacher: 'فاطمة, سارة'," in exported
    assert "subject: دين / فن, teacher: 'سارة, فاطمة', room: 'م2, م3', group: بنات / بنين}" in (
        exported
    )


def test_the_same_export_again_changes_nothing(cli, bells):
    import_timetable(cli, bells, *NEW_SCHOOL)
    before = cli("export", "--school", "al-noor").stdout

    again = import_timetable(cli, bells)

    assert again.exit_code == 0
    assert again.stderr.splitlines()[0] == "unchanged al-noor (revision 1)"
    assert cli("export", "--school", "al-noor").stdout == before


def test_a_week_untis_numbers_from_monday_imports_with_first_day_monday(cli, bells):
    import_timetable(cli, bells, *NEW_SCHOOL)
    monday_first = str(DATA / "monday-first" / "GPU001.TXT")

    result = cli(
        "import", "--from", "untis", monday_first, "--school", "al-noor", "--first-day", "monday",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    lessons = cli("export", "--school", "al-noor").stdout.split("lessons:\n")[1].split("subst")[0]
    assert lessons.splitlines() == [
        "- {day: sunday, period: 1, class: 7أ, subject: رياضيات, teacher: أحمد, room: م1}",
        "- {day: monday, period: 1, class: 7أ, subject: علوم, teacher: سارة, room: مختبر}",
        "- {day: thursday, period: 2, class: 7ب, subject: لغة عربية, teacher: خالد, room: م2}",
    ]


def test_the_days_changes_apply_to_the_school_and_list_what_they_cannot_show(cli, bells):
    import_timetable(cli, bells, *NEW_SCHOOL)

    result = cli(
        "import", "--changes", str(ARABIC / "GPU014.TXT"), "--school", "al-noor",
        "--encoding", "windows-1256",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "imported al-noor (revision 2)"
    assert len(lines) == 1 + 5  # one line for each reason something was not imported
    exported = cli("export", "--school", "al-noor").stdout
    substitutions = exported.split("substitutions:\n")[1].split("duties:")[0].splitlines()
    assert substitutions == [
        "- {date: 2026-12-06, period: 1, class: 7أ, teacher: خالد}",
        "- {date: 2026-12-06, period: 2, class: 7أ, cancelled: true}",
        "- {date: 2026-12-07, period: 1, class: 7ب, room: م4}",
        "- {date: 2026-12-07, period: 2, class: 8أ, teacher: فاطمة}",
        "- {date: 2026-12-08, period: 1, class: 7أ, teacher: خالد, room: م2}",
        "- {date: 2026-12-08, period: 3, class: 7أ, teacher: أحمد, room: الصالة}",
        "- {date: 2026-12-08, period: 3, class: 7ب, teacher: أحمد, room: الصالة}",
        "- {date: 2026-12-10, period: 4, class: 8أ, cancelled: true}",
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("--from", "untis", str(DATA / "malformed" / "GPU001-day.TXT")),
            'GPU001-day.TXT, line 3, field 6 (day): "9" is not a day of the week (1 to 7)',
        ),
        (
            ("--from", "untis", str(DATA / "monday-first" / "GPU001.TXT")),
            'saturday period 1: school "al-noor" plans no bell schedule on saturday'
            " (give the bells with --bells, or check --first-day)",
        ),
        (
            ("--changes", str(DATA / "malformed" / "GPU014-date.TXT")),
            'GPU014-date.TXT, line 1, field 2 (date): "20261306" is not a date (YYYYMMDD)',
        ),
        (
            ("--changes", str(ARABIC / "GPU014.TXT")),
            "GPU014.TXT: not UTF-8 (byte 0x",
        ),
    ],
    ids=["timetable", "days from Monday", "changes", "changes without their encoding"],
)
def test_a_malformed_file_is_one_line_and_leaves_the_export_identical(
    cli, bells, arguments: tuple[str, ...], message: str
) -> None:
    import_timetable(cli, bells, *NEW_SCHOOL)
    before = cli("export", "--school", "al-noor").stdout

    result = cli("import", *arguments, "--school", "al-noor")

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and message in line
    assert cli("export", "--school", "al-noor").stdout == before
