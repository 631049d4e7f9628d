"""Schools and instants for looking at the display page: the layout tests and
scripts/screenshots.py photograph the same states of the same schools.

The demo schools (publisher.demo) are real-looking corridors; `long_names` is the
worst case the page is designed for: written-out Arabic class names such as
"الأول المتوسط أ", forty classes, subjects and teachers of 30+ characters,
200-character announcements, a long school name with a logo beside it, long room
names, groups (a class split in two groups in one period: one lesson with combined
subjects, teachers and groups; another taught as one group), a changes list of many
entries on its Sunday (substitutes naming whom they replace, cancellations, room
changes) and, on its Monday, exams with two invigilators each (one long-named: the
invigilators' line takes two lines, as a roomy card's teacher may). Two more show
every display setting a school may choose (`arabic_settings`, `english_settings`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import struct
import time
import weakref
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request

from publisher.build import SchoolData, build_day
from publisher.build.layout import school_prefix
from publisher.build.source import (
    AnnouncementRow,
    CalendarRow,
    DisplaySettings,
    DutyRow,
    ExamRow,
    LessonRow,
    Logo,
    SubstitutionRow,
)
from publisher.config import PublishSettings
from publisher.demo.schools import demo_schools
from publisher.demo.timetable import exam_bells
from publisher.demo.words import ARABIC
from publisher.page.build import current_page_build
from publisher.publish import apply_writes, plan_school, plan_shared_objects
from publisher.stores.local import LocalStore

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium: the page is tested and photographed in it, never a downloaded one."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MANIFEST_POLLS = re.compile(r"/manifest\.json(\?|$)")
"""A route pattern for a school's manifest, with or without the query string a
screen's polls carry (its id, build and revision)."""

WEEK_START = dt.date(2026, 11, 22)  # a Sunday: the demo week starts here
PUBLISHED_DAYS = 9  # the demo week, and the Sunday and Monday after it
RIYADH = dt.timezone(dt.timedelta(hours=3))

GRADES = ("الأول المتوسط", "الثاني المتوسط", "الثالث المتوسط", "الأول الثانوي")
SECTIONS = "أبجدهوزحطي"
LONG_SUBJECT = "التربية الإسلامية والدراسات القرآنية"  # 36 characters
LONG_TEACHER = "أ. عبدالرحمن بن محمد بن عبدالعزيز الزهراني"  # 42 characters
LONG_ANNOUNCEMENT = (
    "تعلن إدارة المدرسة عن بدء التسجيل في برنامج الأنشطة الصيفية للطلاب والطالبات، "
    "ويشمل البرنامج دورات في البرمجة والروبوتات والخط العربي والرسم، ويرجى من أولياء "
    "الأمور مراجعة وكيل شؤون الطلاب قبل نهاية الأسبوع القادم لإتمام التسجيل"
)
LONG_ROOM = "معمل الحاسب الآلي الثاني"  # 24 characters
LONG_CHANGES = 14  # changes on the long-names school's Sunday, in its first lesson
SPLIT_SUBJECT = "اللغة الإنجليزية / اللغة الفرنسية"
SPLIT_GROUPS = "المجموعة الأولى / المجموعة الثانية"  # 34 characters
ONE_GROUP = "المسار العلمي"


def demo(slug: str) -> SchoolData:
    """A demo school, with a key and a fixed time of its last change."""
    school = next(s for s in demo_schools(WEEK_START) if s.slug == slug)
    return dataclasses.replace(
        school,
        key=f"demo-screen-{slug}",
        revised_at=dt.datetime(2026, 11, 19, 10, 32, tzinfo=dt.UTC),
    )


def long_names() -> SchoolData:
    """al-faisal-primary's bells and calendar with forty long-named classes, and a
    logo beside its long name."""
    base = demo("al-faisal-primary")
    classes = tuple(f"{grade} {section}" for grade in GRADES for section in SECTIONS)
    weekdays = ("sunday", "monday", "tuesday", "wednesday", "thursday")
    periods = sorted(
        {p.index for bells in base.bell_schedules for p in bells.periods if p.kind == "lesson"}
    )
    lessons = tuple(
        _long_lesson(day, period, cls, n)
        for day in weekdays
        for period in periods
        for n, cls in enumerate(classes)
    )
    # Sunday's first lesson: a substitute, a cancellation, a move to a long-named room,
    # in turn, for the first LONG_CHANGES classes; the moves are room changes.
    first = periods[0]
    substitutions = tuple(
        SubstitutionRow(
            WEEK_START,
            first,
            cls,
            f"{LONG_TEACHER} {n + 40}" if n % 3 == 0 else None,
            n % 3 == 1,
            LONG_ROOM if n % 3 == 2 else None,
        )
        for n, cls in enumerate(classes[:LONG_CHANGES])
    )
    monday = WEEK_START + dt.timedelta(days=1)
    exam_day = exam_bells(ARABIC, dt.time(7, 0))
    exams = tuple(
        ExamRow(
            monday,
            period.index,
            cls,
            f"{LONG_SUBJECT} {n % 3 + 1}",
            LONG_ROOM if n % 5 == 0 else f"B-{n + 101}",
            (f"{LONG_TEACHER} {n}", f"أ. سعد القحطاني {n + 40}"),
        )
        for period in exam_day.periods
        if period.kind == "exam"
        for n, cls in enumerate(classes)
    )
    duties = tuple(
        DutyRow(f"{LONG_TEACHER} {n}", f"ممرات الدور الأرضي والساحة الخارجية {n}", weekday=day)
        for day in weekdays
        for n in range(5)
    )
    week_end = WEEK_START + dt.timedelta(days=6)
    announcements = tuple(
        AnnouncementRow(f"{LONG_ANNOUNCEMENT} ({n})", WEEK_START, week_end) for n in (1, 2)
    )
    return dataclasses.replace(
        base,
        slug="long-names",
        key="demo-screen-long-names-ar",
        name="مدرسة الأمير فيصل بن فهد بن عبدالعزيز المتوسطة والثانوية للبنين بالرياض",
        classes=classes,
        lessons=lessons,
        substitutions=substitutions,
        duties=duties,
        announcements=announcements,
        bell_schedules=(*base.bell_schedules, exam_day),
        calendar=(
            *base.calendar,
            CalendarRow("special", monday, monday, ARABIC.exam_days[0], exam_day.name),
        ),
        exams=exams,
        display=DisplaySettings(logo=Logo(emblem_png((26, 95, 122)), "png")),
    ).normalized()


def _long_lesson(day: str, period: int, cls: str, n: int) -> LessonRow:
    """The long-names school's lesson of its n-th class: the first class of every ten
    split in two groups, the second taught as one group, so both show on the first page
    of cards and, on Sunday, in the changes list."""
    lesson = LessonRow(
        day, period, cls, f"{LONG_SUBJECT} {n % 3 + 1}", f"{LONG_TEACHER} {n}", f"B-{n + 101}"
    )
    if n % 10 == 0:
        teachers = f"أ. خالد العتيبي {n}, أ. سعد القحطاني"  # one text, as imports combine them
        return lesson._replace(subject=SPLIT_SUBJECT, teacher=teachers, group=SPLIT_GROUPS)
    if n % 10 == 1:
        return lesson._replace(group=ONE_GROUP)
    return lesson


def riyadh(day: dt.date, hhmmss: str) -> dt.datetime:
    """An instant in Riyadh (UTC+3, no daylight saving), in UTC."""
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmmss), RIYADH).astimezone(dt.UTC)


def english_long_names() -> SchoolData:
    """The long-names school on an English screen (its names stay Arabic)."""
    return dataclasses.replace(
        long_names(), slug="long-names-en", key="demo-screen-long-names-en", locale="en"
    )


def english_exams() -> SchoolData:
    """al-noor-boys (whose Monday is an exam day) on an English screen."""
    school = demo("al-noor-boys")
    return dataclasses.replace(
        school, slug="al-noor-boys-en", key="demo-screen-al-noor-boys-en", locale="en"
    )


def emblem_png(fill: tuple[int, int, int], size: int = 160) -> bytes:
    """A school's emblem as a PNG (a disc in `fill`, a white ring, a gold star), drawn
    here so the screens can show a logo without an image file in the repository."""
    centre = size / 2
    star = [
        (centre + math.sin(math.pi * k / 5) * r, centre - math.cos(math.pi * k / 5) * r)
        for k in range(10)
        for r in [size * (0.3 if k % 2 == 0 else 0.13)]
    ]

    def colour(x: float, y: float) -> tuple[int, int, int, int]:
        d = math.hypot(x - centre, y - centre) / centre
        if d > 1:
            return (0, 0, 0, 0)
        if 0.78 <= d <= 0.86:
            return (255, 255, 255, 255)
        if d < 0.6 and _inside(star, x, y):
            return (243, 201, 105, 255)
        return (*fill, 255)

    rows = []
    for y in range(size):
        row = bytearray(b"\0")  # no filter
        for x in range(size):
            samples = [colour(x + dx, y + dy) for dx in (0.25, 0.75) for dy in (0.25, 0.75)]
            row += bytes(sum(s[i] for s in samples) // 4 for i in range(4))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _inside(polygon: list[tuple[float, float]], x: float, y: float) -> bool:
    """Whether (x, y) is inside `polygon` (even-odd rule)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def arabic_settings() -> SchoolData:
    """al-yasmin-girls with every display setting a Saudi school may choose: Latin
    digits with Arabic text, its own colour and its logo."""
    school = demo("al-yasmin-girls")
    display = DisplaySettings(
        digits="latn", accent="#7b2d6b", logo=Logo(emblem_png((123, 45, 107)), "png")
    )
    return dataclasses.replace(
        school, slug="al-yasmin-settings", key="demo-screen-al-yasmin-settings", display=display
    )


def english_settings() -> SchoolData:
    """thameside-academy with its colour, its logo and the Hijri line turned on."""
    school = demo("thameside-academy")
    display = DisplaySettings(
        hijri=True, accent="#c8102e", logo=Logo(emblem_png((200, 16, 46)), "png")
    )
    return dataclasses.replace(
        school, slug="thameside-settings", key="demo-screen-thameside-settings", display=display
    )


def screen_schools() -> list[SchoolData]:
    """Every school the states below show."""
    return [demo(s.slug) for s in demo_schools(WEEK_START)] + [
        long_names(),
        english_long_names(),
        english_exams(),
        arabic_settings(),
        english_settings(),
    ]


def publish(root: Path, schools: list[SchoolData]) -> dict[str, str]:
    """Publishes `schools` for the demo week and the two days after it into the folder
    `root` through the publisher's own plan and apply loop; slug -> the page's path
    under the root. A publish during the week holds the days after it too, so a
    weekend screen has the next school day's file, as in a corridor."""
    store = LocalStore.open(root)
    settings = PublishSettings(days=PUBLISHED_DAYS)
    page = current_page_build()
    writes = list(plan_shared_objects(page, {}, settings))
    for school in schools:
        days = [build_day(school, WEEK_START + dt.timedelta(days=n)) for n in range(PUBLISHED_DAYS)]
        plan = plan_school(school, days, {}, settings, page)
        assert plan.error is None, plan.error
        writes.extend(plan.writes)
    applied = apply_writes(store, writes)
    if applied.error is not None:
        raise applied.error
    return {s.slug: f"/{school_prefix(s.key)}index.html" for s in schools}


@dataclass(frozen=True)
class State:
    """A moment on a school's screen: the school, the instant, and what happens to
    the network (`None`: all well; "down" from the start; "stale" and "offline":
    data loaded, then the network fails for an hour and a quarter, or for days)."""

    slug: str
    at: dt.datetime
    network: str | None = None
    query: str = ""  # the screen's own view, from its address (docs/operations.md)


LONDON = dt.UTC  # London is on UTC in November
STATES: dict[str, dict[str, State]] = {
    "lesson": {
        "ar": State("al-yasmin-girls", riyadh(WEEK_START, "07:38:25")),
        "en": State("thameside-academy", dt.datetime(2026, 11, 23, 11, 40, 25, tzinfo=LONDON)),
    },
    "break": {
        "ar": State("al-noor-boys", riyadh(WEEK_START, "09:20:05")),
        "en": State("thameside-academy", dt.datetime(2026, 11, 23, 11, 5, 5, tzinfo=LONDON)),
    },
    "last-minute": {
        "ar": State("al-noor-boys", riyadh(WEEK_START, "07:44:30")),
        "en": State("thameside-academy", dt.datetime(2026, 11, 23, 9, 59, 30, tzinfo=LONDON)),
    },
    "exam": {
        "ar": State("al-noor-boys", riyadh(WEEK_START + dt.timedelta(days=1), "07:20:40")),
        "en": State("al-noor-boys-en", riyadh(WEEK_START + dt.timedelta(days=1), "07:20:40")),
    },
    "next-school-day": {
        "ar": State("al-noor-boys", riyadh(WEEK_START + dt.timedelta(days=2), "14:10:00")),
        "en": State("thameside-academy", dt.datetime(2026, 11, 26, 16, 0, tzinfo=LONDON)),
    },
    "weekend": {
        "ar": State("al-noor-boys", riyadh(WEEK_START + dt.timedelta(days=5), "10:00:00")),
        "en": State("thameside-academy", dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)),
    },
    "long-names": {
        "ar": State("long-names", riyadh(WEEK_START, "07:20:00")),
        "en": State("long-names-en", riyadh(WEEK_START, "07:20:00")),
    },
    "display-settings": {
        "ar": State("al-yasmin-settings", riyadh(WEEK_START, "07:38:25")),
        "en": State("thameside-settings", dt.datetime(2026, 11, 23, 11, 40, 25, tzinfo=LONDON)),
    },
    # al-noor-boys dims its screen from 19:00 to 05:30.
    "night": {
        "ar": State("al-noor-boys", riyadh(WEEK_START, "20:00:00")),
        "en": State("al-noor-boys-en", riyadh(WEEK_START, "20:00:00")),
    },
    # A preview of the Monday's last minute before a bell, opened on Sunday evening,
    # running at 60 times; then the screen's identify panel (the i key).
    "preview": {
        "ar": State(
            "al-noor-boys", riyadh(WEEK_START, "19:00:00"), query="?at=2026-11-23T07:42:30&speed=60"
        ),
        "en": State(
            "thameside-academy",
            dt.datetime(2026, 11, 22, 19, 0, tzinfo=LONDON),
            query="?at=2026-11-23T09:57:30&speed=60",
        ),
    },
    "identify": {
        "ar": State("al-yasmin-girls", riyadh(WEEK_START, "07:38:25"), query="?identify"),
        "en": State(
            "thameside-academy",
            dt.datetime(2026, 11, 23, 11, 40, 25, tzinfo=LONDON),
            query="?identify",
        ),
    },
    "first-load-failure": {
        "ar": State("al-noor-boys", riyadh(WEEK_START, "07:20:00"), "down"),
        "en": State("thameside-academy", dt.datetime(2026, 11, 23, 9, 20, tzinfo=LONDON), "down"),
    },
    "stale": {
        "ar": State("al-noor-boys", riyadh(WEEK_START, "07:20:00"), "stale"),
        "en": State("thameside-academy", dt.datetime(2026, 11, 23, 9, 20, tzinfo=LONDON), "stale"),
    },
    # One screen's own view: two classes and one the school does not have (named in a
    # note), the screen's words in the school's other language.
    "own-view": {
        "ar": State(
            "al-yasmin-girls", riyadh(WEEK_START, "07:38:25"), query="?classes=1/أ,1/ب,9Z&lang=en"
        ),
        "en": State(
            "thameside-academy",
            dt.datetime(2026, 11, 23, 11, 40, 25, tzinfo=LONDON),
            query="?classes=7A,7B,9Z&lang=ar",
        ),
    },
    "offline": {
        "ar": State("al-noor-boys", riyadh(WEEK_START, "07:20:00"), "offline"),
        "en": State(
            "thameside-academy", dt.datetime(2026, 11, 23, 9, 20, tzinfo=LONDON), "offline"
        ),
    },
}
STALE_FOR = dt.timedelta(minutes=75)
OFFLINE_UNTIL = dt.timedelta(days=PUBLISHED_DAYS + 1)  # every published day has run out


def show(page: Page, url: str, state: State) -> None:
    """Opens `url` in `page` on Playwright's fake clock and brings it to `state`."""
    page.unroute(MANIFEST_POLLS)
    page.clock.install(time=state.at - dt.timedelta(seconds=5))
    page.clock.pause_at(state.at)
    if state.network == "down":
        page.route(MANIFEST_POLLS, lambda route: route.abort())
    page.goto(url + state.query)
    if state.network == "down":
        wait_until(page, "document.querySelector('[data-screen]').dataset.state === 'connecting'")
    else:
        wait_until(page, "document.querySelector('[data-screen]').dataset.state !== 'loading'")
    page.evaluate("document.fonts.ready.then(() => true)")
    wait_until(page, "[...document.images].every((image) => image.complete)")
    if state.network in ("stale", "offline"):
        page.route(MANIFEST_POLLS, lambda route: route.abort())
        later = STALE_FOR if state.network == "stale" else OFFLINE_UNTIL
        # Jumps without running the timers in between: the next poll fails, and the
        # screen judges its data's age from the last success.
        page.clock.set_system_time(state.at + later)
    page.clock.run_for(1_100)
    page.wait_for_timeout(50)
    page.clock.run_for(1_000)


def wait_until(page: Page, expression: str, timeout: float = 10.0) -> Any:
    """Polls `expression` in the page until it is truthy (the page's CSP forbids the
    string evaluation `wait_for_function` uses, and its clock is usually paused).

    The pause between polls grows from 5 ms to 50 ms: each poll is work for Chromium,
    which the page being waited for needs too."""
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            value = page.evaluate(expression)
        except PlaywrightError as error:  # the page is navigating: ask the next one
            if "context was destroyed" not in str(error):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(pause)
        pause = min(0.05, pause * 1.5)


# -- the page's clock and its requests -------------------------------------------------------
#
# The page's fetch timeouts run on its clock. Moved on while the local server is still
# answering, however quickly, the clock would time a fetch out that a real screen would
# have got: so whoever moves a page's clock past a request lets the request finish first.


class _InFlight:
    """A page's requests that have started and not yet finished or failed."""

    def __init__(self) -> None:
        self.requests: set[Request] = set()

    def started(self, request: Request) -> None:
        self.requests.add(request)

    def ended(self, request: Request) -> None:
        self.requests.discard(request)


_in_flight: weakref.WeakKeyDictionary[Page, _InFlight] = weakref.WeakKeyDictionary()


def track_requests(page: Page) -> Page:
    """Counts `page`'s requests in flight from now on, for `settle` and `run_for`."""
    in_flight = _InFlight()
    page.on("request", in_flight.started)
    page.on("requestfinished", in_flight.ended)
    page.on("requestfailed", in_flight.ended)
    _in_flight[page] = in_flight
    return page


def settle(page: Page, timeout: float = 10.0) -> None:
    """Waits, in real time, until none of `page`'s requests is in flight."""
    pending = _in_flight[page].requests
    deadline = time.monotonic() + timeout
    while pending:
        urls = sorted(request.url for request in pending)
        assert time.monotonic() < deadline, f"still in flight after {timeout} s: {urls}"
        page.wait_for_timeout(5)


def run_for(page: Page, ms: int, step_ms: int = 1_000) -> None:
    """Runs `page`'s paused clock on by `ms`, `step_ms` at a time, letting the requests
    each step starts finish before the next (and before returning)."""
    done = 0
    while done < ms:
        settle(page)
        step = min(step_ms, ms - done)
        page.clock.run_for(step)
        done += step
    settle(page)


def fast_forward(page: Page, ms: int) -> None:
    """Jumps `page`'s clock on by `ms` once its requests in flight have finished (each
    timer due in between fires once), then lets the requests the jump started finish."""
    settle(page)
    page.clock.fast_forward(ms)
    settle(page)
