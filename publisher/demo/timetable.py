"""Bell schedules and weekly timetables for demo schools, with no teacher in two places at once."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Iterator, Sequence

from publisher.build.source import BellScheduleRow, ExamRow, LessonRow, PeriodRow
from publisher.demo.words import (
    ARABIC_FAMILIES,
    ARABIC_MEN,
    ARABIC_WOMEN,
    ENGLISH_FAMILIES,
    ENGLISH_TITLES,
    Words,
)

MAX_TEACHING_LOAD = 24
"""Lessons a week a demo teacher teaches at most (a full load in Saudi schools)."""

PRAYER_MINUTES = 20


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def bells(
    name: str,
    words: Words,
    *,
    start: dt.time,
    lessons: int,
    lesson_minutes: int,
    assembly_minutes: int = 15,
    break_after: int = 3,
    break_minutes: int = 25,
    lunch_after: int | None = None,
    lunch_minutes: int = 50,
    prayer: dt.time | None = None,
) -> BellScheduleRow:
    """A day of bells: assembly, lessons, a break, maybe lunch, and the prayer once it is due.

    The prayer period comes after the first lesson that ends at or after `prayer`
    (when Dhuhr is prayed at school) and is not followed by a break, so it never
    splits a lesson.
    """
    periods: list[PeriodRow] = []
    clock = start.hour * 60 + start.minute

    def add(kind: str, label: str, minutes: int) -> None:
        nonlocal clock
        periods.append(
            PeriodRow(len(periods) + 1, kind, label, _time(clock), _time(clock + minutes))
        )
        clock += minutes

    if assembly_minutes:
        add("assembly", words.assembly, assembly_minutes)
    prayer_due = prayer.hour * 60 + prayer.minute if prayer else None
    for lesson in range(1, lessons + 1):
        add("lesson", words.lesson_labels[lesson - 1], lesson_minutes)
        if lesson == lessons:
            break
        if lesson == break_after:
            add("break", words.break_, break_minutes)
        elif lesson == lunch_after:
            add("break", words.lunch, lunch_minutes)
        elif prayer_due is not None and clock >= prayer_due:
            add("prayer", words.prayer, PRAYER_MINUTES)
            prayer_due = None
    return BellScheduleRow(name, tuple(periods))


def exam_bells(words: Words, start: dt.time) -> BellScheduleRow:
    """An exam day: two papers with a pause between them, and no lessons."""
    clock = start.hour * 60 + start.minute
    first, second = words.exam_labels
    return BellScheduleRow(
        words.exam_schedule,
        (
            PeriodRow(1, "exam", first, _time(clock), _time(clock + 90)),
            PeriodRow(2, "break", words.exam_break, _time(clock + 90), _time(clock + 120)),
            PeriodRow(3, "exam", second, _time(clock + 120), _time(clock + 210)),
        ),
    )


def teacher_names(rng: random.Random, words: Words, *, women: bool = False) -> Iterator[str]:
    """Distinct teacher names in the school's language, in a random order."""
    if words.locale == "ar":
        given = ARABIC_WOMEN if women else ARABIC_MEN
        names = [f"أ. {first} {family}" for first in given for family in ARABIC_FAMILIES]
    else:
        names = [f"{title} {family}" for title in ENGLISH_TITLES for family in ENGLISH_FAMILIES]
    rng.shuffle(names)
    return iter(names)


def weekly_hours(slots: int, subjects: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Share a class's lessons a week among subjects in proportion to their weights."""
    total = sum(weight for _, weight in subjects)
    exact = {name: slots * weight / total for name, weight in subjects}
    hours = {name: int(value) for name, value in exact.items()}
    # Largest remainders first; ties go to the subject listed first (the weightier one).
    for name in sorted(exact, key=lambda n: hours[n] - exact[n])[: slots - sum(hours.values())]:
        hours[name] += 1
    return hours


def weekly_lessons(
    rng: random.Random,
    classes: Sequence[str],
    slots: Sequence[tuple[str, int]],
    subjects: Sequence[tuple[str, int]],
    teachers: Iterator[str],
) -> tuple[LessonRow, ...]:
    """A week of lessons for every class in the (weekday, lesson period) `slots`.

    Each class keeps one teacher per subject; a teacher takes as many classes of
    a subject as fit in a full load. Slots are filled one at a time across all
    classes, each class picking the subject it has taught least today and has
    most left to teach, among those whose teacher is free. A slot where none is
    free stays a free period, so no teacher is ever booked twice.
    """
    hours = weekly_hours(len(slots), subjects)
    teacher_of: dict[str, dict[str, str]] = {c: {} for c in classes}
    for subject, count in hours.items():
        per_teacher = max(1, min(MAX_TEACHING_LOAD, len(slots) * 3 // 4) // max(count, 1))
        for start in range(0, len(classes), per_teacher):
            teacher = next(teachers)
            for school_class in classes[start : start + per_teacher]:
                teacher_of[school_class][subject] = teacher

    left = {c: {s: n for s, n in hours.items() if n} for c in classes}
    load = Counter(teacher_of[c][s] for c in classes for s, n in left[c].items() for _ in range(n))
    rank = {c: {s: rng.random() for s in hours} for c in classes}
    lessons: list[LessonRow] = []
    for weekday, day_slots in itertools.groupby(slots, key=lambda slot: slot[0]):
        today: dict[str, dict[str, int]] = {c: dict.fromkeys(hours, 0) for c in classes}
        for _, period in day_slots:
            busy: set[str] = set()
            order = list(classes)
            rng.shuffle(order)
            for school_class in order:
                # A plain loop rather than min(key=...): this runs for every class
                # and slot of thousands of benchmark schools.
                teachers_here, taught, ranks = (
                    teacher_of[school_class],
                    today[school_class],
                    rank[school_class],
                )
                best: tuple[int, int, int, float] | None = None
                subject = ""
                for candidate, count in left[school_class].items():
                    teacher = teachers_here[candidate]
                    if teacher in busy:
                        continue
                    key = (taught[candidate], -load[teacher], -count, ranks[candidate])
                    if best is None or key < best:
                        best, subject = key, candidate
                if best is None:
                    continue
                teacher = teachers_here[subject]
                busy.add(teacher)
                load[teacher] -= 1
                taught[subject] += 1
                left[school_class][subject] -= 1
                if not left[school_class][subject]:
                    del left[school_class][subject]
                lessons.append(LessonRow(weekday, period, school_class, subject, teacher))
    return tuple(lessons)


def home_rooms(classes: Sequence[str]) -> dict[str, str]:
    """Each class's own room, numbered by floor: 101, 102, ... 110, 201, ..."""
    return {name: f"{i // 10 + 1}{i % 10 + 1:02d}" for i, name in enumerate(classes)}


def with_rooms(
    lessons: Sequence[LessonRow], classes: Sequence[str], words: Words
) -> tuple[LessonRow, ...]:
    """The lessons with their rooms: a specialist subject in its teacher's room (a lab,
    a sports hall: "Lab 2"), any other in the class's own room.

    A teacher is never in two classes at once, so no room is either.
    """
    home = home_rooms(classes)
    kinds = dict(words.subject_rooms)
    numbers: dict[str, dict[str, int]] = {}
    for row in lessons:
        if row.subject in kinds:
            numbered = numbers.setdefault(row.subject, {})
            numbered.setdefault(row.teacher, len(numbered) + 1)
    return tuple(
        row._replace(room=f"{kinds[row.subject]} {numbers[row.subject][row.teacher]}")
        if row.subject in kinds
        else row._replace(room=home[row.school_class])
        for row in lessons
    )


def exam_rows(
    days: Sequence[dt.date],
    schedule: BellScheduleRow,
    classes: Sequence[str],
    subjects: Sequence[str],
    teachers: Sequence[str],
) -> tuple[ExamRow, ...]:
    """Each class's exam in each exam period of `days`, in its own room, with two
    invigilators (one when the staff is small), none watching two rooms at once."""
    home = home_rooms(classes)
    per_class = min(2, len(teachers) // max(len(classes), 1))
    periods = [p.index for p in schedule.periods if p.kind == "exam"]
    rows = []
    for paper, (day, period) in enumerate((d, p) for d in days for p in periods):
        subject = subjects[paper % len(subjects)]
        for n, name in enumerate(classes):
            first = (paper * 7 + n * per_class) % max(len(teachers), 1)
            watching = [teachers[(first + k) % len(teachers)] for k in range(per_class)]
            rows.append(ExamRow(day, period, name, subject, home[name], tuple(watching)))
    return tuple(rows)
