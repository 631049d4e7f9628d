"""Validating a document's `exams:` rows: each one a class's paper in an exam period.

An exam is dated, so its period is checked against the bell schedule that date
really has (the weekly plan, or a special day of the calendar): an exam in a
lesson period, or on a holiday, would never reach a screen.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from publisher.build.day import kind_of_day
from publisher.build.source import ExamRow, SchoolData
from publisher.documents import limits
from publisher.documents.fields import At, date, integer, records, sequence, text
from publisher.documents.names import known_class, room, teacher
from publisher.errors import quote


def exams(value: Any, at: At, school: SchoolData) -> tuple[ExamRow, ...]:
    """The rows, each in an exam period of its date, at most one per class and period.

    `school` holds the classes, bell schedules, week and calendar, already checked.
    """
    known = set(school.classes)
    taken: dict[tuple[dt.date, int, str], str] = {}
    rows = []
    fields = ("date", "period", "class", "subject")
    optional = ("room", "invigilators")
    for where, row in records(value, at, fields, optional, max_items=limits.EXAMS):
        day = date(row["date"], where.key("date"))
        index = integer(row["period"], where.key("period"))
        _check_exam_period(school, day, index, where.key("period"))
        cls = known_class(row["class"], where.key("class"), known)
        slot = (day, index, cls)
        if slot in taken:
            where.fail(
                f"class {quote(cls)} already has an exam on {day} period {index} ({taken[slot]})"
            )
        taken[slot] = where.path
        invigilators = row.get("invigilators", [])
        names = sequence(invigilators, where.key("invigilators"), limits.INVIGILATORS)
        rows.append(
            ExamRow(
                date=day,
                period=index,
                school_class=cls,
                subject=text(row["subject"], where.key("subject")),
                room=room(row.get("room", ""), where.key("room"), allow_empty=True),
                invigilators=tuple(
                    teacher(n, where.key("invigilators").item(i))
                    for i, n in enumerate(names, start=1)
                ),
            )
        )
    return tuple(rows)


def _check_exam_period(school: SchoolData, day: dt.date, index: int, at: At) -> None:
    day_kind = kind_of_day(school, day)
    schedule = day_kind.schedule
    if schedule is None:
        kind = "a holiday" if day_kind.status == "holiday" else "a weekend day"
        at.fail(f"{day} is {kind}, with no exam period {index}")
    period = next((p for p in schedule.periods if p.index == index), None)
    if period is None:
        at.fail(f"bell schedule {quote(schedule.name)}, used on {day}, has no period {index}")
    if period.kind != "exam":
        at.fail(
            f"period {index} of bell schedule {quote(schedule.name)}, used on {day},"
            f" is a {period.kind}, not an exam"
        )
