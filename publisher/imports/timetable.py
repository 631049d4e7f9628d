"""What another tool's export says, before it meets a school.

Each reader (`asc`, `spreadsheet`, `untis`) turns one export into a `Timetable`
(the weekly lessons, and the bells when the export has clock times) or into
`Change`s (dated substitutions, cancellations and room changes). Nothing here
knows the database: `merge` puts a timetable into a school, `changes` applies
changes to schools.

Whatever a reader cannot map is counted in `Skipped` by reason and reported as
a summary, never dropped in silence. Whatever is wrong with the file is a
`ValidationError` of one line naming the file and the place in it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from publisher.build.source import WEEKDAYS, SubstitutionRow

SCHOOL_WEEK = ("sunday", "monday", "tuesday", "wednesday", "thursday")
"""The school days of a school whose weekend is Friday and Saturday."""


@dataclass(frozen=True)
class Bell:
    """A lesson period's number, name and clock times."""

    period: int
    label: str
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class WeeklyLesson:
    """On a weekday, in a period, a class (or a `group` of it) has a subject, taught by
    its teachers in its rooms (either may be empty)."""

    weekday: str
    period: int
    school_class: str
    subject: str
    teachers: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True)
class Timetable:
    """A school's week as an export gives it.

    `classes` keep the export's order (the order on screen); `bells` is empty when
    the export has no clock times (Untis): the school's own bells are kept then.
    `skipped` holds one summary line per reason something was not imported.
    """

    source: str
    classes: tuple[str, ...]
    bells: tuple[Bell, ...]
    lessons: tuple[WeeklyLesson, ...]
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One dated change from a changes file: `where` names its row for messages
    ("cover.csv, row 4"), `school` the school's slug when the file names one."""

    where: str
    school: str | None
    row: SubstitutionRow


@dataclass(frozen=True)
class ReadOptions:
    """What a reader needs to know beyond the file.

    - `encoding`: the file's text encoding, when neither declared nor UTF-8;
    - `first_day`: the weekday an export's day lists start on (`--first-day`);
      by default the first of `school_days`;
    - `school_days`: the school's days in week order, from its weekend: Sunday
      to Thursday for a Friday-Saturday weekend, Monday to Friday for Saturday-Sunday;
    - `week`, `term`: which week of a rotation, and which term, to import (by name
      or number); by default the first.
    """

    encoding: str | None = None
    first_day: str | None = None
    school_days: tuple[str, ...] = SCHOOL_WEEK
    week: str | None = None
    term: str | None = None

    def days(self) -> tuple[str, ...]:
        """The weekdays a day list's positions stand for, from the first day on."""
        first = WEEKDAYS.index(self.first_day or self.school_days[0])
        return tuple(WEEKDAYS[(first + i) % 7] for i in range(7))


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
"""Arabic weekday names without the article and with a bare alef (see `weekday_named`)."""


def weekday_named(text: str) -> str | None:
    """The weekday an English or Arabic day name stands for ("Sunday", "sun", "الأحد",
    "الاحد", "يوم الإثنين"), or None."""
    word = text.strip().casefold()
    for day in WEEKDAYS:
        if word in (day, day[:3]):
            return day
    word = re.sub("[أإآ]", "ا", word).removeprefix("يوم ").strip().removeprefix("ال")
    return _ARABIC_WEEKDAYS.get(word)


def school_days(weekend: tuple[str, ...]) -> tuple[str, ...]:
    """The days that are not `weekend`, from the day after the weekend on."""
    if not weekend or len(weekend) >= 7:
        return SCHOOL_WEEK
    last = max(WEEKDAYS.index(day) for day in weekend)
    # A weekend that wraps around Sunday (saturday, sunday) ends on Sunday.
    if {"saturday", "sunday"} <= set(weekend):
        last = WEEKDAYS.index("sunday")
    start = (last + 1) % 7
    ordered = [WEEKDAYS[(start + i) % 7] for i in range(7)]
    return tuple(day for day in ordered if day not in weekend)


@dataclass
class Skipped:
    """What an import could not map, counted by reason, with its first examples."""

    examples: dict[str, list[str]] = field(default_factory=dict)
    EXAMPLES = 3

    def add(self, reason: str, example: str) -> None:
        self.examples.setdefault(reason, []).append(example)

    def lines(self) -> tuple[str, ...]:
        """One line a reason: "2 cards in week B (card 12, card 40): ..."."""
        lines = []
        for reason, examples in self.examples.items():
            shown = ", ".join(examples[: self.EXAMPLES])
            more = ", …" if len(examples) > self.EXAMPLES else ""
            lines.append(f"{len(examples)} {reason} ({shown}{more})")
        return tuple(lines)
