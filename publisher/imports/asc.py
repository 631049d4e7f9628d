"""aSc Timetables XML exports read into a `Timetable`. See docs/imports-asc.md.

Two variants circulate. "aSc Timetables 2012 XML" places a card on days with a
bit string (`days="01000"`) read through the `daysdefs`; the older variant lists
its `<days>` and gives each card a day number (`day="2"`). Both share the root
`<timetable>` and the collections `periods`, `subjects`, `teachers`,
`classrooms`, `classes`, `groups`, `lessons` and `cards`. Each element carries
its attributes by name, so a collection's `columns` list is not needed to read it.

The rule for unknown ids: a card whose lesson is not in the file is skipped and
reported (an export of part of a timetable leaves such cards behind), while any
other id naming nothing (a lesson's class, subject, teacher, room, group, week
or term definition; a card's room or period) is an error, because the file
contradicts itself about something the screens would show.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from publisher.errors import quote
from publisher.imports.asc_calendar import DayList, Rotation
from publisher.imports.asc_file import Export, first_of, id_list, parse, shown_id
from publisher.imports.timetable import Bell, ReadOptions, Skipped, Timetable, WeeklyLesson

_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")


def read_asc(content: bytes, source: str, options: ReadOptions) -> Timetable:
    """The weekly timetable an aSc export holds, for the week and term `options` choose."""
    export = Export(parse(content, source, options.encoding), source)
    weeks = Rotation.read(export, "week", options.week)
    terms = Rotation.read(export, "term", options.term)
    classes = _classes(export)
    names = _Names.read(export)
    reading = _Reading(
        export=export,
        bells=_bells(export),
        days=DayList.read(export, options),
        weeks=weeks,
        terms=terms,
        rooms=names.rooms,
        lessons=_lessons(export, classes, names, weeks, terms),
    )
    skipped = Skipped()
    weekly: list[WeeklyLesson] = []
    for number, card in enumerate(export.items("cards", "card"), 1):
        weekly.extend(reading.card_lessons(number, card, skipped))
    order = {name: index for index, name in enumerate(classes.values())}
    position = reading.days.position
    weekly.sort(key=lambda w: (order[w.school_class], position[w.weekday], w.period))
    return Timetable(
        source=source,
        classes=tuple(classes.values()),
        bells=tuple(bell for bell in reading.bells.values() if bell is not None),
        lessons=tuple(weekly),
        skipped=skipped.lines(),
    )


# Bells ---------------------------------------------------------------------


def _bells(export: Export) -> dict[int, Bell | None]:
    """Each period number's bell; None for a period without clock times."""
    bells: dict[int, Bell | None] = {}
    for place, item in enumerate(export.items("periods", "period"), 1):
        raw = export.required(item, "period", f"<period> number {place}")
        if not raw.isdigit():
            export.fail(f"period {shown_id(raw)}: period= is not a number")
        number = int(raw)
        where = f"period {number}"
        if number in bells:
            export.fail(f"{where} is listed twice in <periods>")
        start, end = (_time(export, item, where, key) for key in ("starttime", "endtime"))
        if start is None or end is None:
            bells[number] = None
            continue
        if end <= start:
            export.fail(f"{where} ends ({end:%H:%M}) before it starts ({start:%H:%M})")
        bells[number] = Bell(number, _bell_label(item, number), start, end)
    timed = sorted((bell for bell in bells.values() if bell is not None), key=lambda b: b.start)
    for before, after in zip(timed, timed[1:], strict=False):
        if after.start < before.end:
            export.fail(
                f"periods {before.period} ({before.start:%H:%M}-{before.end:%H:%M}) and"
                f" {after.period} ({after.start:%H:%M}-{after.end:%H:%M}) overlap"
            )
    return bells


def _time(export: Export, item: ET.Element, where: str, key: str) -> dt.time | None:
    value = (item.get(key) or "").strip()
    if not value:
        return None
    match = _TIME.fullmatch(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        export.fail(f"{where}: {key}={quote(value)} is not a time like 8:00")
    return dt.time(int(match[1]), int(match[2]))


def _bell_label(item: ET.Element, number: int) -> str:
    """The period's name, unless it is only its number ("1"): then "Period 1"."""
    label = first_of(item, "name", "short")
    return label if label and not label.isdigit() else f"Period {number}"


# Classes and lessons ----------------------------------------------------------


def _classes(export: Export) -> dict[str, str]:
    """Each class id's name, in the export's order; two classes of one name are an error."""
    classes: dict[str, str] = {}
    seen: dict[str, str] = {}
    for ident, item in export.by_id("classes", "class").items():
        name = first_of(item, "name", "short")
        if not name:
            export.fail(f"class {shown_id(ident)} has no name= attribute")
        if name in seen:
            export.fail(
                f"classes {shown_id(seen[name])} and {shown_id(ident)} are both named {quote(name)}"
            )
        seen[name] = ident
        classes[ident] = name
    return classes


@dataclass(frozen=True)
class _Lesson:
    """A lesson with its references resolved to names."""

    classes: tuple[str, ...]  # class names
    subject: str
    teachers: tuple[str, ...]
    rooms: tuple[str, ...]
    groups: dict[str, str]  # class name: group label ("" for the whole class)
    rotation: dict[str, str]  # "week"/"term": the lesson's bit string, "" for all


@dataclass(frozen=True)
class _Names:
    """The export's people, subjects, rooms and groups, by id."""

    subjects: dict[str, str]
    teachers: dict[str, str]
    rooms: dict[str, str]
    groups: dict[str, tuple[str, str]]  # group id: (class id, label)

    @classmethod
    def read(cls, export: Export) -> _Names:
        def named(collection: str, element: str, *attributes: str) -> dict[str, str]:
            found = export.by_id(collection, element)
            return {ident: first_of(item, *attributes) or ident for ident, item in found.items()}

        teachers = {
            ident: first_of(item, "name") or _full_name(item) or first_of(item, "short") or ident
            for ident, item in export.by_id("teachers", "teacher").items()
        }
        groups = {
            ident: (first_of(item, "classid"), _group_label(item))
            for ident, item in export.by_id("groups", "group").items()
        }
        return cls(
            named("subjects", "subject", "name", "short"),
            teachers,
            named("classrooms", "classroom", "name", "short"),
            groups,
        )


def _full_name(item: ET.Element) -> str:
    return " ".join(
        part for part in (first_of(item, "firstname"), first_of(item, "lastname")) if part
    )


def _group_label(item: ET.Element) -> str:
    """A group's name, or "" for the group that is the entire class."""
    name = first_of(item, "name", "short")
    if item.get("entireclass", "").strip() == "1" or name.casefold() in (
        "entire class",
        "whole class",
    ):
        return ""
    return name


def _lessons(
    export: Export, classes: dict[str, str], names: _Names, weeks: Rotation, terms: Rotation
) -> dict[str, _Lesson]:
    return {
        ident: _lesson(export, f"lesson {shown_id(ident)}", item, classes, names, weeks, terms)
        for ident, item in export.by_id("lessons", "lesson").items()
    }


def _lesson(
    export: Export,
    where: str,
    item: ET.Element,
    classes: dict[str, str],
    names: _Names,
    weeks: Rotation,
    terms: Rotation,
) -> _Lesson:
    def look_up(ids: list[str], table: dict[str, str], what: str) -> tuple[str, ...]:
        for ident in ids:
            if ident not in table:
                export.fail(f"{where}: {what} {shown_id(ident)} is not in the file")
        return tuple(table[ident] for ident in ids)

    class_ids = id_list(item.get("classids"))
    class_names = look_up(class_ids, classes, "class")
    subject = look_up([export.required(item, "subjectid", where)], names.subjects, "subject")
    group_ids = id_list(item.get("groupids"))
    for group_id in group_ids:
        if group_id not in names.groups:
            export.fail(f"{where}: group {shown_id(group_id)} is not in the file")
    rotation = {
        rotation.kind: _lesson_bits(export, where, item, rotation) for rotation in (weeks, terms)
    }
    return _Lesson(
        classes=class_names,
        subject=subject[0],
        teachers=look_up(id_list(item.get("teacherids")), names.teachers, "teacher"),
        rooms=look_up(id_list(item.get("classroomids")), names.rooms, "classroom"),
        groups={
            classes[class_id]: _group_label_of(class_id, group_ids, names) for class_id in class_ids
        },
        rotation=rotation,
    )


def _group_label_of(class_id: str, group_ids: list[str], names: _Names) -> str:
    """The part of a class a lesson is taught to: the names of the lesson's groups
    that belong to that class (a group naming no class belongs to all)."""
    labels = []
    for group_id in group_ids:
        owner, label = names.groups[group_id]
        if label and owner in ("", class_id):
            labels.append(label)
    return ", ".join(labels)


def _lesson_bits(export: Export, where: str, item: ET.Element, rotation: Rotation) -> str:
    """A lesson's own week (or term) bits: its `weeks=`, else its `weeksdefid`'s."""
    kind = rotation.kind
    bits = (item.get(f"{kind}s") or "").strip()
    if bits:
        return bits
    definition = (item.get(f"{kind}sdefid") or "").strip()
    if definition and definition not in rotation.defs:
        export.fail(f"{where}: {kind}sdef {shown_id(definition)} is not in the file")
    return rotation.defs.get(definition, "")


# Cards -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """Everything a card is read against."""

    export: Export
    bells: dict[int, Bell | None]
    days: DayList
    weeks: Rotation
    terms: Rotation
    rooms: dict[str, str]
    lessons: dict[str, _Lesson]

    def card_lessons(self, number: int, card: ET.Element, skipped: Skipped) -> list[WeeklyLesson]:
        """The weekly lessons a card stands for: one per class of its lesson and day it
        is on. The card is checked whole before anything about it is skipped, so a
        mistake in a card of another week is still an error."""
        export = self.export
        lesson_id = export.required(card, "lessonid", f"card {number}")
        where = f"card {number} (lesson {shown_id(lesson_id)})"
        lesson = self.lessons.get(lesson_id)
        if lesson is None:
            skipped.add("cards of a lesson that is not in the file", where)
            return []
        period = self._period(card, where)
        positions = self.days.of_card(export, card, where)
        rooms = self._rooms(card, where) or lesson.rooms
        weeks = self.weeks.bits(export, card, lesson.rotation["week"], where)
        terms = self.terms.bits(export, card, lesson.rotation["term"], where)
        reason = (
            self.weeks.skip_reason(weeks)
            or self.terms.skip_reason(terms)
            or self._skip_reason(lesson, period, positions)
        )
        if reason:
            skipped.add(reason, where)
            return []
        return [
            WeeklyLesson(
                weekday=self.days.weekdays[position],
                period=period,
                school_class=school_class,
                subject=lesson.subject,
                teachers=lesson.teachers,
                rooms=rooms,
                group=lesson.groups.get(school_class, ""),
            )
            for position in positions
            for school_class in lesson.classes
        ]

    def _period(self, card: ET.Element, where: str) -> int:
        raw = self.export.required(card, "period", where)
        if not raw.isdigit() or int(raw) not in self.bells:
            self.export.fail(f"{where}: period={quote(raw)} is not one of the file's <periods>")
        return int(raw)

    def _rooms(self, card: ET.Element, where: str) -> tuple[str, ...]:
        ids = id_list(card.get("classroomids"))
        for ident in ids:
            if ident not in self.rooms:
                self.export.fail(f"{where}: classroom {shown_id(ident)} is not in the file")
        return tuple(self.rooms[ident] for ident in ids)

    def _skip_reason(self, lesson: _Lesson, period: int, positions: list[int]) -> str | None:
        if self.bells[period] is None:
            return f"cards in period {period}, which has no clock times"
        if not lesson.classes:
            return "cards of a lesson with no class"
        if not positions:
            return "cards on no day"
        return None
