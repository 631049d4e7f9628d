"""Untis text exports: the weekly timetable (GPU001, with GPU002 for lesson groups)
and the day's substitutions (GPU014). See docs/imports-untis.md.

The field numbers follow Untis' interface description of its "DIF" text exports
(Import/Export, "Untis" text files). GPU files carry no clock times, so a timetable
read here has no bells: the school's own bells, or a bells file, are used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from publisher.build.source import SubstitutionRow
from publisher.errors import ValidationError, quote
from publisher.imports.encoding import decode
from publisher.imports.timetable import Change, ReadOptions, Skipped, Timetable, WeeklyLesson
from publisher.imports.untis_records import Layout, Record, read_records

GPU001 = Layout(
    "GPU001",
    {1: "lesson number", 2: "class", 3: "teacher", 4: "subject", 5: "room", 6: "day", 7: "hour"},
    # 8: the period's length in minutes (left empty by most schools); 9: unused;
    # a 10th, empty, when the export ends each line with a separator.
    fewest=7,
    most=10,
)
GPU002 = Layout(
    "GPU002",
    {1: "lesson number", 5: "class", 7: "subject", 42: "student group"},
    # Older versions of Untis write fewer fields (no student group), newer ones may
    # append more: only the fields up to the subject are required.
    fewest=7,
    most=None,
)
GPU014 = Layout(
    "GPU014",
    {
        1: "substitution number",
        2: "date",
        3: "hour",
        5: "lesson number",
        6: "absent teacher",
        7: "substitute teacher",
        8: "subject",
        10: "substitute subject",
        12: "room",
        13: "substitute room",
        15: "classes",
        18: "type flags",
        20: "type",
    },
    fewest=20,
    most=None,
)


def read_untis(files: Sequence[tuple[str, bytes]], options: ReadOptions) -> Timetable:
    """The weekly timetable of a GPU001 file, with the student groups of a GPU002 file
    when one is given. `files` are (name, content) pairs in any order."""
    timetable, lessons = _sort_files(files, options)
    groups = _groups(lessons) if lessons else {}
    return _timetable(timetable, groups, options)


def _sort_files(
    files: Sequence[tuple[str, bytes]], options: ReadOptions
) -> tuple[list[Record], list[Record]]:
    """GPU001's and GPU002's records, told apart by the file's name, or else by the
    number of fields of its first record (GPU001 has at most 10, GPU002 dozens)."""
    found: dict[str, tuple[str, str]] = {}
    for source, content in files:
        text = decode(content, source, options.encoding)
        kind = _kind(source, text)
        if kind in found:
            raise ValidationError(
                f"{source}: a second {kind} file (after {found[kind][0]}): give one timetable"
            )
        found[kind] = (source, text)
    if "GPU001" not in found:
        names = ", ".join(source for source, _ in files) or "no file"
        raise ValidationError(
            f"{names}: no GPU001 file (the timetable): give GPU001.TXT, and GPU002.TXT if wanted"
        )
    source, text = found["GPU001"]
    timetable = read_records(text, source, GPU001)
    if not timetable:
        raise ValidationError(f"{source}: no records: the GPU001 export is empty")
    lessons = []
    if "GPU002" in found:
        source, text = found["GPU002"]
        lessons = read_records(text, source, GPU002)
    return timetable, lessons


def _kind(source: str, text: str) -> str:
    named = re.search(r"gpu00([12])", source, re.IGNORECASE)
    if named:
        return f"GPU00{named.group(1)}"
    # Unnamed: count the first record's fields with a layout that accepts any number
    # (a record too broken to count is left to the GPU001 reader to name precisely).
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        records = read_records(first, source, Layout("GPU", {}, fewest=0, most=None))
    except ValidationError:
        return "GPU001"
    if records and len(records[0].fields) > (GPU001.most or 0):
        return "GPU002"
    return "GPU001"


_GroupKey = tuple[int, str, str]
"""A lesson number, a class and a subject: one line of a (coupled) Untis lesson."""


def _groups(records: list[Record]) -> dict[_GroupKey, str]:
    """The student group (GPU002 field 42) of each lesson line that names one."""
    groups: dict[_GroupKey, str] = {}
    for record in records:
        number = record.number(1, "a lesson number")
        group = record.text(42)
        if not group:
            continue
        for school_class in _classes(record.text(5)):
            groups[(number, school_class, record.text(7))] = group
    return groups


@dataclass
class _Lesson:
    """One lesson as GPU001's records give it, teachers and rooms gathered."""

    weekday: str
    period: int
    school_class: str
    subject: str
    group: str
    teachers: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)

    def add(self, teacher: str, room: str) -> None:
        if teacher and teacher not in self.teachers:
            self.teachers.append(teacher)
        if room and room not in self.rooms:
            self.rooms.append(room)

    def weekly(self) -> WeeklyLesson:
        return WeeklyLesson(
            weekday=self.weekday,
            period=self.period,
            school_class=self.school_class,
            subject=self.subject,
            teachers=tuple(self.teachers),
            rooms=tuple(self.rooms),
            group=self.group,
        )


def _timetable(
    records: list[Record], groups: dict[_GroupKey, str], options: ReadOptions
) -> Timetable:
    """GPU001 has one record per class, teacher and room of a lesson in a period: the
    records of one lesson number, day, hour, class and subject are one lesson."""
    days = options.days()
    lessons: dict[tuple[int, int, int, str, str], _Lesson] = {}
    skipped = Skipped()
    for record in records:
        number = record.number(1, "a lesson number")
        day = record.number(6, "a day of the week (1 to 7)", fewest=1)
        if day > 7:
            raise record.error(6, f"{quote(record.text(6))} is not a day of the week (1 to 7)")
        period = record.number(7, "a period number", fewest=1)
        school_class, subject = record.text(2), record.text(4)
        weekday = days[day - 1]
        if not school_class:
            skipped.add("records without a class", f"line {record.line}")
            continue
        if not subject:
            skipped.add("records without a subject", f"line {record.line}")
            continue
        key = (number, day, period, school_class, subject)
        if key not in lessons:
            group = groups.get((number, school_class, subject), "")
            lessons[key] = _Lesson(weekday, period, school_class, subject, group)
        lessons[key].add(record.text(3), record.text(5))
    weekly = tuple(lesson.weekly() for lesson in lessons.values())
    classes = sorted({lesson.school_class for lesson in weekly}, key=lambda n: (_natural(n), n))
    return Timetable(
        source=records[0].source,
        classes=tuple(classes),
        bells=(),
        lessons=weekly,
        skipped=skipped.lines(),
    )


def _natural(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sorts class names as people do: 5a, 5b, 10a (GPU001 keeps no class order)."""
    parts = re.split(r"(\d+)", name.casefold())
    return tuple((0, int(part)) if part.isdecimal() else (1, part) for part in parts if part)


def _classes(text: str) -> list[str]:
    """A list of classes as Untis writes one: "5a~5b"."""
    return [name.strip() for name in text.split("~") if name.strip()]


@dataclass(frozen=True)
class Substitutions:
    """A GPU014 file's changes, and one summary line per reason a record was not
    (or not wholly) imported."""

    changes: tuple[Change, ...]
    skipped: tuple[str, ...] = ()


def read_substitutions(content: bytes, source: str, options: ReadOptions) -> Substitutions:
    """The dated changes of a GPU014 file: one `Change` per record and class."""
    records = read_records(decode(content, source, options.encoding), source, GPU014)
    skipped = Skipped()
    changes: list[Change] = []
    for record in records:
        changes.extend(_changes(record, skipped))
    return Substitutions(tuple(changes), skipped.lines())


CANCELLED, SUBSTITUTE, ROOM = "cancelled", "substitute", "room"

TYPES = {
    "": SUBSTITUTE,  # Vertretung: another teacher takes the lesson
    "C": CANCELLED,  # Entfall: cancelled
    "R": ROOM,  # Raumvertretung: another room
    "S": SUBSTITUTE,  # Betreuung: a teacher supervises the class instead
    "P": SUBSTITUTE,  # Teil-Vertretung: a substitute for part of the lesson
    "~": SUBSTITUTE,  # Lehrertausch: two teachers swap lessons
    "W": SUBSTITUTE,  # Tausch: another lesson of the class takes this period
    "L": CANCELLED,  # Freisetzung: the teacher is released, the class is away
}
"""The Untis substitution types (GPU014 field 20) a change can show, and how."""

SKIPPED_TYPES = {
    "A": "special duties (type A), not lessons of a class",
    "B": "break supervision covers (type B), not lessons",
    "E": "exams (type E), not changes to a lesson",
}
"""The types that are not changes to a class's lesson, with the reason reported."""

MOVED = ("T", "F")
"""Verlegung: a lesson moved to another period. The letters do not say which end of the
move a record is; the type flags do (bit 3: moved away from this period, so it is
cancelled here; bit 7: moved into it, a lesson a change cannot add)."""

_MOVED_AWAY, _CANCELLED_FLAG = 1 << 3, 1 << 0


def _changes(record: Record, skipped: Skipped) -> list[Change]:
    date = record.date(2)
    period = record.number(3, "a period number", fewest=1)
    flags = record.number(18, "a number (the type's flags)") if record.text(18) else 0
    kind = _kind_of(record, flags, skipped)
    if kind is None:
        return []
    classes = _classes(record.text(15))
    if not classes:
        skipped.add("records without a class", f"line {record.line}")
        return []
    teacher, room = record.text(7), record.text(13)
    if kind == SUBSTITUTE and (not teacher or teacher == "+"):
        reason = (
            'substitutions by "+" (the class works alone), which a change cannot show'
            if teacher
            else "substitutions with no substitute teacher yet"
        )
        skipped.add(reason, f"line {record.line}")
        return []
    if kind == ROOM and not room:
        skipped.add("room changes with no room", f"line {record.line}")
        return []
    if kind != CANCELLED and record.text(10) and record.text(10) != record.text(8):
        skipped.add(
            "new subjects of substitutions, which show the timetable's subject",
            f"line {record.line}",
        )
    moved_room = room if room and room != record.text(12) else None
    where = f"{record.source}, line {record.line}"
    return [
        Change(
            where=where,
            school=None,
            row=SubstitutionRow(
                date=date,
                period=period,
                school_class=school_class,
                teacher=teacher if kind == SUBSTITUTE else None,
                cancelled=kind == CANCELLED,
                room=None if kind == CANCELLED else (room if kind == ROOM else moved_room),
            ),
        )
        for school_class in classes
    ]


def _kind_of(record: Record, flags: int, skipped: Skipped) -> str | None:
    """What the record's type makes of the lesson, or None (counted in `skipped`)."""
    letter = record.text(20)
    if letter in SKIPPED_TYPES:
        skipped.add(SKIPPED_TYPES[letter], f"line {record.line}")
        return None
    if letter in MOVED:
        if flags & _MOVED_AWAY:
            return CANCELLED
        skipped.add(
            f"lessons moved into a period (type {letter}), which a change cannot add",
            f"line {record.line}",
        )
        return None
    if letter == "" and flags & _CANCELLED_FLAG:
        return CANCELLED
    if letter not in TYPES:
        skipped.add(f"records of unknown type {quote(letter)}", f"line {record.line}")
        return None
    return TYPES[letter]
