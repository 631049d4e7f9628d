"""The input of the build: one school's schedule data as plain, immutable values.

The database loader (`publisher.db.load`) and the document reader
(`publisher.documents`) both produce a `SchoolData`; the build turns it into day
snapshots without touching a database, the clock or the network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from publisher.config import WEEKDAYS

PERIOD_KINDS = ("lesson", "break", "prayer", "assembly", "activity", "exam")
"""The kinds of period a bell schedule may hold; `lesson` periods carry the weekly
lessons, `exam` periods the dated exams."""


@dataclass(frozen=True)
class PeriodRow:
    index: int
    kind: str
    label: str
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class BellScheduleRow:
    name: str
    periods: tuple[PeriodRow, ...]


@dataclass(frozen=True)
class CalendarRow:
    """A holiday, or a special day that uses another bell schedule, from `first` to `last`."""

    kind: str  # "holiday" or "special"
    first: dt.date
    last: dt.date
    label: str
    schedule: str | None = None  # the bell schedule's name, for special days


class LessonRow(NamedTuple):
    """A lesson in the weekly timetable.

    A tuple rather than a frozen dataclass: a publish run makes about a million
    of these, and a tuple is several times cheaper to create.
    """

    weekday: str  # "sunday", ...
    period: int
    school_class: str
    subject: str
    teacher: str  # several teachers are one text, "A, B"
    room: str = ""  # "": no room known
    group: str = ""  # the part of the class taught (a group or division); "": the whole class


@dataclass(frozen=True)
class SubstitutionRow:
    """On `date`, the class's lesson in `period` is cancelled, or taught by another
    `teacher`, or in another `room`, or both (None: as in the weekly timetable)."""

    date: dt.date
    period: int
    school_class: str
    teacher: str | None
    cancelled: bool
    room: str | None = None


@dataclass(frozen=True)
class ExamRow:
    """On `date`, in exam period `period`, a class sits a paper in a room, watched by
    its invigilators (in the order given: the first is the lead)."""

    date: dt.date
    period: int
    school_class: str
    subject: str
    room: str = ""
    invigilators: tuple[str, ...] = ()


@dataclass(frozen=True)
class DutyRow:
    teacher: str
    place: str
    weekday: str | None = None  # every such weekday ...
    date: dt.date | None = None  # ... or one date


@dataclass(frozen=True)
class AnnouncementRow:
    text: str
    first: dt.date
    last: dt.date


LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
"""The image types a logo may be, by the extension its published name gets."""


@dataclass(frozen=True)
class Logo:
    """A school's logo: the image's bytes and its type (a key of `LOGO_TYPES`)."""

    content: bytes
    extension: str

    @property
    def media_type(self) -> str:
        return LOGO_TYPES[self.extension]


@dataclass(frozen=True)
class NightHours:
    """Local times between which the screen dims; `end` before `start` crosses midnight."""

    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class DisplaySettings:
    """How a school's screen looks. None is "not set": the manifest resolves the
    default then (by locale, or the page's own), so a default follows the locale."""

    hijri: bool | None = None
    digits: str | None = None  # "arab" or "latn"
    accent: str | None = None  # "#rrggbb"
    logo: Logo | None = None
    night: NightHours | None = None


@dataclass(frozen=True)
class ClassGroupRow:
    """A named set of a school's classes (a floor, a wing), so that one screen can be
    asked for all of them by one name (`?classes=first-floor`)."""

    name: str
    classes: tuple[str, ...]


@dataclass(frozen=True)
class SchoolData:
    """Everything about one school that a day snapshot or a manifest is built from."""

    slug: str
    name: str
    timezone: str
    locale: str
    weekend: tuple[str, ...]
    id: int | None = None
    key: str = ""
    active: bool = True
    revision: int = 1
    revised_at: dt.datetime | None = None
    bell_schedules: tuple[BellScheduleRow, ...] = ()
    week: tuple[tuple[str, str], ...] = ()  # (weekday, bell schedule name), Monday first
    calendar: tuple[CalendarRow, ...] = ()
    classes: tuple[str, ...] = ()
    lessons: tuple[LessonRow, ...] = ()
    substitutions: tuple[SubstitutionRow, ...] = ()
    duties: tuple[DutyRow, ...] = ()
    announcements: tuple[AnnouncementRow, ...] = field(default=())
    exams: tuple[ExamRow, ...] = ()
    display: DisplaySettings = DisplaySettings()
    class_groups: tuple[ClassGroupRow, ...] = ()

    def normalized(self) -> SchoolData:
        """The same school with every list in one canonical order.

        Documents and the database may list rows in any order; comparing or
        building from normalized values makes the order irrelevant. Classes,
        duties and announcements keep their order: it is the order on screen.
        Class groups are sorted by name, their classes in the school's class order.
        """
        day = WEEKDAYS.index
        position = {name: i for i, name in enumerate(self.classes)}
        return dataclasses.replace(
            self,
            weekend=tuple(sorted(self.weekend, key=day)),
            bell_schedules=tuple(
                BellScheduleRow(s.name, tuple(sorted(s.periods, key=lambda p: p.index)))
                for s in sorted(self.bell_schedules, key=lambda s: s.name)
            ),
            week=tuple(sorted(self.week, key=lambda entry: day(entry[0]))),
            calendar=tuple(sorted(self.calendar, key=lambda c: (c.first, c.last, c.kind, c.label))),
            lessons=tuple(
                sorted(
                    self.lessons,
                    key=lambda x: (day(x.weekday), x.period, position.get(x.school_class, -1)),
                )
            ),
            substitutions=tuple(
                sorted(
                    self.substitutions,
                    key=lambda x: (x.date, x.period, position.get(x.school_class, -1)),
                )
            ),
            exams=tuple(
                sorted(
                    self.exams,
                    key=lambda x: (x.date, x.period, position.get(x.school_class, -1)),
                )
            ),
            class_groups=tuple(
                ClassGroupRow(g.name, tuple(sorted(g.classes, key=lambda c: position.get(c, -1))))
                for g in sorted(self.class_groups, key=lambda g: g.name)
            ),
        )

    @cached_property
    def lessons_by_slot(self) -> dict[tuple[str, int], list[LessonRow]]:
        """Lessons grouped by (weekday, period index), in class order."""
        position = {name: i for i, name in enumerate(self.classes)}
        slots: dict[tuple[str, int], list[LessonRow]] = {}
        for row in sorted(self.lessons, key=lambda r: position.get(r.school_class, len(position))):
            slots.setdefault((row.weekday, row.period), []).append(row)
        return slots

    @cached_property
    def exams_by_slot(self) -> dict[tuple[dt.date, int], list[ExamRow]]:
        """Exams grouped by (date, period index), in class order."""
        position = {name: i for i, name in enumerate(self.classes)}
        slots: dict[tuple[dt.date, int], list[ExamRow]] = {}
        for row in sorted(self.exams, key=lambda r: position.get(r.school_class, len(position))):
            slots.setdefault((row.date, row.period), []).append(row)
        return slots

    def schedule(self, name: str) -> BellScheduleRow | None:
        return next((s for s in self.bell_schedules if s.name == name), None)

    def planned_schedule(self, weekday: str) -> str | None:
        return dict(self.week).get(weekday)
