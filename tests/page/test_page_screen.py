"""The display page in Chromium: what it shows, when it asks the network, and what it
does when the network fails (DESIGN.md, "The display page's promises").

Every test runs on Playwright's fake clock, installed and paused at a chosen instant
and moved on with `run_for`; the page's fetches are logged with fake-clock times.
The test school is `tests/schools.py`'s Riyadh school (UTC+3): on Sunday 22 November
2026, First 07:00-07:45 (1A taught by a substitute), Second 07:50-08:35 (1B cancelled),
Break 08:35-08:55, Third 08:55-09:40, Prayer 11:50-12:10; Tuesday 24 is a holiday and
Wednesday 25 an exam day starting at 08:00.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    FETCH_LOG_SCRIPT,
    VIEWPORT,
    Site,
    chromium_fixture,
    context_fixture,
    fetch_log,
    install_clock,
    new_context,
    not_alert_polls,
    open_screen,
    open_tab,
    own_context_fixture,
    past_first_build_check,
    school_with,
    shared_context_fixture,
    site_fixture,
    text,
    wait_for_data,
    wait_until,
)
from playwright.sync_api import Browser, BrowserContext, Page, Route
from schools import riyadh_school

from publisher.build.source import LessonRow
from publisher.page import asset_build_hash, asset_files
from testsupport.screens import MANIFEST_POLLS, run_for

SUNDAY = dt.date(2026, 11, 22)
KEY = "Zx4-test-school-key-7Qp"
RIYADH = dt.timezone(dt.timedelta(hours=3))
SLOTS = (
    "kicker",
    "title",
    "range",
    "countdown-label",
    "countdown",
    "next",
    "classes-heading",
    "classes-message",
    "time",
    "date",
    "day-label",
)


def riyadh(hhmmss: str, day: dt.date = SUNDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmmss), RIYADH).astimezone(dt.UTC)


def english(**changes: Any) -> Any:
    """The Riyadh test school with English on screen (readable assertions)."""
    return school_with(riyadh_school(), KEY, locale="en", **changes)


def shown(page: Page) -> dict[str, str]:
    """The main texts on screen; a hidden slot reads as empty."""
    return page.evaluate(
        """(slots) => Object.fromEntries(slots.map((name) => {
             const element = document.querySelector(`[data-slot="${name}"]`);
             const hidden = element.closest("[hidden]") !== null;
             return [name, hidden ? "" : element.textContent];
           }))""",
        list(SLOTS),
    )


def cards(page: Page) -> list[dict[str, str]]:
    """The class cards on screen."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.class-card:not([hidden])')].map((card) => ({
             name: card.querySelector('.class-name').textContent,
             subject: card.querySelector('.subject').textContent,
             teacher: card.querySelector('.teacher').textContent,
             badge: card.querySelector('.badge:not([hidden])')?.textContent ?? '',
             change: card.dataset.change || '',
           }))"""
    )


# -- what the screen shows ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        pytest.param(
            SUNDAY,
            "06:30:00",
            {
                "kicker": "Before school",
                "title": "First",
                "range": "07:00 – 07:45",
                "countdown-label": "Starts in",
                "countdown": "30:00",
                "classes-heading": "Classes at First · 07:00",
            },
            id="before-school",
        ),
        pytest.param(
            SUNDAY,
            "07:10:00",
            {
                "kicker": "Lesson now",
                "title": "First",
                "range": "07:00 – 07:45",
                "countdown-label": "Ends in",
                "countdown": "35:00",
                "next": "Next: Second · 07:50",
                "classes-heading": "Classes now · First",
                "time": "07:10",
            },
            id="lesson",
        ),
        pytest.param(
            SUNDAY,
            "07:47:30",
            {
                "kicker": "Next bell",
                "title": "Second",
                "countdown-label": "Starts in",
                "countdown": "02:30",
                "classes-heading": "Classes at Second · 07:50",
            },
            id="between-lessons",
        ),
        pytest.param(
            SUNDAY,
            "08:40:00",
            {
                "kicker": "Break",
                "title": "Break",
                "countdown": "15:00",
                "next": "Next: Third · 08:55",
                "classes-heading": "Classes at Third · 08:55",
            },
            id="break",
        ),
        pytest.param(
            SUNDAY,
            "12:30:00",
            {
                "kicker": "The school day is over",
                "title": "Next school day",
                "countdown": "",
                "range": "Monday 23 November at 07:00",
                "classes-heading": "Classes on Monday 23 November · First · 07:00",
                "classes-message": "",
            },
            id="after-school",
        ),
        pytest.param(
            dt.date(2026, 11, 27),
            "10:00:00",
            {
                "kicker": "Weekend",
                "title": "Weekend",
                "countdown": "",
                "range": "Next school day: Sunday 29 November at 07:00",
                "date": "Friday, 27 November 2026",
                # Sunday 29 is not published (the week from Sunday 22 is): its date and bell.
                "classes-heading": "Next school day",
                "classes-message": "Sunday 29 November · first bell 07:00",
            },
            id="weekend",
        ),
        pytest.param(
            dt.date(2026, 11, 24),
            "10:00:00",
            {
                "kicker": "Holiday",
                "title": "National Day",
                "classes-heading": "Classes on Wednesday 25 November · Exam 1 · 08:00",
                "range": "Next school day: Wednesday 25 November at 08:00",
            },
            id="holiday",
        ),
        pytest.param(
            dt.date(2026, 11, 25),
            "08:30:00",
            {
                "kicker": "Lesson now",
                "title": "Exam 1",
                "range": "08:00 – 09:30",
                "day-label": "Exams",
                "countdown": "1:00:00",
            },
            id="special-day",
        ),
    ],
)
def test_current_period_and_countdown(
    context: BrowserContext, site: Site, day: dt.date, at: str, expected: dict[str, str]
) -> None:
    page = open_screen(context, site.add_school(english(), SUNDAY), riyadh(at, day))
    on_screen = shown(page)
    assert {slot: on_screen[slot] for slot in expected} == expected
    if expected.get("countdown"):
        page.clock.run_for(1_100)  # the tick comes just after each second
        assert shown(page)["countdown"] != expected["countdown"]


def test_every_class_shows_its_lesson_with_substitutes_and_cancellations_marked(
    context: BrowserContext, site: Site
) -> None:
    page = open_screen(context, site.add_school(english(), SUNDAY), riyadh("07:10:00"))
    assert cards(page) == [
        {
            "name": "1A",
            "subject": "Maths",
            "teacher": "Substitute Sara",
            "badge": "Substitute",
            "change": "substitute",
        },
        {"name": "1B", "subject": "Maths", "teacher": "T-Maths-B", "badge": "", "change": ""},
    ]
    page.clock.fast_forward("45:00")  # 07:55, Second period
    page.clock.run_for(1_100)
    assert cards(page)[1] == {
        "name": "1B",
        "subject": "Science",
        "teacher": "T-Science-B",
        "badge": "Cancelled",
        "change": "cancelled",
    }
    assert shown(page)["title"] == "Second"
    duties = page.locator('[data-slot="duties"] li:not([hidden])').all_text_contents()
    assert duties == ["Duty DailyGate"]
    assert page.locator('[data-slot="announcements"] li').all_text_contents() == ["Trip on Monday"]
    assert text(page, "revision") == "Revision 1"


def test_only_the_named_day_files_from_today_on_are_fetched(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(english(), SUNDAY)
    page = open_screen(context, url, riyadh("10:00:00", dt.date(2026, 11, 24)))
    manifest = json.loads((site.root / f"schools/{KEY}/manifest.json").read_bytes())
    wanted = [f"/schools/{KEY}/{e['path']}" for e in manifest["days"] if e["date"] >= "2026-11-24"]
    fetched = [r for r in site.requests if "/days/" in r]
    assert fetched == wanted  # today and the coming days, each once, in date order
    page.clock.run_for(5 * 60_000)  # a few polls later: the days are held, not fetched again
    assert [r for r in site.requests if "/days/" in r] == wanted


def test_midnight_switches_to_the_next_day_without_any_request(
    context: BrowserContext, site: Site
) -> None:
    # A 5-minute poll interval keeps the regular polls away from the midnight
    # window, so what is measured is the page's own reaction to the date change.
    url = site.add_school(english(), SUNDAY, poll_interval=300)
    page = past_first_build_check(open_screen(context, url, riyadh("23:58:00")))
    assert shown(page)["kicker"] == "The school day is over"
    page.clock.run_for(110_000)  # 23:59:50
    before = len(fetch_log(page))
    site.clear_requests()
    page.clock.run_for(20_000)  # 00:00:10
    assert not_alert_polls(fetch_log(page)[before:]) == []
    assert not_alert_polls(site.requests) == []
    page.clock.run_for(100)  # the tick just after the second
    on_screen = shown(page)
    assert on_screen["date"] == "Monday, 23 November 2026"
    assert (on_screen["kicker"], on_screen["title"]) == ("Before school", "First")
    assert on_screen["countdown"] == "6:59:50"
    assert on_screen["time"] == "00:00"


def test_countdown_zero_makes_no_request(context: BrowserContext, site: Site) -> None:
    url = site.add_school(english(), SUNDAY, poll_interval=300)
    page = past_first_build_check(open_screen(context, url, riyadh("07:44:50")))
    assert shown(page)["countdown"] == "00:10"
    before = len(fetch_log(page))
    site.clear_requests()
    page.clock.run_for(20_000)  # through 07:45:00, the end of First
    assert not_alert_polls(fetch_log(page)[before:]) == []
    assert not_alert_polls(site.requests) == []
    page.clock.run_for(100)
    assert (shown(page)["kicker"], shown(page)["countdown"]) == ("Next bell", "04:50")


# -- failures ------------------------------------------------------------------------


def failing(kind: str, hung: list[Route]):
    """A route handler answering every manifest request with one kind of failure."""

    def handle(route: Route) -> None:
        if kind == "500":
            route.fulfill(status=500, body="Internal Server Error")
        elif kind == "404":
            route.fulfill(status=404, body="Not Found")
        elif kind == "timeout":
            hung.append(route)  # never answered: the page's AbortController gives up
        elif kind == "malformed":
            route.fulfill(
                status=200, content_type="application/json", body='{"schema": 1, "days": ['
            )
        elif kind == "schema":
            route.fulfill(
                status=200,
                content_type="application/json",
                body=json.dumps({"schema": 2, "revision": 99, "days": []}),
            )
        else:
            raise AssertionError(kind)

    return handle


def manifest_polls(page: Page, count: int, after: int, step_ms: int = 1_000) -> list[Any]:
    """Moves the clock on until the page made `count` settled manifest requests past `after`."""
    # Each wait is measured from the failure the page saw to its next request, both
    # logged in fake time. A routed answer must arrive while the clock stands still,
    # between steps: one arriving inside a step would be seen a tick or more after
    # the time logged for it. So the steps are short (one tick, little real time for
    # an answer to slip into), and a request still open after a step is given a
    # moment to settle before the clock moves on. A timeout fires inside a step, on time:
    # where no request is ever answered, the steps can be long.
    for _ in range(1_500):
        page.clock.run_for(step_ms)
        settled = "(window.__fetches || []).every((f) => f.end !== null)"
        for _ in range(10):  # a hung request (the timeout case) stays open: 50 ms at most
            if page.evaluate(settled):
                break
            page.wait_for_timeout(5)
        page.wait_for_timeout(5)
        polls = fetch_log(page, "manifest.json")[after:]
        if len(polls) >= count and all(p.end is not None for p in polls[:count]):
            return polls[:count]
    raise AssertionError(f"fewer than {count} polls")


@pytest.mark.parametrize("kind", ["500", "timeout", "malformed"])
def test_failed_polls_keep_the_last_good_data_and_back_off(
    context: BrowserContext, site: Site, kind: str
) -> None:
    page = open_screen(context, site.add_school(english(), SUNDAY), riyadh("07:02:00"))
    good_cards, good_title = cards(page), shown(page)["title"]
    loaded = len(fetch_log(page, "manifest.json"))
    hung: list[Route] = []
    page.route(MANIFEST_POLLS, failing(kind, hung))

    # Hung requests are never answered: every time logged is the page's own timers'.
    polls = manifest_polls(page, 10, after=loaded, step_ms=10_000 if kind == "timeout" else 1_000)

    # The retry waits run from each failure to the next request: 2 s growing by half
    # to the 30 s cap, each with up to a quarter taken off at random.
    waits = [later.start - failed.end for failed, later in zip(polls, polls[1:], strict=False)]
    for n, wait in enumerate(waits):
        nominal = min(30_000, 2_000 * 1.5**n)
        assert 0.75 * nominal - 1 <= wait <= nominal + 1, (n, waits)
    assert max(waits) <= 30_000 and waits[-1] >= 22_500
    if kind == "timeout":
        assert {p.end - p.start for p in polls} == {9_000}  # later polls time out after 9 s
    assert cards(page) == good_cards
    assert shown(page)["title"] == good_title
    assert page.locator("[data-screen]").get_attribute("data-state") == "period"


@pytest.mark.parametrize("kind", ["404", "schema"])
def test_a_missing_or_unexpected_manifest_never_replaces_good_data(
    context: BrowserContext, site: Site, kind: str
) -> None:
    page = open_screen(context, site.add_school(english(), SUNDAY), riyadh("07:02:00"))
    good = cards(page)
    loaded = len(fetch_log(page, "manifest.json"))
    page.route(MANIFEST_POLLS, failing(kind, []))
    polls = manifest_polls(page, 3, after=loaded)
    assert polls[1].start - polls[0].end <= 2_000  # retried as a failure, not polled again later
    assert cards(page) == good
    assert text(page, "revision") == "Revision 1"


def corrupted(site: Site, old: str, new: str):
    """A route handler serving the site's own file with `old` replaced by `new`.

    It reads the file from disk rather than fetching it: a fetch takes real time,
    while the test's fast clock can fire the page's fetch timeout and abort the
    request before the corrupted copy is handed over.
    """

    def handle(route: Route) -> None:
        path = site.root / route.request.url.removeprefix(site.base_url + "/")
        body = path.read_text(encoding="utf-8").replace(old, new)
        route.fulfill(status=200, content_type="application/json", body=body)

    return handle


def test_a_day_file_whose_hash_does_not_match_is_refused(
    context: BrowserContext, site: Site
) -> None:
    """A new revision names a new file for today; a corrupted copy of it is never shown."""
    page = open_screen(context, site.add_school(english(), SUNDAY), riyadh("07:02:00"))
    good = cards(page)
    changed = english(revision=2, substitutions=())
    site.add_school(changed, SUNDAY)  # today's file changes name: the 1A substitute is gone
    page.route("**/days/2026-11-22-r2-*.json", corrupted(site, "T-Maths-B", "Someone Else"))
    loaded = len(fetch_log(page, "manifest.json"))
    manifest_polls(page, 2, after=loaded)
    assert cards(page) == good
    page.unroute("**/days/2026-11-22-r2-*.json")
    for _ in range(12):  # the next retry (at most 30 s away) gets the true file
        run_for(page, 5_000, step_ms=5_000)  # 5 s: under a poll's timeout
        if cards(page)[0]["teacher"] == "T-Maths-A":
            break
    assert [c["teacher"] for c in cards(page)] == ["T-Maths-A", "T-Maths-B"]
    assert text(page, "revision") == "Revision 2"


def test_first_load_waits_15_seconds_then_retries(context: BrowserContext, site: Site) -> None:
    url = site.add_school(english(), SUNDAY)
    page = open_tab(context)
    install_clock(page, riyadh("07:10:00"))
    hung: list[Route] = []
    page.route(MANIFEST_POLLS, lambda route: hung.append(route) if not hung else route.continue_())
    page.goto(url)
    wait_until(page, "window.__fetches.length > 0")
    assert page.locator("[data-screen]").get_attribute("data-state") == "loading"
    page.clock.run_for(14_900)
    assert fetch_log(page, "manifest.json")[0].end is None  # still waiting
    page.clock.run_for(2_200)  # aborted at 15 s, retried within 2 s
    wait_for_data(page)
    first, second = fetch_log(page, "manifest.json")[:2]
    assert first.end - first.start == 15_000
    assert 1_500 <= second.start - first.end <= 2_000
    assert shown(page)["title"] == "First"


def test_stale_marker_after_failed_polls_and_gone_after_a_success(
    context: BrowserContext, site: Site
) -> None:
    page = open_screen(context, site.add_school(english(), SUNDAY), riyadh("07:02:00"))
    page.clock.run_for(1_000)
    assert not page.locator('[data-slot="stale"]').is_visible()
    page.route(MANIFEST_POLLS, failing("500", []))
    # Stale after three regular polls' worth of time: 3 x (60 s + offset + 15 s jitter),
    # between 225 s and 315 s depending on the school's offset (0-30 s).
    page.clock.run_for(200_000)
    assert not page.locator('[data-slot="stale"]').is_visible()
    page.clock.run_for(130_000)
    assert text(page, "stale") == "Not updated since Sunday 22 November 07:02"
    assert text(page, "title") == "First"  # the last good data is still there
    page.unroute(MANIFEST_POLLS)
    for _ in range(8):  # the next retry (at most 30 s away) succeeds
        run_for(page, 5_000, step_ms=5_000)  # 5 s: under a poll's timeout
        if not page.locator('[data-slot="stale"]').is_visible():
            break
    assert not page.locator('[data-slot="stale"]').is_visible()


# -- the clock -------------------------------------------------------------------------


def with_headers(headers: dict[str, str]):
    def handle(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, **headers})

    return handle


def test_a_date_header_five_minutes_ahead_moves_the_clock_five_minutes(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(english(), SUNDAY)
    page = open_tab(context)
    at = riyadh("07:10:00")
    install_clock(page, at)
    page.route(MANIFEST_POLLS, with_headers({"date": http_date(at + dt.timedelta(minutes=5))}))
    page.goto(url)
    wait_for_data(page)
    page.clock.run_for(1_100)
    assert (text(page, "time"), text(page, "countdown")) == ("07:15", "29:59")


def test_a_copy_from_the_service_workers_cache_does_not_move_the_clock(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(english(), SUNDAY)
    page = open_tab(context)
    at = riyadh("07:10:00")
    install_clock(page, at)
    stale_date = http_date(at - dt.timedelta(hours=2))
    page.route(MANIFEST_POLLS, with_headers({"date": stale_date, "x-from-cache": "sw"}))
    page.goto(url)
    wait_for_data(page)
    page.clock.run_for(1_000)
    assert text(page, "time") == "07:10"


def http_date(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


# -- text, direction, layout -----------------------------------------------------------


def test_user_text_is_shown_as_text_and_runs_nothing(context: BrowserContext, site: Site) -> None:
    attack = "<img src=x onerror=\"document.title='pwned'\">"
    school = riyadh_school()
    lessons = tuple(
        row._replace(teacher=attack) if row.school_class == "1B" else row for row in school.lessons
    )
    name = "<b>Bold</b> & <script>document.title='pwned'</script>"
    url = site.add_school(english(lessons=lessons, name=name), SUNDAY)
    page = open_screen(context, url, riyadh("07:55:00"))  # Second: 1B cancelled, still named
    page.clock.run_for(2_000)
    assert [c["teacher"] for c in cards(page)] == ["T-Science-A", attack]
    assert text(page, "school") == name
    assert page.locator("img, b, script:not([type])").count() == 0
    assert page.title() == name  # the school's name, written in as text
    assert page.evaluate("document.querySelectorAll('script').length") == 2


@pytest.mark.parametrize(("locale", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_arabic_is_right_to_left_and_english_left_to_right(
    context: BrowserContext, site: Site, locale: str, direction: str
) -> None:
    url = site.add_school(school_with(riyadh_school(), KEY, locale=locale), SUNDAY)
    page = open_screen(context, url, riyadh("07:10:00"))
    assert page.get_attribute("html", "dir") == direction
    assert page.get_attribute("html", "lang") == locale
    assert page.evaluate("getComputedStyle(document.querySelector('.body')).direction") == direction
    first, second = (page.locator(".class-card").nth(i).bounding_box() for i in range(2))
    assert first and second
    assert (first["x"] > second["x"]) == (direction == "rtl")  # the first class at the start side
    if locale == "ar":
        assert text(page, "time") == "٠٧:١٠"
        assert text(page, "kicker") == "الحصة الحالية"
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Arabic\"', 'ب')")


def thirty_classes() -> Any:
    school = riyadh_school()
    sections = "أبجدهوز"
    classes = tuple(
        f"{grade}/{sections[i % 7]}{i // 7 or ''}" for grade in (1, 2, 3) for i in range(10)
    )
    lessons = tuple(
        LessonRow(day, period, cls, "تربية إسلامية", f"أ. عبدالرحمن الزهراني {n}")
        for day in ("sunday", "monday")
        for period in (1, 2, 4)
        for n, cls in enumerate(classes)
    )
    return school_with(school, KEY, classes=classes, lessons=lessons, substitutions=())


def test_thirty_classes_fit_1920x1080_and_page_on_a_timer(
    context: BrowserContext, site: Site
) -> None:
    page = open_screen(context, site.add_school(thirty_classes(), SUNDAY), riyadh("07:10:00"))
    page.evaluate("document.fonts.ready.then(() => true)")
    first_page = [c["name"] for c in cards(page)]
    assert len(first_page) == 15
    assert text(page, "classes-page") == "١ / ٢"
    assert page.evaluate("document.documentElement.scrollHeight") <= VIEWPORT["height"]
    outside = page.evaluate(
        """([width, height]) => [...document.body.querySelectorAll('*')]
             .filter((e) => e.getClientRects().length > 0)
             .map((e) => [e.className || e.tagName, e.getBoundingClientRect()])
             .filter(([, r]) => r.left < 0 || r.top < 0 || r.right > width || r.bottom > height)
             .map(([name]) => name)""",
        [VIEWPORT["width"], VIEWPORT["height"]],
    )
    assert outside == []
    page.clock.run_for(12_100)
    second_page = [c["name"] for c in cards(page)]
    assert len(second_page) == 15 and not set(first_page) & set(second_page)


# -- offline and reloads ---------------------------------------------------------------


def test_reload_while_offline_shows_the_last_good_day(chromium: Browser, site: Site) -> None:
    context = chromium.new_context(viewport=VIEWPORT, service_workers="allow")
    context.add_init_script(FETCH_LOG_SCRIPT)
    try:
        url = site.add_school(english(), SUNDAY)
        page = open_screen(context, url, riyadh("07:10:00"))
        # The service worker took over and keeps the page, its manifest and day files.
        wait_until(
            page,
            """caches.open('screen-pages-v1')
            .then((c) => c.match(location.href)).then(Boolean)""",
        )
        wait_until(
            page,
            """caches.open('screen-files-v1').then((c) => c.keys())
            .then((keys) => keys.filter((k) => k.url.includes('/days/')).length === 7)""",
        )
        # Nothing left on the device but the service worker's caches; then the network goes.
        page.evaluate("localStorage.clear()")
        context.set_offline(True)
        site.go_down()
        page.reload()
        wait_for_data(page)
        assert shown(page)["title"] == "First"
        assert [c["name"] for c in cards(page)] == ["1A", "1B"]
        served = fetch_log(page, "manifest.json")[0]
        assert served.status == 200  # the worker's copy (the network is gone)
    finally:
        context.close()


def test_reloads_itself_once_for_a_new_build_and_never_in_a_loop(
    context: BrowserContext, site: Site
) -> None:
    """The published page names another build: the screen reloads once, then waits.

    (The limits themselves, ten minutes apart and three an hour, are checked on
    `reloadAllowed` in test_page_modules.py.)
    """
    url = site.add_school(english(), SUNDAY)
    build = asset_build_hash(asset_files())
    navigations: list[str] = []

    def newer_build(route: Route) -> None:
        if route.request.resource_type == "document":
            navigations.append(route.request.url)
            route.continue_()
            return
        response = route.fetch()
        body = re.sub(f'"build": ?"{build}"', '"build": "ffffffffffffffff"', response.text())
        route.fulfill(response=response, body=body)

    page = open_tab(context)
    install_clock(page, riyadh("07:00:30"))
    page.route("**/index.html", newer_build)
    page.goto(url)
    for _ in range(100):
        if len(navigations) == 2:
            break
        page.wait_for_timeout(20)
    assert len(navigations) == 2  # loaded, saw the new build, reloaded
    page.wait_for_load_state()
    wait_for_data(page)
    for _ in range(114):  # 9.5 minutes, in steps shorter than a request's timeout
        page.clock.run_for(5_000)
        page.wait_for_timeout(5)
    assert len(navigations) == 2
    assert text(page, "title") == "First"


# -- which screens are alive -----------------------------------------------------------


def poll_queries(page: Page) -> list[dict[str, str]]:
    """The query string of each manifest request the page made since it loaded."""
    return [dict(parse_qsl(urlsplit(p.url).query)) for p in fetch_log(page, "manifest.json")]


def test_every_poll_names_the_screen_its_build_and_revision_and_the_id_survives_a_reload(
    context: BrowserContext, site: Site
) -> None:
    page = open_screen(context, site.add_school(english(), SUNDAY), riyadh("07:02:00"))
    run_for(page, 200_000)  # a few regular polls
    polls = poll_queries(page)
    assert len(polls) >= 3, polls
    screen = polls[0]["screen"]
    assert re.fullmatch("[0-9a-f]{16}", screen), screen
    build = asset_build_hash(asset_files())
    # Nothing held before the first answer: revision 0, then the one it holds.
    assert polls == [
        {"screen": screen, "build": build, "rev": "0"},
        *[{"screen": screen, "build": build, "rev": "1"}] * (len(polls) - 1),
    ]

    page.reload()
    wait_for_data(page)
    assert poll_queries(page)[0] == {"screen": screen, "build": build, "rev": "1"}

    assert context.browser is not None
    another = new_context(context.browser)
    try:
        other = open_screen(another, site.url(KEY), riyadh("07:02:00"))
        assert poll_queries(other)[0]["screen"] != screen  # another browser, another screen
    finally:
        another.close()


def test_without_storage_a_screen_takes_a_new_id_on_each_load_and_still_shows_its_day(
    own_context: BrowserContext, site: Site
) -> None:
    own_context.add_init_script(
        """Object.defineProperty(window, 'localStorage', {
             get() { throw new DOMException('storage is disabled', 'SecurityError'); }});"""
    )
    page = open_screen(own_context, site.add_school(english(), SUNDAY), riyadh("07:02:00"))
    first = poll_queries(page)[0]["screen"]
    assert shown(page)["title"] == "First"
    page.reload()
    wait_for_data(page)
    assert re.fullmatch("[0-9a-f]{16}", poll_queries(page)[0]["screen"])
    assert poll_queries(page)[0]["screen"] != first
