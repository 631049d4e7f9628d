"""Lessons and dated changes from a spreadsheet (CSV, or XLSX through openpyxl), and
the template a school secretary fills in. The layout is in `spreadsheet_layout`
and docs/imports-spreadsheets.md.

A row is a lesson (class, day, period, subject, teacher, room, group) or a change
(school, date, class, period, change, teacher, room). Spreadsheets carry no clock
times, so a timetable read here has no bells: the school's own are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from publisher.build.source import SubstitutionRow
from publisher.errors import ValidationError, quote
from publisher.imports.spreadsheet_grid import KINDS, Row, read_table
from publisher.imports.spreadsheet_layout import (
    CANCELLED,
    CHANGE_WORDS,
    CHANGES,
    LESSONS,
    ROOM,
    SUBSTITUTE,
    Sheet,
)
from publisher.imports.spreadsheet_template import template_workbook
from publisher.imports.timetable import (
    Change,
    ReadOptions,
    Timetable,
    WeeklyLesson,
    weekday_named,
)


def read_lessons(content: bytes, source: str, options: ReadOptions) -> Timetable:
    """The weekly lessons of a CSV file, or of an XLSX workbook's "Lessons" sheet.

    Classes come in the order they first appear. A class has one lesson a day and
    period, unless the lessons name different groups of it.
    """
    table = read_table(content, source, LESSONS, options.encoding)
    lessons: list[WeeklyLesson] = []
    first_rows: dict[tuple[str, str, int, str], int] = {}
    for row in table.data():
        lesson = _lesson(row)
        key = (lesson.school_class, lesson.weekday, lesson.period, lesson.group)
        if key in first_rows:
            group = f", group {quote(lesson.group)}," if lesson.group else ""
            raise ValidationError(
                f"{row.place}, row {row.number}: class {quote(lesson.school_class)}{group}"
                f" already has a lesson on {lesson.weekday} in period {lesson.period}"
                f" (row {first_rows[key]}); lessons taught to parts of a class name their group"
            )
        first_rows[key] = row.number
        lessons.append(lesson)
    classes = tuple(dict.fromkeys(lesson.school_class for lesson in lessons))
    return Timetable(source=source, classes=classes, bells=(), lessons=tuple(lessons))


def _lesson(row: Row) -> WeeklyLesson:
    school_class = row.required("class")
    day = row.required("day")
    weekday = weekday_named(day)
    if weekday is None:
        raise row.error("day", f"{quote(day)} is not a weekday")
    return WeeklyLesson(
        weekday=weekday,
        period=row.whole("period"),
        school_class=school_class,
        subject=row.required("subject"),
        teachers=row.names("teacher"),
        rooms=row.names("room"),
        group=row.text("group"),
    )


def read_changes(content: bytes, source: str, options: ReadOptions) -> list[Change]:
    """The dated changes of a CSV file, or of an XLSX workbook's "Changes" sheet.

    A row without a school leaves `Change.school` None: the school the import
    names takes it. One lesson (school, date, class, period) changes once.
    """
    table = read_table(content, source, CHANGES, options.encoding)
    changes: list[Change] = []
    first_rows: dict[tuple[str | None, dt.date, str, int], int] = {}
    for row in table.data():
        change = Change(f"{row.place}, row {row.number}", row.text("school") or None, _change(row))
        lesson = change.row
        key = (change.school, lesson.date, lesson.school_class, lesson.period)
        if key in first_rows:
            raise ValidationError(
                f"{change.where}: class {quote(lesson.school_class)} already has a change on"
                f" {lesson.date} in period {lesson.period} (row {first_rows[key]})"
            )
        first_rows[key] = row.number
        changes.append(change)
    return changes


def _change(row: Row) -> SubstitutionRow:
    date, school_class, period = row.date("date"), row.required("class"), row.whole("period")
    word = row.required("change")
    kind = CHANGE_WORDS.get(word.lower())
    if kind is None:
        raise row.error("change", f"{quote(word)} is not a change: substitute, cancelled or room")
    teacher, room = row.text("teacher") or None, row.text("room") or None
    if kind == SUBSTITUTE and teacher is None:
        raise row.error("teacher", "a substitute change names the teacher who takes the lesson")
    if kind == ROOM and room is None:
        raise row.error("room", "a room change names the new room")
    if kind == ROOM and teacher is not None:
        raise row.error(
            "teacher", "a room change keeps the teacher; write substitute to name another"
        )
    if kind == CANCELLED and (teacher or room):
        column = "teacher" if teacher else "room"
        raise row.error(column, "a cancelled lesson has no teacher or room; leave it empty")
    return SubstitutionRow(date, period, school_class, teacher, kind == CANCELLED, room)


def write_template(path: Path) -> None:
    """A file for a secretary to fill in, with example rows that import as they are.

    `.xlsx`: a workbook with a "Read me" sheet and both sheets. `.csv` holds one
    sheet: the changes when the file's name says "change", else the lessons.
    """
    kind = path.suffix.lower()
    if kind not in KINDS:
        raise ValidationError(f"{path}: a template is an .xlsx workbook or a .csv file")
    if kind == ".xlsx":
        template_workbook().save(path)
        return
    sheet = CHANGES if "change" in path.name.lower() else LESSONS
    # With a byte order mark, Excel opens the file as UTF-8 and shows Arabic as Arabic.
    path.write_bytes(_csv_text(sheet).encode("utf-8-sig"))


def _csv_text(sheet: Sheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.headers())
    for example in sheet.examples:
        writer.writerow(_csv_cell(value) for value in example)
    return out.getvalue()


def _csv_cell(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value
