"""A timetable from another tool, put into a school.

The export says what the tool knows: the classes, the weekly lessons and (aSc)
the bells. The school keeps everything else: its name, zone, locale, weekend,
display settings, calendar, substitutions, exams, duties and announcements.
The rules, in the order they apply (docs/imports.md):

1. **Classes** are the export's, in its order. A substitution or exam of a class
   the export no longer has is removed, and reported.
2. **Bells.** With bells (from the export, or a `--bells` file) they become the
   lesson periods of one bell schedule: the one the school plans on most of its
   school days (`regular` for a new school). That schedule's breaks, prayers and
   other periods stay where they do not overlap a new lesson period (with another
   index when theirs is now a lesson's). Every day the export has lessons on is
   planned with it. Without bells, the school's own schedules must have the
   lesson periods the export uses.
3. **Lessons** replace the weekly timetable. Several lessons of one class in one
   period (its groups) become one lesson: subjects joined by " / ", teachers and
   rooms by ", ", groups by " / ".
4. The result must be a valid school document: the whole of it is checked as
   `import` checks a document, so nothing invalid reaches the database.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from publisher.build.source import (
    WEEKDAYS,
    BellScheduleRow,
    ExamRow,
    LessonRow,
    PeriodRow,
    SchoolData,
    SubstitutionRow,
)
from publisher.documents import limits
from publisher.documents.parsing import parse_school
from publisher.documents.writing import school_document
from publisher.errors import ValidationError, quote
from publisher.imports.timetable import Bell, Skipped, Timetable, WeeklyLesson

DEFAULT_SCHEDULE = "regular"

Dated = TypeVar("Dated", SubstitutionRow, ExamRow)


@dataclass(frozen=True)
class NewSchool:
    """What a new school needs that no export holds (the `import` options)."""

    name: str | None = None
    timezone: str | None = None
    locale: str | None = None
    weekend: tuple[str, ...] = ()


def merged_school(
    slug: str,
    existing: SchoolData | None,
    timetable: Timetable,
    new: NewSchool,
    bells: Sequence[Bell] = (),
) -> tuple[SchoolData, tuple[str, ...]]:
    """The school `slug` with `timetable` in it, and what was left out (summary lines).

    `bells` (a `--bells` file) stand in for an export without clock times.
    """
    source = timetable.source
    if not timetable.lessons:
        # The export replaces the school's timetable: an empty one (a header-only
        # sheet, an export of nothing) would wipe it, which nobody means.
        raise ValidationError(f"{source}: holds no lessons: nothing was imported")
    school = existing if existing is not None else _new_school(slug, new, source)
    skipped = Skipped()
    bells = timetable.bells or tuple(bells)
    lessons = _combined(timetable.lessons, source)
    if bells:
        school = _with_bells(school, bells, {lesson.weekday for lesson in lessons}, source)
    classes = timetable.classes
    school = dataclasses.replace(
        school,
        classes=classes,
        lessons=lessons,
        substitutions=_kept(school.substitutions, classes, "substitution", skipped),
        exams=_kept(school.exams, classes, "exam", skipped),
    )
    _check_lesson_periods(school, source)
    return _validated(school, source), timetable.skipped + skipped.lines()


def _new_school(slug: str, new: NewSchool, source: str) -> SchoolData:
    missing = [
        f"--{option}" for option in ("name", "timezone", "locale") if not getattr(new, option)
    ]
    if missing:
        raise ValidationError(
            f"{source}: there is no school {quote(slug)} yet: to create it, give"
            f" {', '.join(missing)}"
        )
    assert new.name and new.timezone and new.locale
    weekend = new.weekend or default_weekend(new.locale)
    return SchoolData(
        slug=slug, name=new.name, timezone=new.timezone, locale=new.locale, weekend=weekend
    )


def default_weekend(locale: str | None) -> tuple[str, ...]:
    """A new school's weekend when `--weekend` is not given: by its locale."""
    return ("friday", "saturday") if locale == "ar" else ("saturday", "sunday")


def _combined(lessons: Sequence[WeeklyLesson], source: str) -> tuple[LessonRow, ...]:
    """One lesson per class, day and period: a class's groups in one period combined."""
    slots: dict[tuple[str, int, str], list[WeeklyLesson]] = {}
    for lesson in lessons:
        slots.setdefault((lesson.weekday, lesson.period, lesson.school_class), []).append(lesson)
    combined = []
    for (weekday, period, school_class), parts in slots.items():
        where = f"{source}: class {quote(school_class)}, {weekday} period {period}"
        combined.append(
            LessonRow(
                weekday=weekday,
                period=period,
                school_class=school_class,
                subject=_joined(
                    [p.subject for p in parts], " / ", limits.NAME_LENGTH, where, "subjects"
                ),
                teacher=_joined(
                    [t for p in parts for t in p.teachers],
                    ", ",
                    limits.NAME_LENGTH,
                    where,
                    "teachers",
                ),
                room=_joined([r for p in parts for r in p.rooms], ", ", 100, where, "rooms"),
                group=_joined(
                    [p.group for p in parts], " / ", limits.SHORT_NAME_LENGTH, where, "groups"
                ),
            )
        )
    return tuple(combined)


def _joined(names: list[str], separator: str, most: int, where: str, what: str) -> str:
    text = separator.join(dict.fromkeys(name for name in names if name))
    if len(text) > most:
        raise ValidationError(
            f"{where}: its {what} together are {len(text)} characters, more than {most}"
        )
    return text


def _with_bells(
    school: SchoolData, bells: Sequence[Bell], days: set[str], source: str
) -> SchoolData:
    """`school` with `bells` as the lesson periods of its main schedule, planned on `days`."""
    name = _main_schedule(school)
    old = school.schedule(name)
    lessons = [PeriodRow(b.period, "lesson", b.label, b.start, b.end) for b in bells]
    taken = {p.index for p in lessons}
    kept: list[PeriodRow] = []
    for period in old.periods if old is not None else ():
        if period.kind == "lesson" or any(_overlap(period, p) for p in lessons):
            continue
        if period.index in taken:
            period = dataclasses.replace(period, index=max(taken | {p.index for p in kept}) + 1)
        kept.append(period)
        taken.add(period.index)
    periods = tuple(sorted(lessons + kept, key=lambda p: (p.start, p.index)))
    schedules = tuple(s for s in school.bell_schedules if s.name != name)
    # A new school plans the imported bells on every school day.
    week = dict(school.week) or {d: name for d in WEEKDAYS if d not in school.weekend}
    for day in days:
        if day in school.weekend:
            raise ValidationError(
                f"{source}: has lessons on {day}, a weekend day of school {quote(school.slug)}"
                " (is the first day of the week right? see --first-day)"
            )
        week[day] = name
    return dataclasses.replace(
        school,
        bell_schedules=(*schedules, BellScheduleRow(name, periods)),
        week=tuple(week.items()),
    )


def _main_schedule(school: SchoolData) -> str:
    """The schedule the school plans on most of its days (`regular` when none)."""
    counts = Counter(name for _day, name in school.week)
    return counts.most_common(1)[0][0] if counts else DEFAULT_SCHEDULE


def _overlap(a: PeriodRow, b: PeriodRow) -> bool:
    return a.start < b.end and b.start < a.end


def _kept(
    rows: tuple[Dated, ...], classes: Sequence[str], what: str, skipped: Skipped
) -> tuple[Dated, ...]:
    """The dated rows of classes the timetable still has; the others reported."""
    known = set(classes)
    for row in rows:
        if row.school_class not in known:
            skipped.add(
                f"{what}s of classes the timetable no longer has, removed",
                f"{row.school_class} on {row.date}",
            )
    return tuple(row for row in rows if row.school_class in known)


def _check_lesson_periods(school: SchoolData, source: str) -> None:
    """Each lesson on a planned day, in a lesson period of that day's schedule."""
    planned = dict(school.week)
    for lesson in school.lessons:
        where = (
            f"{source}: class {quote(lesson.school_class)}, {lesson.weekday} period {lesson.period}"
        )
        name = planned.get(lesson.weekday)
        if name is None:
            raise ValidationError(
                f"{where}: school {quote(school.slug)} plans no bell schedule on {lesson.weekday}"
                " (give the bells with --bells, or check --first-day)"
            )
        schedule = school.schedule(name)
        period = (
            next((p for p in schedule.periods if p.index == lesson.period), None)
            if schedule
            else None
        )
        if period is None or period.kind != "lesson":
            raise ValidationError(
                f"{where}: bell schedule {quote(name)} has no lesson period {lesson.period}"
                " (give the bells with --bells)"
            )


def _validated(school: SchoolData, source: str) -> SchoolData:
    """The school checked as a document would be; a failure names the import file."""
    try:
        return parse_school(school_document(school), source)
    except ValidationError as error:
        problem = str(error).removeprefix(f"{source}: ")
        raise ValidationError(f"{source}: the school would not be valid: {problem}") from None
