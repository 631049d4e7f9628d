"""Which weekday, week and term a card of an aSc Timetables export is in.

The day strings' positions become weekdays from the week's first day (given,
or told by the file's day names, or the school's); of a week rotation and of
the terms, one position is imported. See docs/imports-asc.md.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

from publisher.build.source import WEEKDAYS
from publisher.errors import quote
from publisher.imports.asc_file import Export, first_of, shown_id
from publisher.imports.timetable import ReadOptions, weekday_named

MAX_DAYS = len(WEEKDAYS)

# Days ----------------------------------------------------------------------


@dataclass(frozen=True)
class DayList:
    """How a card's days are read: the day strings' length, the weekday of each
    position, and (older variant) each `<day>` number's position."""

    length: int
    weekdays: tuple[str, ...]
    numbers: dict[str, int]
    position: dict[str, int]

    @classmethod
    def read(cls, export: Export, options: ReadOptions) -> DayList:
        named: list[tuple[int, str, str]] = []  # (position, weekday, where)
        numbers: dict[str, int] = {}
        lengths: set[int] = set()
        for item in export.items("daysdefs", "daysdef"):
            where = f"daysdef {shown_id(first_of(item, 'id'))}"
            for bits in export.required(item, "days", where).split(","):
                lengths.add(len(check_bits(export, bits.strip(), where, "days")))
            weekday = weekday_named(first_of(item, "name"))
            single = item.get("days", "").strip()
            if weekday and single.count("1") == 1 and "," not in single:
                named.append((single.index("1"), weekday, where))
        for index, item in enumerate(export.items("days", "day")):
            number = export.required(item, "day", f"<day> number {index + 1}")
            numbers[number] = index
            weekday = weekday_named(first_of(item, "name"))
            if weekday:
                named.append((index, weekday, f"day {shown_id(number)}"))
        if numbers:
            lengths.add(len(numbers))
        length = _day_length(export, lengths)
        first = options.first_day or _first_day(export, named)
        weekdays = replace(options, first_day=first).days()[:length]
        position = {day: index for index, day in enumerate(weekdays)}
        return cls(length, weekdays, numbers, position)

    def of_card(self, export: Export, card: ET.Element, where: str) -> list[int]:
        """The positions of the days a card is on."""
        bits = card.get("days")
        if bits is not None:
            bits = check_bits(export, bits.strip(), where, "days")
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


def check_bits(export: Export, bits: str, where: str, attribute: str) -> str:
    if not bits or set(bits) - {"0", "1"}:
        export.fail(f"{where}: {attribute}={quote(bits)} is not a string of 0s and 1s")
    if attribute == "days" and len(bits) > MAX_DAYS:
        export.fail(f"{where}: days={quote(bits)} has more than {MAX_DAYS} days")
    return bits


def _day_length(export: Export, lengths: set[int]) -> int:
    """The number of days a day string has: the daysdefs' (or `<days>`') count,
    else the first card's."""
    if len(lengths) > 1:
        export.fail(f"the day definitions disagree on the number of days ({sorted(lengths)})")
    if lengths:
        return lengths.pop()
    for number, card in enumerate(export.items("cards", "card"), 1):
        bits = card.get("days")
        if bits is not None:
            return len(check_bits(export, bits.strip(), f"card {number}", "days"))
    return MAX_DAYS


def _first_day(export: Export, named: list[tuple[int, str, str]]) -> str | None:
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
class Rotation:
    """A week rotation (`weeksdefs`) or the terms (`termsdefs`): which position
    the import takes, and each position's name for the messages."""

    kind: str  # "week" or "term"
    names: tuple[str, ...]
    chosen: int
    defs: dict[str, str]  # a definition's id: its bit string

    @classmethod
    def read(cls, export: Export, kind: str, option: str | None) -> Rotation:
        attribute = f"{kind}s"
        defs: dict[str, str] = {}
        names: dict[int, str] = {}
        for ident, item in export.by_id(f"{kind}sdefs", f"{kind}sdef").items():
            where = f"{kind}sdef {shown_id(ident)}"
            bits = check_bits(export, export.required(item, attribute, where), where, attribute)
            defs[ident] = bits
            if bits.count("1") == 1:
                names.setdefault(bits.index("1"), first_of(item, "short", "name"))
        lengths = {len(bits) for bits in defs.values()}
        if len(lengths) > 1:
            export.fail(f"the {kind}sdefs disagree on the number of {kind}s ({sorted(lengths)})")
        count = lengths.pop() if lengths else 1
        labels = tuple(names.get(index) or str(index + 1) for index in range(count))
        chosen = _chosen(export, kind, option, labels, defs)
        return cls(kind, labels, chosen, defs)

    def bits(self, export: Export, card: ET.Element, lesson_bits: str, where: str) -> str:
        """A card's weeks (terms): its own, else its lesson's; none is all."""
        attribute = f"{self.kind}s"
        bits = (card.get(attribute) or "").strip() or lesson_bits
        if not bits:
            return "1" * len(self.names)
        check_bits(export, bits, where, attribute)
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
                f"cards in week {', '.join(inside)} (no week rotation): {option} imports that week"
            )
        return f"cards in term {', '.join(inside)} (one term at a time): {option} imports that term"


def _chosen(
    export: Export, kind: str, option: str | None, names: tuple[str, ...], defs: dict[str, str]
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


def _rotation_word(text: str, kind: str) -> str:
    """ "Week A", "week a" and "A" alike: the name without the word for its kind."""
    return text.strip().casefold().removeprefix(kind).strip()
