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
from dataclasses import dataclass, replace
from xml.parsers.expat import errors as expat_errors

from publisher.build.source import WEEKDAYS
from publisher.errors import ValidationError, quote
from publisher.imports.encoding import decode
from publisher.imports.timetable import Bell, ReadOptions, Skipped, Timetable, WeeklyLesson

MAX_DAYS = len(WEEKDAYS)

_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DOCTYPE = re.compile(r"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE", re.S | re.I)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")
_CUT_SHORT = frozenset(
    getattr(expat_errors, name)
    for name in ("XML_ERROR_NO_ELEMENTS", "XML_ERROR_UNCLOSED_TOKEN", "XML_ERROR_PARTIAL_CHAR")
)
_PLAIN_ID = re.compile(r"[\w*.#-]+")


def read_asc(content: bytes, source: str, options: ReadOptions) -> Timetable:
    """The weekly timetable an aSc export holds, for the week and term `options` choose."""
    export = _Export(_parse(content, source, options.encoding), source)
    weeks = _Rotation.read(export, "week", options.week)
    terms = _Rotation.read(export, "term", options.term)
    classes = _classes(export)
    names = _Names.read(export)
    reading = _Reading(
        export=export,
        bells=_bells(export),
        days=_DayList.read(export, options),
        weeks=weeks,
        terms=terms,
        rooms=names.rooms,
        lessons=_lessons(export, classes, names, weeks, terms),
        school_days=frozenset(options.school_days),
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


# The file ------------------------------------------------------------------


def _parse(content: bytes, source: str, encoding: str | None) -> ET.Element:
    """The root element, the text decoded as given (`--encoding`) or declared.

    A document type declaration is refused: an export never has one, and it is
    the door to entity expansion (a small file that grows to gigabytes).
    """
    declared = _DECLARED_ENCODING.match(content[:200])
    text = decode(content, source, encoding or (declared and declared[1].decode("ascii")))
    if _DOCTYPE.match(text):
        raise ValidationError(
            f"{source}: has a <!DOCTYPE> declaration, which aSc exports never have: refused"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        line, column = error.position
        reason = expat_errors.messages.get(error.code, "not well-formed")
        if reason in _CUT_SHORT:
            reason += ": the file seems cut short"
        raise ValidationError(
            f"{source}: not well-formed XML at line {line}, column {column + 1} ({reason})"
        ) from None
    if root.tag != "timetable":
        raise ValidationError(
            f"{source}: the root element is <{root.tag}>, not <timetable>:"
            " not an aSc Timetables XML export"
        )
    return root


class _Export:
    """The export's collections, and one-line errors about their elements."""

    REQUIRED = ("periods", "subjects", "classes", "lessons", "cards")

    def __init__(self, root: ET.Element, source: str) -> None:
        self.root = root
        self.source = source
        for collection in self.REQUIRED:
            if root.find(collection) is None:
                self.fail(f"has no <{collection}> collection: not a complete timetable export")

    def has(self, collection: str) -> bool:
        return self.root.find(collection) is not None

    def items(self, collection: str, element: str) -> list[ET.Element]:
        found = self.root.find(collection)
        return [] if found is None else found.findall(element)

    def by_id(self, collection: str, element: str) -> dict[str, ET.Element]:
        """A collection's elements by id; an element without an id is an error."""
        found: dict[str, ET.Element] = {}
        for number, item in enumerate(self.items(collection, element), 1):
            found[self.required(item, "id", f"{element} number {number}")] = item
        return found

    def required(self, item: ET.Element, attribute: str, where: str) -> str:
        value = (item.get(attribute) or "").strip()
        if not value:
            self.fail(f"{where} has no {attribute}= attribute")
        return value

    def fail(self, message: str) -> None:
        raise ValidationError(f"{self.source}: {message}")


def _ident(value: str) -> str:
    """An id as messages show it: plain when it is a plain word, quoted otherwise."""
    return value if _PLAIN_ID.fullmatch(value) else quote(value)


def _ids(value: str | None) -> list[str]:
    """aSc's id lists: comma-separated, possibly empty."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _name(item: ET.Element, *attributes: str) -> str:
    """The first of `attributes` the element gives, stripped; "" when none."""
    for attribute in attributes:
        value = (item.get(attribute) or "").strip()
        if value:
            return value
    return ""


# Bells ---------------------------------------------------------------------


def _bells(export: _Export) -> dict[int, Bell | None]:
    """Each period number's bell; None for a period without clock times."""
    bells: dict[int, Bell | None] = {}
    for item in export.items("periods", "period"):
        raw = export.required(item, "period", "a <period> element")
        if not raw.isdigit():
            export.fail(f"period {_ident(raw)}: period= is not a number")
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


def _time(export: _Export, item: ET.Element, where: str, key: str) -> dt.time | None:
    value = (item.get(key) or "").strip()
    if not value:
        return None
    match = _TIME.fullmatch(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        export.fail(f"{where}: {key}={quote(value)} is not a time like 8:00")
    assert match is not None
    return dt.time(int(match[1]), int(match[2]))


def _bell_label(item: ET.Element, number: int) -> str:
    """The period's name, unless it is only its number ("1"): then "Period 1"."""
    label = _name(item, "name", "short")
    return label if label and not label.isdigit() else f"Period {number}"


# Days ----------------------------------------------------------------------

_ARABIC_WEEKDAYS = {
    "احد": "sunday",
    "اثنين": "monday",
    "ثلاثاء": "tuesday",
    "اربعاء": "wednesday",
    "خميس": "thursday",
    "جمعه": "friday",
    "جمعة": "friday",
    "سبت": "saturday",
}


def _weekday_named(text: str) -> str | None:
    """The weekday an English or Arabic day name ("Sunday", "Sun", "الأحد") stands for."""
    word = text.strip().casefold()
    for day in WEEKDAYS:
        if word in (day, day[:3]):
            return day
    word = re.sub("[أإآ]", "ا", word).removeprefix("يوم ").strip().removeprefix("ال")
    return _ARABIC_WEEKDAYS.get(word)


@dataclass(frozen=True)
class _DayList:
    """How a card's days are read: the day strings' length, the weekday of each
    position, and (older variant) each `<day>` number's position."""

    length: int
    weekdays: tuple[str, ...]
    numbers: dict[str, int]
    position: dict[str, int]

    @classmethod
    def read(cls, export: _Export, options: ReadOptions) -> _DayList:
        named: list[tuple[int, str, str]] = []  # (position, weekday, where)
        numbers: dict[str, int] = {}
        lengths: set[int] = set()
        for item in export.items("daysdefs", "daysdef"):
            where = f"daysdef {_ident(_name(item, 'id'))}"
            for bits in export.required(item, "days", where).split(","):
                lengths.add(len(_check_bits(export, bits.strip(), where, "days")))
            weekday = _weekday_named(_name(item, "name"))
            single = item.get("days", "").strip()
            if weekday and single.count("1") == 1 and "," not in single:
                named.append((single.index("1"), weekday, where))
        for index, item in enumerate(export.items("days", "day")):
            number = export.required(item, "day", "a <day> element")
            numbers[number] = index
            weekday = _weekday_named(_name(item, "name"))
            if weekday:
                named.append((index, weekday, f"day {_ident(number)}"))
        if numbers:
            lengths.add(len(numbers))
        length = _day_length(export, lengths)
        first = options.first_day or _first_day(export, named)
        weekdays = replace(options, first_day=first).days()[:length]
        position = {day: index for index, day in enumerate(weekdays)}
        return cls(length, weekdays, numbers, position)

    def of_card(self, export: _Export, card: ET.Element, where: str) -> list[int]:
        """The positions of the days a card is on."""
        bits = card.get("days")
        if bits is not None:
            bits = _check_bits(export, bits.strip(), where, "days")
            if len(bits) != self.length:
                export.fail(
                    f"{where}: days={quote(bits)} has {len(bits)} days where the file's"
                    f" day strings have {self.length}"
                )
            return [index for index, bit in enumerate(bits) if bit == "1"]
        number = export.required(card, "day", where).strip()
        if number not in self.numbers:
            export.fail(f"{where}: day={quote(number)} is not one of the file's <days>")
        return [self.numbers[number]]


def _check_bits(export: _Export, bits: str, where: str, attribute: str) -> str:
    if not bits or set(bits) - {"0", "1"}:
        export.fail(f"{where}: {attribute}={quote(bits)} is not a string of 0s and 1s")
    if attribute == "days" and len(bits) > MAX_DAYS:
        export.fail(f"{where}: days={quote(bits)} has more than {MAX_DAYS} days")
    return bits


def _day_length(export: _Export, lengths: set[int]) -> int:
    """The number of days a day string has: the daysdefs' (or `<days>`') count,
    else the first card's."""
    if len(lengths) > 1:
        export.fail(f"the day definitions disagree on the number of days ({sorted(lengths)})")
    if lengths:
        return lengths.pop()
    for number, card in enumerate(export.items("cards", "card"), 1):
        bits = card.get("days")
        if bits is not None:
            return len(_check_bits(export, bits.strip(), f"card {number}", "days"))
    return MAX_DAYS


def _first_day(export: _Export, named: list[tuple[int, str, str]]) -> str | None:
    """The week's first day as the file's day names tell it; None when they say nothing."""
    firsts: dict[str, str] = {}  # a first day: the first definition that implies it
    for position, day, where in named:
        firsts.setdefault(WEEKDAYS[(WEEKDAYS.index(day) - position) % 7], where)
    if len(firsts) > 1:
        (one, first_where), (other, other_where) = list(firsts.items())[:2]
        export.fail(
            f"{first_where} puts the week's start on {one}, {other_where} on {other}:"
            " give the first day with --first-day"
        )
    return next(iter(firsts), None)


# Weeks and terms -------------------------------------------------------------


@dataclass(frozen=True)
class _Rotation:
    """A week rotation (`weeksdefs`) or the terms (`termsdefs`): which position
    the import takes, and each position's name for the messages."""

    kind: str  # "week" or "term"
    names: tuple[str, ...]
    chosen: int
    defs: dict[str, str]  # a definition's id: its bit string

    @classmethod
    def read(cls, export: _Export, kind: str, option: str | None) -> _Rotation:
        attribute = f"{kind}s"
        defs: dict[str, str] = {}
        names: dict[int, str] = {}
        for ident, item in export.by_id(f"{kind}sdefs", f"{kind}sdef").items():
            where = f"{kind}sdef {_ident(ident)}"
            bits = _check_bits(export, export.required(item, attribute, where), where, attribute)
            defs[ident] = bits
            if bits.count("1") == 1:
                names.setdefault(bits.index("1"), _name(item, "short", "name"))
        lengths = {len(bits) for bits in defs.values()}
        if len(lengths) > 1:
            export.fail(f"the {kind}sdefs disagree on the number of {kind}s ({sorted(lengths)})")
        count = lengths.pop() if lengths else 1
        labels = tuple(names.get(index) or str(index + 1) for index in range(count))
        chosen = _chosen(export, kind, option, labels, defs)
        return cls(kind, labels, chosen, defs)

    def bits(self, export: _Export, card: ET.Element, lesson: _Lesson, where: str) -> str:
        attribute = f"{self.kind}s"
        bits = (card.get(attribute) or "").strip() or lesson.rotation[self.kind]
        if not bits:
            return "1" * len(self.names)
        _check_bits(export, bits, where, attribute)
        if self.defs and len(bits) != len(self.names):
            export.fail(
                f"{where}: {attribute}={quote(bits)} has {len(bits)} {attribute} where"
                f" the {attribute}defs have {len(self.names)}"
            )
        return bits

    def skip_reason(self, bits: str) -> str | None:
        """Why a card with these bits is not imported; None when it is."""
        if self.chosen < len(bits) and bits[self.chosen] == "1":
            return None
        inside = [
            self.names[i] if i < len(self.names) else str(i + 1)
            for i, bit in enumerate(bits)
            if bit == "1"
        ]
        if not inside:
            return f"cards in no {self.kind}"
        option = f"--{self.kind} {inside[0]}"
        if self.kind == "week":
            return (
                f"cards in week {', '.join(inside)} (no week rotation):"
                f" {option} imports that week"
            )
        return (
            f"cards in term {', '.join(inside)} (one term at a time):"
            f" {option} imports that term"
        )


def _chosen(
    export: _Export, kind: str, option: str | None, names: tuple[str, ...], defs: dict[str, str]
) -> int:
    """The position `--week`/`--term` names: a 1-based number, or a name ("A", "Week A")."""
    if option is None:
        return 0
    wanted = _rotation_word(option, kind)
    if wanted.isdigit() and (1 <= int(wanted) <= len(names) or not defs):
        return int(wanted) - 1
    for index, name in enumerate(names):
        if _rotation_word(name, kind) == wanted:
            return index
    export.fail(f"--{kind} {quote(option)} is not one of the file's {kind}s ({', '.join(names)})")
    raise AssertionError("unreachable")


def _rotation_word(text: str, kind: str) -> str:
    """ "Week A", "week a" and "A" alike: the name without the word for its kind."""
    return text.strip().casefold().removeprefix(kind).strip()


# Classes and lessons ----------------------------------------------------------


def _classes(export: _Export) -> dict[str, str]:
    """Each class id's name, in the export's order; two classes of one name are an error."""
    classes: dict[str, str] = {}
    seen: dict[str, str] = {}
    for ident, item in export.by_id("classes", "class").items():
        name = _name(item, "name", "short")
        if not name:
            export.fail(f"class {_ident(ident)} has no name= attribute")
        if name in seen:
            export.fail(
                f"classes {_ident(seen[name])} and {_ident(ident)} are both named {quote(name)}"
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
    def read(cls, export: _Export) -> _Names:
        def named(collection: str, element: str, *attributes: str) -> dict[str, str]:
            found = export.by_id(collection, element)
            return {ident: _name(item, *attributes) or ident for ident, item in found.items()}

        teachers = {
            ident: _name(item, "name") or _full_name(item) or _name(item, "short") or ident
            for ident, item in export.by_id("teachers", "teacher").items()
        }
        groups = {
            ident: (_name(item, "classid"), _group_label(item))
            for ident, item in export.by_id("groups", "group").items()
        }
        return cls(
            named("subjects", "subject", "name", "short"),
            teachers,
            named("classrooms", "classroom", "name", "short"),
            groups,
        )


def _full_name(item: ET.Element) -> str:
    return " ".join(part for part in (_name(item, "firstname"), _name(item, "lastname")) if part)


def _group_label(item: ET.Element) -> str:
    """A group's name, or "" for the group that is the entire class."""
    name = _name(item, "name", "short")
    if item.get("entireclass", "").strip() == "1" or name.casefold() in (
        "entire class",
        "whole class",
    ):
        return ""
    return name


def _lessons(
    export: _Export, classes: dict[str, str], names: _Names, weeks: _Rotation, terms: _Rotation
) -> dict[str, _Lesson]:
    return {
        ident: _lesson(export, f"lesson {_ident(ident)}", item, classes, names, weeks, terms)
        for ident, item in export.by_id("lessons", "lesson").items()
    }


def _lesson(
    export: _Export,
    where: str,
    item: ET.Element,
    classes: dict[str, str],
    names: _Names,
    weeks: _Rotation,
    terms: _Rotation,
) -> _Lesson:
    def look_up(ids: list[str], table: dict[str, str], what: str) -> tuple[str, ...]:
        for ident in ids:
            if ident not in table:
                export.fail(f"{where}: {what} {_ident(ident)} is not in the file")
        return tuple(table[ident] for ident in ids)

    class_ids = _ids(item.get("classids"))
    subject = look_up([export.required(item, "subjectid", where)], names.subjects, "subject")
    group_ids = _ids(item.get("groupids"))
    look_up(group_ids, {ident: "" for ident in names.groups}, "group")
    groups = {
        classes[class_id]: ", ".join(
            label
            for group_id in group_ids
            for owner, label in [names.groups[group_id]]
            if label and owner in ("", class_id)
        )
        for class_id in class_ids
        if class_id in classes
    }
    rotation = {
        rotation.kind: _lesson_bits(export, where, item, rotation) for rotation in (weeks, terms)
    }
    return _Lesson(
        classes=look_up(class_ids, classes, "class"),
        subject=subject[0],
        teachers=look_up(_ids(item.get("teacherids")), names.teachers, "teacher"),
        rooms=look_up(_ids(item.get("classroomids")), names.rooms, "classroom"),
        groups=groups,
        rotation=rotation,
    )


def _lesson_bits(export: _Export, where: str, item: ET.Element, rotation: _Rotation) -> str:
    """A lesson's own week (or term) bits: its `weeks=`, else its `weeksdefid`'s."""
    kind = rotation.kind
    bits = (item.get(f"{kind}s") or "").strip()
    if bits:
        return bits
    definition = (item.get(f"{kind}sdefid") or "").strip()
    if definition and definition not in rotation.defs:
        export.fail(f"{where}: {kind}sdef {_ident(definition)} is not in the file")
    return rotation.defs.get(definition, "")


# Cards -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """Everything a card is read against."""

    export: _Export
    bells: dict[int, Bell | None]
    days: _DayList
    weeks: _Rotation
    terms: _Rotation
    rooms: dict[str, str]
    lessons: dict[str, _Lesson]
    school_days: frozenset[str]

    def card_lessons(self, number: int, card: ET.Element, skipped: Skipped) -> list[WeeklyLesson]:
        """The weekly lessons a card stands for: one per class of its lesson and day it
        is on. The card is checked whole before anything about it is skipped, so a
        mistake in a card of another week is still an error."""
        export = self.export
        lesson_id = export.required(card, "lessonid", f"card {number}")
        where = f"card {number} (lesson {_ident(lesson_id)})"
        lesson = self.lessons.get(lesson_id)
        if lesson is None:
            skipped.add("cards of a lesson that is not in the file", where)
            return []
        period = self._period(card, where)
        positions = self.days.of_card(export, card, where)
        rooms = self._rooms(card, where) or lesson.rooms
        weeks = self.weeks.bits(export, card, lesson, where)
        terms = self.terms.bits(export, card, lesson, where)
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
        ids = _ids(card.get("classroomids"))
        for ident in ids:
            if ident not in self.rooms:
                self.export.fail(f"{where}: classroom {_ident(ident)} is not in the file")
        return tuple(self.rooms[ident] for ident in ids)

    def _skip_reason(self, lesson: _Lesson, period: int, positions: list[int]) -> str | None:
        if self.bells[period] is None:
            return f"cards in period {period}, which has no clock times"
        if not lesson.classes:
            return "cards of a lesson with no class"
        if not positions:
            return "cards on no day"
        off = [
            self.days.weekdays[p]
            for p in positions
            if self.days.weekdays[p] not in self.school_days
        ]
        if off:
            return (
                f"cards on {', '.join(off)}, not a school day:"
                " check --first-day and the school's weekend"
            )
        return None
