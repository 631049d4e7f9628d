"""The demo schools: four written by hand, then as many generated variations as asked for.

Each school is first a `SchoolOutline` (what it is: name, classes, bells), which
never depends on the date, then a `SchoolData` whose dated rows (exam days, a
holiday, substitutions, announcements) fall in the week starting `today`, so a
demo always has something to show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from publisher.build.source import (
    WEEKDAYS,
    AnnouncementRow,
    BellScheduleRow,
    CalendarRow,
    DisplaySettings,
    DutyRow,
    ExamRow,
    LessonRow,
    NightHours,
    SchoolData,
    SubstitutionRow,
)
from publisher.config import DEFAULT_DEMO_SCHOOLS
from publisher.demo.timetable import (
    bells,
    exam_bells,
    exam_rows,
    teacher_names,
    weekly_lessons,
    with_rooms,
)
from publisher.demo.words import (
    ARABIC,
    ARABIC_GRADES,
    ARABIC_SCHOOL_NAMES,
    ARABIC_SECTIONS,
    ARABIC_STAGES,
    ENGLISH,
    ENGLISH_KINDS,
    ENGLISH_PLACES,
    ENGLISH_SECTIONS,
    Words,
)

DEFAULT_SCHOOLS = DEFAULT_DEMO_SCHOOLS

WINDOW_DAYS = 7
"""Dated rows fall within today .. today+6, the days a publish run builds by default."""

RIYADH_WEEKEND = ("friday", "saturday")
LONDON_WEEKEND = ("saturday", "sunday")
DHUHR = dt.time(11, 40)  # early enough for any Riyadh school day to include the prayer


@dataclass(frozen=True)
class SchoolOutline:
    """What a demo school is, independently of the date it is generated on."""

    slug: str
    name: str
    timezone: str
    words: Words
    weekend: tuple[str, ...]
    classes: tuple[str, ...]
    schedules: tuple[BellScheduleRow, ...]  # the first is the regular one
    week: tuple[tuple[str, str], ...]
    women: bool = False  # a girls' school: women teachers
    exams: bool = False  # two exam days (a special bell schedule) this week
    holiday: bool = False  # a holiday this week
    display: DisplaySettings = DisplaySettings()


def school_week(weekend: Sequence[str], regular: str, **others: str) -> tuple[tuple[str, str], ...]:
    """Every weekday that is not a weekend day, with its bell schedule's name."""
    return tuple((day, others.get(day, regular)) for day in WEEKDAYS if day not in weekend)


def arabic_classes(sections: Sequence[int], *, spelled: bool) -> tuple[str, ...]:
    """Class names per grade: "الأول أ" when `spelled`, else "1/أ"."""
    return tuple(
        f"{ARABIC_GRADES[grade]} {letter}" if spelled else f"{grade + 1}/{letter}"
        for grade, count in enumerate(sections)
        for letter in ARABIC_SECTIONS[:count]
    )


def english_classes(sections: Sequence[int], first_year: int = 7) -> tuple[str, ...]:
    """Form names per year group: "7A", "7B", ..."""
    return tuple(
        f"{first_year + year}{letter}"
        for year, count in enumerate(sections)
        for letter in ENGLISH_SECTIONS[:count]
    )


def _riyadh(
    slug: str,
    name: str,
    classes: tuple[str, ...],
    *,
    start: dt.time = dt.time(6, 45),
    lessons: int = 7,
    thursday: BellScheduleRow | None = None,
    women: bool = False,
    exams: bool = False,
    holiday: bool = False,
    display: DisplaySettings | None = None,
) -> SchoolOutline:
    regular = bells(
        "الجدول المعتاد", ARABIC, start=start, lessons=lessons, lesson_minutes=45, prayer=DHUHR
    )
    others = {"thursday": thursday.name} if thursday else {}
    return SchoolOutline(
        slug=slug,
        name=name,
        timezone="Asia/Riyadh",
        words=ARABIC,
        weekend=RIYADH_WEEKEND,
        classes=classes,
        schedules=(regular, thursday) if thursday else (regular,),
        week=school_week(RIYADH_WEEKEND, regular.name, **others),
        women=women,
        exams=exams,
        holiday=holiday,
        display=display or DisplaySettings(),
    )


def _london(slug: str, name: str, classes: tuple[str, ...], lessons: int = 5) -> SchoolOutline:
    standard = bells(
        "Standard",
        ENGLISH,
        start=dt.time(8, 40),
        lessons=lessons,
        lesson_minutes=60 if lessons == 5 else 50,
        assembly_minutes=20,
        break_after=2,
        break_minutes=20,
        lunch_after=3 if lessons == 5 else 4,
    )
    return SchoolOutline(
        slug=slug,
        name=name,
        timezone="Europe/London",
        words=ENGLISH,
        weekend=LONDON_WEEKEND,
        classes=classes,
        schedules=(standard,),
        week=school_week(LONDON_WEEKEND, standard.name),
    )


NAMED_OUTLINES = (
    _riyadh(
        "al-noor-boys",
        "ثانوية النور للبنين",
        arabic_classes([7, 7, 7], spelled=False),
        lessons=8,
        exams=True,
        holiday=True,
        display=DisplaySettings(accent="#1a7f5a", night=NightHours(dt.time(19), dt.time(5, 30))),
    ),
    _riyadh(
        "al-yasmin-girls",
        "متوسطة الياسمين للبنات",
        arabic_classes([7, 7, 6], spelled=False),
        start=dt.time(7, 0),
        women=True,
        thursday=bells("جدول الخميس", ARABIC, start=dt.time(7, 0), lessons=6, lesson_minutes=40),
    ),
    _riyadh(
        "al-faisal-primary",
        "مدرسة الفيصل الابتدائية",
        arabic_classes([4, 4, 3, 3, 3, 3], spelled=True),
    ),
    _london("thameside-academy", "Thameside Academy", english_classes([4, 4, 4, 4, 4])),
)
"""The hand-written schools, first in every demo set."""


def generated_outline(index: int) -> SchoolOutline:
    """The `index`-th generated school (1, 2, ...): the same index always gives the same outline."""
    rng = random.Random(index)
    slug = f"demo-{index:03d}"
    exams = rng.random() < 0.2
    holiday = rng.random() < 0.15
    if rng.random() < 0.1:
        place, kind = rng.choice(ENGLISH_PLACES), rng.choice(ENGLISH_KINDS)
        sections = [rng.randint(2, 5) for _ in range(5)]
        outline = _london(slug, f"{place} {kind}", english_classes(sections), rng.choice((5, 6)))
        return dataclasses.replace(outline, exams=exams, holiday=holiday)
    stage, grades = rng.choice(ARABIC_STAGES)
    women = rng.random() < 0.5
    sections = [rng.randint(2, 4) if grades == 6 else rng.randint(3, 7) for _ in range(grades)]
    gender = "للبنات" if women else "للبنين"
    if rng.random() < 0.6:
        name = f"مدرسة {rng.choice(ARABIC_SCHOOL_NAMES)} {stage} {gender}"
    else:
        name = f"{stage} {index} {gender}"
    start = rng.choice((dt.time(6, 30), dt.time(6, 45), dt.time(7, 0)))
    lessons = rng.choice((7, 7, 8))
    thursday = None
    if rng.random() < 0.3:
        thursday = bells("جدول الخميس", ARABIC, start=start, lessons=lessons - 1, lesson_minutes=40)
    return _riyadh(
        slug,
        name,
        arabic_classes(sections, spelled=grades == 6),
        start=start,
        lessons=lessons,
        thursday=thursday,
        women=women,
        exams=exams,
        holiday=holiday,
    )


def school_outline(number: int) -> SchoolOutline:
    """The outline of the `number`-th demo school (1-based): hand-written first, then generated."""
    if number < 1:
        raise ValueError(f"demo school numbers start at 1, not {number}")
    if number <= len(NAMED_OUTLINES):
        return NAMED_OUTLINES[number - 1]
    return generated_outline(number - len(NAMED_OUTLINES))


def build_school(outline: SchoolOutline, today: dt.date) -> SchoolData:
    """The school of `outline`, with its dated rows in the week starting `today`."""
    rng = random.Random(outline.slug)
    words = outline.words
    schedules = {s.name: s for s in outline.schedules}
    slots = [
        (day, period.index)
        for day, name in outline.week
        for period in schedules[name].periods
        if period.kind == "lesson"
    ]
    teachers_left = teacher_names(rng, words, women=outline.women)
    lessons = with_rooms(
        weekly_lessons(rng, outline.classes, slots, words.subjects, teachers_left),
        outline.classes,
        words,
    )
    teachers = sorted({row.teacher for row in lessons})

    week = [today + dt.timedelta(days=n) for n in range(WINDOW_DAYS)]
    school_days = [day for day in week if WEEKDAYS[day.weekday()] not in outline.weekend]
    exam_days = school_days[1:3] if outline.exams else []
    holidays = school_days[-1:] if outline.holiday else []
    ordinary = [day for day in school_days if day not in exam_days and day not in holidays]

    bell_schedules = outline.schedules
    calendar = [
        CalendarRow("special", day, day, label, words.exam_schedule)
        for day, label in zip(exam_days, words.exam_days, strict=False)
    ]
    exams: tuple[ExamRow, ...] = ()
    if exam_days:
        first_lesson = min(p.start for p in outline.schedules[0].periods if p.kind == "lesson")
        bell_schedules += (exam_bells(words, first_lesson),)
        subjects = [name for name, _ in words.subjects]
        exams = exam_rows(exam_days, bell_schedules[-1], outline.classes, subjects, teachers)
    calendar += [CalendarRow("holiday", day, day, words.holiday) for day in holidays]

    duties = [
        DutyRow(teacher, place, weekday=day)
        for day, _ in outline.week
        for teacher, place in zip(rng.sample(teachers, 3), rng.sample(words.places, 3), strict=True)
    ]
    duties += [DutyRow(rng.choice(teachers), words.event[0], date=day) for day in exam_days]

    texts = rng.sample(words.announcements, 3)
    announcements = [
        AnnouncementRow(texts[0], today, week[-1]),
        AnnouncementRow(texts[1], today, week[2]),
        AnnouncementRow(texts[2], week[3], week[-1]),
    ]
    if exam_days:
        announcements.insert(0, AnnouncementRow(words.event[1], today, exam_days[-1]))

    data = SchoolData(
        slug=outline.slug,
        name=outline.name,
        timezone=outline.timezone,
        locale=words.locale,
        weekend=outline.weekend,
        bell_schedules=bell_schedules,
        week=outline.week,
        calendar=tuple(calendar),
        classes=outline.classes,
        lessons=lessons,
        substitutions=_room_change(
            lessons, _substitutions(rng, lessons, teachers, ordinary), ordinary, words
        ),
        duties=tuple(duties),
        announcements=tuple(announcements),
        exams=exams,
        display=outline.display,
    )
    return data.normalized()


def _substitutions(
    rng: random.Random,
    lessons: Sequence[LessonRow],
    teachers: Sequence[str],
    days: Sequence[dt.date],
) -> tuple[SubstitutionRow, ...]:
    """A substitute and a cancelled lesson on the first of `days`, a substitute on the next.

    Each concerns a lesson the class really has that day; a substitute is a
    teacher with no lesson of their own at that time.
    """
    busy = {(row.teacher, row.weekday, row.period) for row in lessons}
    rows: list[SubstitutionRow] = []
    for day, count in zip(days, (2, 1), strict=False):
        weekday = WEEKDAYS[day.weekday()]
        candidates = [row for row in lessons if row.weekday == weekday]
        for n, lesson in enumerate(rng.sample(candidates, min(count, len(candidates)))):
            free = [t for t in teachers if (t, weekday, lesson.period) not in busy]
            if n == 1 or not free:
                rows.append(SubstitutionRow(day, lesson.period, lesson.school_class, None, True))
            else:
                substitute = rng.choice(free)
                busy.add((substitute, weekday, lesson.period))
                rows.append(
                    SubstitutionRow(day, lesson.period, lesson.school_class, substitute, False)
                )
    return tuple(rows)


def _room_change(
    lessons: Sequence[LessonRow],
    substitutions: tuple[SubstitutionRow, ...],
    days: Sequence[dt.date],
    words: Words,
) -> tuple[SubstitutionRow, ...]:
    """The substitutions, and one lesson moved to the spare room on the last of `days`
    (the first lesson of the day that has no other change): a room change to show."""
    if not days:
        return substitutions
    day = days[-1]
    changed = {(s.date, s.period, s.school_class) for s in substitutions}
    weekday = WEEKDAYS[day.weekday()]
    movable = [
        row
        for row in lessons
        if row.weekday == weekday and (day, row.period, row.school_class) not in changed
    ]
    if not movable:
        return substitutions
    moved = min(movable, key=lambda row: (row.period, row.school_class))
    spare = SubstitutionRow(day, moved.period, moved.school_class, None, False, words.spare_room)
    return (*substitutions, spare)


def demo_school(number: int, today: dt.date) -> SchoolData:
    """The `number`-th demo school (1-based) as of `today`; the same arguments give equal values."""
    return build_school(school_outline(number), today)


def demo_schools(today: dt.date, count: int = DEFAULT_SCHOOLS) -> list[SchoolData]:
    """The first `count` demo schools as of `today`: the hand-written ones, then variations."""
    return [demo_school(number, today) for number in range(1, count + 1)]
