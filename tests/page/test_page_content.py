"""What people come to the screen for: rooms, the day's changes, exams, and the next
school day when there is no school (site/README.md, "What the screen says").

Every test reads what the screen says, in Chromium on Playwright's fake clock. The
test school is `tests/schools.py`'s Riyadh school (UTC+3) with rooms and changes:

- Sunday 22 November 2026: First 07:00-07:45, Second 07:50-08:35, Break, Third
  08:55-09:40, Prayer 11:50-12:10. 1A's rooms are 101, 1B's Lab 2. 1A's First is
  taught by Substitute Sara (for T-Maths-A), 1B's Second (علوم) is cancelled, 1A's
  Third moves to the Library.
- Monday 23: Mr Monday teaches 1B's First (for T-Maths-B) in the Hall; 1A's Second
  (علوم) is cancelled.
- Tuesday 24 is a holiday; Wednesday 25 an exam day: Exam 1 08:00-09:30, a break,
  Exam 2 10:00-11:30, each class's paper in its own hall with its invigilators.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    Site,
    chromium_fixture,
    context_fixture,
    fetch_log,
    not_alert_polls,
    open_screen,
    past_first_build_check,
    school_with,
    shared_context_fixture,
    site_fixture,
)
from playwright.sync_api import BrowserContext, Page
from schools import REGULAR, SCHOOL_DAYS, riyadh_school, t

from publisher.build import build_day
from publisher.build.source import BellScheduleRow, ExamRow, LessonRow, PeriodRow, SubstitutionRow
from testsupport.screens import WEEK_START, demo

SUNDAY = dt.date(2026, 11, 22)
MONDAY = dt.date(2026, 11, 23)
WEDNESDAY = dt.date(2026, 11, 25)
KEY = "Zx4-content-school-key-9Rt"
RIYADH = dt.timezone(dt.timedelta(hours=3))
ROOMS = {"1A": "101", "1B": "Lab 2"}

EXAM_BELLS = BellScheduleRow(
    "exams",
    (
        PeriodRow(1, "exam", "Exam 1", t("08:00"), t("09:30")),
        PeriodRow(2, "break", "Break", t("09:30"), t("10:00")),
        PeriodRow(3, "exam", "Exam 2", t("10:00"), t("11:30")),
    ),
)


def riyadh(hhmmss: str, day: dt.date = SUNDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmmss), RIYADH).astimezone(dt.UTC)


def school(locale: str = "en") -> Any:
    """The Riyadh test school with rooms, the changes above and an exam day."""
    base = riyadh_school()
    subjects = ((1, "Maths"), (2, "علوم"), (4, "Arabic"))
    lessons = tuple(
        LessonRow(day, period, cls, subject, f"T-{subject}-{cls[1]}", ROOMS[cls])
        for day in SCHOOL_DAYS
        for period, subject in subjects
        for cls in ("1A", "1B")
    )
    substitutions = (
        SubstitutionRow(SUNDAY, 1, "1A", "Substitute Sara", False),
        SubstitutionRow(SUNDAY, 2, "1B", None, True),
        SubstitutionRow(SUNDAY, 4, "1A", None, False, "Library"),
        SubstitutionRow(MONDAY, 1, "1B", "Mr Monday", False, "Hall"),
        SubstitutionRow(MONDAY, 2, "1A", None, True),
    )
    exams = tuple(
        ExamRow(WEDNESDAY, period, cls, subject, f"Hall {cls[1]}", watchers)
        for period, subject in ((1, "Maths"), (3, "Physics"))
        for cls, watchers in (("1A", ("Ms Invigilate", "Mr Watch")), ("1B", ("Mr Watch Two",)))
    )
    return school_with(
        base,
        KEY,
        locale=locale,
        lessons=lessons,
        substitutions=substitutions,
        exams=exams,
        bell_schedules=(REGULAR, EXAM_BELLS),
    )


def text(page: Page, slot: str) -> str:
    """A slot's text as the screen shows it: a hidden slot says nothing."""
    return page.evaluate(
        """(slot) => {
             const element = document.querySelector(`[data-slot="${slot}"]`);
             return element.closest('[hidden]') ? '' : element.textContent;
           }""",
        slot,
    )


def cards(page: Page) -> list[dict[str, str]]:
    """The class cards on screen, as they read."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.class-card:not([hidden])')].map((card) => {
             const shown = (selector) => {
               const element = card.querySelector(selector);
               return element && !element.hidden ? element.textContent : '';
             };
             return {name: shown('.class-name'), room: shown('.class-room'),
                     usual: shown('.usual-room'), subject: shown('.subject'),
                     teacher: shown('.teacher'), badge: shown('.badge')};
           })"""
    )


def changes(page: Page) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The changes list on screen: each class with its (period, subject, what changed)."""
    groups = page.evaluate(
        """() => {
             const box = document.querySelector('[data-slot="changes-box"]');
             if (box.hidden) return [];
             return [...box.querySelectorAll('[data-slot="changes"] > li:not([hidden])')]
               .map((group) => [
                 group.querySelector('.change-class').textContent,
                 [...group.querySelectorAll('.change:not([hidden])')].map((change) => [
                   change.querySelector('.change-period').textContent,
                   change.querySelector('.change-subject').textContent,
                   change.querySelector('.change-what').textContent,
                 ]),
               ]);
           }"""
    )
    return [(name, [tuple(item) for item in items]) for name, items in groups]


# -- rooms -------------------------------------------------------------------------------


def test_each_class_card_shows_the_room_of_its_lesson(context: BrowserContext, site: Site) -> None:
    page = open_screen(context, site.add_school(school(), SUNDAY), riyadh("07:10:00"))
    assert [(c["name"], c["subject"], c["room"], c["usual"]) for c in cards(page)] == [
        ("1A", "Maths", "101", ""),
        ("1B", "Maths", "Lab 2", ""),
    ]


def test_a_room_change_shows_the_new_room_and_the_usual_one_as_replaced(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school(), SUNDAY)
    page = open_screen(context, url, riyadh("09:00:00"))  # Third: 1A moved to the Library
    moved, usual = cards(page)
    assert (moved["room"], moved["usual"], moved["teacher"]) == (
        "Library",
        "instead of 101",
        "T-Arabic-A",
    )
    assert (usual["room"], usual["usual"]) == ("Lab 2", "")
    colours = page.evaluate(
        """() => [...document.querySelectorAll('.class-card:not([hidden]) .class-room')]
             .map((room) => getComputedStyle(room).color)"""
    )
    assert colours[0] != colours[1]  # the new room stands out
    # A substitute who also moves: the substitute, the new room and the usual one.
    page = open_screen(context, url, riyadh("07:10:00", MONDAY))
    substitute = cards(page)[1]
    assert substitute == {
        "name": "1B",
        "room": "Hall",
        "usual": "instead of Lab 2",
        "subject": "Maths",
        "teacher": "Mr Monday",
        "badge": "Substitute",
    }


# -- groups ------------------------------------------------------------------------------


def grouped_school(locale: str) -> Any:
    """The test school whose 1A is taught its First as "Boys", and whose 1B is split in
    two groups in First (one lesson with combined texts); the rest whole classes."""
    base = school(locale)

    def grouped(lesson: LessonRow) -> LessonRow:
        if lesson.period != 1:
            return lesson
        if lesson.school_class == "1A":
            return lesson._replace(group="Boys" if locale == "en" else "بنين")
        return lesson._replace(
            subject="English / French", teacher="Ms Eng, Mr Fra", group="Group 1 / Group 2"
        )

    return school_with(base, KEY, lessons=tuple(grouped(lesson) for lesson in base.lessons))


def titles(page: Page) -> list[tuple[str, str, str]]:
    """Each card's subject line as it reads: (subject, group, the whole line)."""
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.class-card:not([hidden])')].map((card) => {
             const group = card.querySelector('.lesson-group');
             return [card.querySelector('.subject').textContent,
                     group.hidden ? '' : group.querySelector('bdi').textContent,
                     card.querySelector('.subject-line').textContent];
           })"""
    )
    return [tuple(title) for title in shown]


def test_a_lesson_taught_to_part_of_the_class_shows_its_group_after_the_subject(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(grouped_school("en"), SUNDAY)
    page = open_screen(context, url, riyadh("07:55:00"))  # Second: whole classes
    assert [group for _, group, _ in titles(page)] == ["", ""]
    page = open_screen(context, url, riyadh("07:10:00"))  # First: groups
    assert titles(page) == [
        ("Maths", "Boys", "Maths · BoysSubstitute"),
        ("English / French", "Group 1 / Group 2", "English / French · Group 1 / Group 2"),
    ]
    # Legible (the 1.5rem floor at 1920x1080 is 24px) and whole: never cut.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.class-card .lesson-group bdi')].map((group) => {
             const card = group.closest('.class-card').getBoundingClientRect();
             const box = group.getBoundingClientRect();
             return [parseFloat(getComputedStyle(group).fontSize),
                     box.left >= card.left && box.right <= card.right
                       && box.top >= card.top && box.bottom <= card.bottom];
           })"""
    )
    assert sizes == [[24, True], [24, True]]
    # The changes list names the group too: the substitute teaches the Boys.
    first = page.locator('[data-slot="changes"] .change').first
    assert first.locator(".change-subject").text_content() == "Maths"
    assert first.locator(".lesson-group").text_content() == " · Boys"
    assert (
        first.locator(".change-what").text_content() == "substitute: Substitute Sara for T-Maths-A"
    )


def test_an_arabic_group_follows_the_subject_after_an_arabic_comma_isolated(
    context: BrowserContext, site: Site
) -> None:
    """Arabic never takes a middle dot as a separator: next to digits it reads as a zero."""
    page = open_screen(context, site.add_school(grouped_school("ar"), SUNDAY), riyadh("07:10:00"))
    first, split = page.locator(".class-card").all()[:2]
    assert first.locator(".lesson-title").text_content() == "Maths، بنين"
    assert split.locator(".lesson-title").text_content() == "English / French، Group 1 / Group 2"
    assert split.locator(".lesson-group bdi").all_text_contents() == ["Group 1 / Group 2"]
    listed = page.locator('[data-slot="changes"] .change').first
    assert listed.locator(".change-subject").text_content() == "Maths"
    assert listed.locator(".lesson-group bdi").all_text_contents() == ["بنين"]
    assert listed.locator(".lesson-group").text_content() == "، بنين"


# -- the changes list -------------------------------------------------------------------


def test_the_changes_list_groups_the_days_changes_by_class_naming_who_is_replaced(
    context: BrowserContext, site: Site
) -> None:
    page = open_screen(context, site.add_school(school(), SUNDAY), riyadh("07:10:00"))
    assert text(page, "changes-heading") == "Changes today"
    assert changes(page) == [
        (
            "1A",
            [
                ("First", "Maths", "substitute: Substitute Sara for T-Maths-A"),
                ("Third", "Arabic", "room: Library (instead of 101)"),
            ],
        ),
        ("1B", [("Second", "علوم", "Cancelled")]),
    ]
    assert text(page, "changes-page") == ""  # all on one page


def test_a_long_changes_list_pages_with_an_indicator_and_shows_every_change(
    context: BrowserContext, site: Site
) -> None:
    """Twelve classes, each with a substitute in First: more than fit at once."""
    base = school()
    classes = tuple(f"{n}{s}" for n in (1, 2, 3) for s in "ABCD")
    lessons = tuple(
        LessonRow("sunday", 1, cls, "Maths", f"Teacher {cls}", f"R{cls}") for cls in classes
    )
    subs = tuple(SubstitutionRow(SUNDAY, 1, cls, f"Cover {cls}", False) for cls in classes)
    busy = school_with(base, KEY, classes=classes, lessons=lessons, substitutions=subs)
    page = open_screen(context, site.add_school(busy, SUNDAY), riyadh("07:10:00"))
    seen: list[str] = []
    indicators = []
    for _ in range(12):
        indicators.append(text(page, "changes-page"))
        seen += [name for name, _ in changes(page)]
        page.clock.run_for(12_000)
    pages = int(indicators[0].split(" / ")[1])
    assert pages > 1
    assert {f"{n} / {pages}" for n in range(1, pages + 1)} == set(indicators)
    assert set(seen) == set(classes)


def test_a_cancelled_lesson_is_labelled_never_struck_through(
    context: BrowserContext, site: Site
) -> None:
    """On an Arabic screen a line through the letters hides their dots: a label says it."""
    page = open_screen(context, site.add_school(school("ar"), SUNDAY), riyadh("07:55:00"))
    cancelled = cards(page)[1]
    assert (cancelled["subject"], cancelled["badge"]) == ("علوم", "ملغاة")
    listed = dict(changes(page))["1B"]
    assert [what for _, subject, what in listed if subject == "علوم"] == ["ملغاة"]
    decorations = page.evaluate(
        """() => [...document.querySelectorAll(
               '.class-card[data-change="cancelled"] *, .change[data-change="cancelled"] *')]
             .map((e) => getComputedStyle(e).textDecorationLine)"""
    )
    assert decorations and set(decorations) == {"none"}
    label = page.evaluate(
        """() => getComputedStyle(document.querySelector(
               '.change[data-change="cancelled"] .change-what')).backgroundColor"""
    )
    assert label != "rgba(0, 0, 0, 0)"  # a coloured label, not bare text


def test_after_the_last_bell_the_list_shows_the_next_school_days_changes_without_a_request(
    context: BrowserContext, site: Site
) -> None:
    # A 5-minute poll interval keeps the regular polls away from the last bell, and
    # the page's check of its own build (after its first poll) is over by 12:09:50.
    url = site.add_school(school(), SUNDAY, poll_interval=300)
    page = past_first_build_check(open_screen(context, url, riyadh("12:08:00")))  # Prayer
    page.clock.run_for(110_000)  # 12:09:50
    assert text(page, "changes-heading") == "Changes today"
    before = len(fetch_log(page))
    site.clear_requests()
    page.clock.run_for(20_000)  # through 12:10, the last bell
    assert not_alert_polls(fetch_log(page)[before:]) == []
    assert not_alert_polls(site.requests) == []
    assert text(page, "kicker") == "The school day is over"
    assert text(page, "changes-heading") == "Changes Monday 23 November"
    assert changes(page) == [
        ("1A", [("Second", "علوم", "Cancelled")]),
        (
            "1B",
            [
                (
                    "First",
                    "Maths",
                    "substitute: Mr Monday for T-Maths-B · room: Hall (instead of Lab 2)",
                )
            ],
        ),
    ]


# -- exams -------------------------------------------------------------------------------


def test_an_exam_shows_each_class_paper_room_and_invigilators_under_a_quiet_banner(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school(), SUNDAY)
    page = open_screen(context, url, riyadh("08:30:00", WEDNESDAY))
    assert text(page, "quiet") == "Quiet please: exams"
    assert (text(page, "kicker"), text(page, "title")) == ("Exam", "Exam 1")
    assert text(page, "classes-heading") == "Exams now · Exam 1"
    assert [(c["name"], c["subject"], c["room"], c["teacher"]) for c in cards(page)] == [
        ("1A", "Maths", "Hall A", "Invigilators: Ms Invigilate, Mr Watch"),
        ("1B", "Maths", "Hall B", "Invigilator: Mr Watch Two"),
    ]
    assert "No lessons" not in page.locator("body").inner_text()
    page.clock.fast_forward("01:10:00")  # 09:40, the break between the papers
    page.clock.run_for(1_100)
    assert text(page, "quiet") == ""
    assert text(page, "classes-heading") == "Exams at Exam 2 · 10:00"
    assert [c["subject"] for c in cards(page)] == ["Physics", "Physics"]


def test_an_arabic_exam_says_quiet_in_arabic_and_isolates_latin_names(
    context: BrowserContext, site: Site
) -> None:
    page = open_screen(
        context, site.add_school(school("ar"), SUNDAY), riyadh("08:30:00", WEDNESDAY)
    )
    assert text(page, "quiet") == "هدوء: اختبارات"
    first = page.locator(".class-card").first
    assert first.locator(".teacher bdi").all_text_contents() == ["Ms Invigilate", "Mr Watch"]
    assert first.locator(".teacher").text_content() == "المراقبون: Ms Invigilate، Mr Watch"
    assert first.locator("bdi.class-room").text_content() == "Hall A"


def test_latin_names_and_rooms_in_an_arabic_change_are_isolated(
    context: BrowserContext, site: Site
) -> None:
    page = open_screen(context, site.add_school(school("ar"), SUNDAY), riyadh("07:10:00"))
    whats = page.locator('[data-slot="changes"] .change-what')
    assert whats.nth(0).text_content() == "بديل: Substitute Sara عن T-Maths-A"
    assert whats.nth(0).locator("bdi").all_text_contents() == ["Substitute Sara", "T-Maths-A"]
    assert whats.nth(1).locator("bdi").all_text_contents() == ["Library", "101"]
    assert whats.nth(0).locator("span").all_text_contents() == ["بديل: ", " عن ", ""]


def test_the_demo_has_an_exam_day_with_papers_rooms_and_invigilators() -> None:
    monday = build_day(demo("al-noor-boys"), WEEK_START + dt.timedelta(days=1)).document
    exams = [p for p in monday["periods"] if p["kind"] == "exam"]
    assert exams and all(p["lessons"] for p in exams)
    paper = exams[0]["lessons"][0]
    assert paper["subject"] and paper["room"] and paper["invigilators"]


# -- no school: the next school day ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "at", "days", "expected", "first_lessons"),
    [
        pytest.param(
            SUNDAY,
            "06:30:00",
            7,
            {
                "date": "Sunday, 22 November 2026",
                "range": "07:00 – 07:45",
                "classes-heading": "Classes at First · 07:00",
                "changes-heading": "Changes today",
            },
            [("1A", "Maths", "Substitute Sara"), ("1B", "Maths", "T-Maths-B")],
            id="before-school",
        ),
        pytest.param(
            SUNDAY,
            "12:30:00",
            7,
            {
                "range": "Monday 23 November at 07:00",
                "classes-heading": "Classes on Monday 23 November · First · 07:00",
                "changes-heading": "Changes Monday 23 November",
            },
            [("1A", "Maths", "T-Maths-A"), ("1B", "Maths", "Mr Monday")],
            id="after-school",
        ),
        pytest.param(
            dt.date(2026, 11, 27),
            "10:00:00",
            8,  # Sunday 29 is published too, so the screen holds it
            {
                "range": "Next school day: Sunday 29 November at 07:00",
                "classes-heading": "Classes on Sunday 29 November · First · 07:00",
            },
            [("1A", "Maths", "T-Maths-A"), ("1B", "Maths", "T-Maths-B")],
            id="weekend",
        ),
        pytest.param(
            dt.date(2026, 11, 24),
            "10:00:00",
            7,
            {
                "range": "Next school day: Wednesday 25 November at 08:00",
                "classes-heading": "Classes on Wednesday 25 November · Exam 1 · 08:00",
            },
            [
                ("1A", "Maths", "Invigilators: Ms Invigilate, Mr Watch"),
                ("1B", "Maths", "Invigilator: Mr Watch Two"),
            ],
            id="holiday",
        ),
        pytest.param(
            dt.date(2026, 11, 27),
            "10:00:00",
            7,  # the week from Sunday 22: Sunday 29 is not held
            {
                "range": "Next school day: Sunday 29 November at 07:00",
                "classes-heading": "Next school day",
                "classes-message": "Sunday 29 November · first bell 07:00",
            },
            [],
            id="weekend-next-day-not-held",
        ),
    ],
)
def test_without_school_the_screen_shows_the_next_school_day(
    context: BrowserContext,
    site: Site,
    day: dt.date,
    at: str,
    days: int,
    expected: dict[str, str],
    first_lessons: list[tuple[str, str, str]],
) -> None:
    page = open_screen(context, site.add_school(school(), SUNDAY, days=days), riyadh(at, day))
    assert {slot: text(page, slot) for slot in expected} == expected
    assert [(c["name"], c["subject"], c["teacher"]) for c in cards(page)] == first_lessons
