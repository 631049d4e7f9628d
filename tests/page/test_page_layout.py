"""The display page on every shape of screen: nothing overflows or is cut, text is
never under the size floor, paging shows every class in time, and the states a
corridor meets (first load failing, stale data, offline past the published week,
the last minute before a bell) say so on screen.

The rules under test are written in publisher/site/README.md ("Sizing" and
"Paging"). Schools and instants come from `testsupport.screens`, which the
screenshots script photographs too: the demo schools, a long-names school
(forty written-out Arabic class names, 30+ character subjects and teachers,
200-character announcements, a long school name beside a logo) and schools with
every display setting. One browser for the module; one context per size and
locale, and one page in it loading each school in turn (a new page costs Chromium
four times what a load does), its fake clock moved from state to state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from page_server import (  # noqa: F401
    Site,
    chromium_fixture,
    lending_its_tab,
    open_tab,
    serve,
    wait_until,
)
from playwright.sync_api import Browser, BrowserContext, Page

from testsupport.screens import (
    MANIFEST_POLLS,
    WEEK_START,
    demo,
    english_exams,
    english_long_names,
    fast_forward,
    long_names,
    publish,
    riyadh,
    run_for,
    screen_schools,
    track_requests,
)

SIZES = {
    "1920x1080": (1920, 1080),
    "1366x768": (1366, 768),
    "3840x2160": (3840, 2160),
    "1080x1920": (1080, 1920),
}
FLOOR_REM = 1.5  # no text under 1.5rem, 1/45 of the short side (site/README.md)
SHORT_SIDE_REM = 67.5
PAGE_INTERVAL_S = 12
LONDON = dt.UTC  # in November


def at(day: int, hhmmss: str, zone: dt.tzinfo | None = None) -> dt.datetime:
    """An instant of the demo week: `day` days after its Sunday, in Riyadh or `zone`."""
    date = WEEK_START + dt.timedelta(days=day)
    if zone is None:
        return riyadh(date, hhmmss)
    return dt.datetime.combine(date, dt.time.fromisoformat(hhmmss), zone)


# Per locale: each school and the states it is walked through, in time order. A
# walk stays within a day of its start: a page up for a day reloads itself. The
# walks cover rooms and room changes, changes lists (the day's, and the next
# school day's after the last bell), exams, and the long-names school's fourteen
# changes and its exams with two long-named invigilators a class.
WALKS: dict[str, list[tuple[str, list[tuple[str, dt.datetime]]]]] = {
    "ar": [
        (
            "al-noor-boys",
            [
                ("lesson", at(0, "07:20:00")),
                ("break", at(0, "09:20:00")),
                ("after-school", at(0, "14:10:00")),
                ("exam", at(1, "07:10:00")),
            ],
        ),
        (
            "al-noor-boys",
            [("next-school-day", at(2, "14:10:00")), ("changes", at(3, "07:50:00"))],
        ),
        ("al-noor-boys", [("holiday", at(4, "10:00:00")), ("weekend", at(5, "09:00:00"))]),
        # Written-out class names that still fit the compact card ("الثاني أ").
        ("al-faisal-primary", [("compact-names", at(0, "07:20:00"))]),
        ("long-names", [("long-names", at(0, "07:20:00")), ("long-break", at(0, "09:20:00"))]),
        ("long-names", [("long-exam", at(1, "07:20:00")), ("long-exam-break", at(1, "08:40:00"))]),
        # A logo beside the name, Latin digits, an accent; al-noor-boys' night hours.
        ("al-yasmin-settings", [("display-settings", at(0, "07:38:00"))]),
        ("al-noor-boys", [("night", at(0, "20:00:00"))]),
    ],
    "en": [
        (
            "thameside-academy",
            [
                ("changes", at(1, "09:30:00", LONDON)),
                ("break", at(1, "11:05:00", LONDON)),
                ("lesson", at(1, "11:40:00", LONDON)),
                ("after-school", at(1, "16:00:00", LONDON)),
            ],
        ),
        ("thameside-academy", [("next-school-day", at(4, "16:00:00", LONDON))]),
        ("thameside-academy", [("weekend", at(6, "10:00:00", LONDON))]),
        ("al-noor-boys-en", [("exam", at(1, "07:20:00"))]),
        ("long-names-en", [("long-names", at(0, "07:20:00"))]),
        ("long-names-en", [("long-exam", at(1, "07:20:00"))]),
        ("thameside-settings", [("display-settings", at(1, "11:40:00", LONDON))]),
    ],
}

# Everything that is not where it may be: text cut by an ellipsis or a line clamp,
# a box with hidden overflow whose content is larger than it, text outside the box
# it belongs to (a card, a panel, a column, the header or footer) or outside the
# viewport, and text under the floor. Returns one line per fault. An inline
# element is measured across by its own box and up and down by its block's line
# boxes: its own height is the font's ascent and descent, which in Noto Sans
# Arabic reach well past any sensible line height.
FAULTS = """([floorPx]) => {
  const BOXES = ['.class-card', '.now-card', '.announcement', '.duty', '.now', '.classes',
                 '.top', '.bottom', '.banner', '.quiet', '.changes', '.change-group']
                 .join(', ');
  const faults = [];
  const name = (e) =>
    `${e.tagName.toLowerCase()}.${e.className}[${(e.textContent || '').slice(0, 30)}]`;
  for (const e of document.body.querySelectorAll('*')) {
    if (e.getClientRects().length === 0) continue;
    const cs = getComputedStyle(e);
    if (cs.textOverflow === 'ellipsis') faults.push(`ellipsis ${name(e)}`);
    if (cs.webkitLineClamp && cs.webkitLineClamp !== 'none') faults.push(`clamp ${name(e)}`);
    if (cs.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1)
      faults.push(`wider ${name(e)} ${e.scrollWidth} > ${e.clientWidth}`);
    if (cs.overflowY !== 'visible' && e.scrollHeight > e.clientHeight + 1)
      faults.push(`taller ${name(e)} ${e.scrollHeight} > ${e.clientHeight}`);
    let block = e;
    while (getComputedStyle(block).display === 'inline') block = block.parentElement;
    const own = e.getBoundingClientRect(), lines = block.getBoundingClientRect();
    const r = {left: own.left, right: own.right, top: lines.top, bottom: lines.bottom};
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1)
      faults.push(`outside ${name(e)}`);
    const text = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!text) continue;
    if (parseFloat(cs.fontSize) < floorPx - 0.01) faults.push(`small ${name(e)} ${cs.fontSize}`);
    const box = e.parentElement.closest(BOXES);
    if (box) {
      const b = box.getBoundingClientRect();
      if (r.left < b.left - 1 || r.right > b.right + 1
          || r.top < b.top - 1 || r.bottom > b.bottom + 1)
        faults.push(`spills ${name(e)} out of ${name(box)}`);
    }
  }
  for (const e of [document.documentElement, document.body])
    if (e.scrollHeight > innerHeight + 1 || e.scrollWidth > innerWidth + 1)
      faults.push('page scrolls');
  return faults;
}"""


@pytest.fixture(scope="module", name="published")
def published_fixture(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Site, dict[str, str]]]:
    """Every screen school, published once for the module through the publisher's code."""
    root = tmp_path_factory.mktemp("layout") / "public"
    with serve(root) as site:
        pages = publish(root, screen_schools())
        yield site, pages


def open_at(
    context: BrowserContext, url: str, when: dt.datetime, size: tuple[int, int] | None = None
) -> Page:
    return show_at(open_tab(context, size), url, when)


def show_at(page: Page, url: str, when: dt.datetime) -> Page:
    """Loads `url` in `page` (a new page or one that showed another school) with the
    page's clock paused at `when`, once its data, fonts and logo are in."""
    page.clock.install(time=when - dt.timedelta(seconds=5))
    page.clock.pause_at(when)
    page.goto(url)
    wait_until(page, "document.querySelector('[data-screen]').dataset.state !== 'loading'")
    page.evaluate("document.fonts.ready.then(() => true)")
    wait_until(page, "[...document.images].every((image) => image.complete)")  # a logo
    run_for(page, 1_100)
    return page


def move_to(page: Page, when: dt.datetime) -> None:
    """Jumps the page's clock to `when`, then runs it on until a poll has succeeded
    (the data is fresh again), and lets the tick draw.

    The jump fires each due timer once; the next poll is due within 105 s of the
    last one's end, which may come after the jump, hence the steps."""
    now = page.evaluate("Date.now()")
    fast_forward(page, int(when.timestamp() * 1000) - now)
    for _ in range(40):
        if page.evaluate("document.querySelector('[data-screen]').dataset.stale === '0'"):
            break
        run_for(page, 5_000)
    assert page.evaluate("document.querySelector('[data-screen]').dataset.stale") == "0"
    page.clock.run_for(1_100)


def screen_state(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
          const root = document.querySelector('[data-screen]');
          const size = (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
          return {state: root.dataset.state, density: root.dataset.density,
                  countdown: size('.countdown-value'), clock: size('.time'),
                  hasCountdown: !document.querySelector('.countdown').closest('[hidden]')};
        }"""
    )


@pytest.mark.parametrize("locale", ["ar", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_nothing_overflows_or_is_cut_and_no_text_is_under_the_floor(
    chromium: Browser, published: tuple[Site, dict[str, str]], size: str, locale: str
) -> None:
    site, pages = published
    width, height = SIZES[size]
    floor_px = FLOOR_REM * min(width, height) / SHORT_SIDE_REM
    context = chromium.new_context(
        viewport={"width": width, "height": height}, service_workers="block"
    )
    page = track_requests(context.new_page())  # one page, loading each school in turn
    seen = []
    try:
        for slug, walk in WALKS[locale]:
            show_at(page, site.base_url + pages[slug], walk[0][1])
            for state, when in walk:
                if when != walk[0][1]:
                    move_to(page, when)
                faults = page.evaluate(FAULTS, [floor_px])
                assert faults == [], (size, locale, state)
                if state in ("display-settings", "long-names"):  # measured with a logo shown
                    assert page.locator(".logo").is_visible(), (size, locale)
                if state == "long-names":  # measured with groups: a split class, a group
                    groups = page.locator(".class-card:not([hidden]) .lesson-group:not([hidden])")
                    assert groups.count() >= 2, (size, locale)
                shown = screen_state(page)
                if shown["hasCountdown"]:  # the countdown dominates; the clock is secondary
                    assert shown["countdown"] > 1.5 * shown["clock"], (state, shown)
                seen.append((state, shown["state"]))
    finally:
        context.close()
    states = dict(seen)
    assert states["lesson"] == "period" and states["weekend"] == "off"
    assert states["after-school"] == "after" and states["exam"] == "period"
    assert states["long-exam"] == "period" and states["next-school-day"] == "after"


# -- paging ------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "pages_expected"), [("1920x1080", 4), ("1080x1920", 3)])
def test_every_class_is_shown_within_its_pages_and_a_page_indicator_says_which(
    context: BrowserContext, published: tuple[Site, dict[str, str]], size: str, pages_expected: int
) -> None:
    """Forty long-named classes: ten a page in landscape (four pages), sixteen in
    portrait (three), each shown for 12 s, so every class is on screen within
    pages x 12 s of anyone arriving."""
    site, pages = published
    # Tuesday: no changes list, so the classes have the whole column (a long
    # changes list in portrait may leave room for fewer cards a page).
    url = site.base_url + pages["long-names"]
    page = open_at(context, url, at(2, "07:20:00"), SIZES[size])
    shown: set[str] = set()
    indicators = []
    for _ in range(pages_expected):
        shown |= set(page.locator(".class-card:not([hidden]) .class-name").all_text_contents())
        indicators.append(page.locator('[data-slot="classes-page"]').text_content())
        page.clock.run_for(PAGE_INTERVAL_S * 1000)
    assert shown == set(long_names().classes)
    arabic = "٠١٢٣٤٥٦٧٨٩"
    numbers = [arabic.index(indicator[0]) for indicator in indicators]
    assert {indicator[1:] for indicator in indicators} == {f" / {arabic[pages_expected]}"}
    assert sorted(numbers) == list(range(1, pages_expected + 1))
    assert all(b == a % pages_expected + 1 for a, b in zip(numbers, numbers[1:], strict=False))
    # The long announcements page in pieces, with their own indicator.
    pieces = page.locator('[data-slot="announcements-page"]').text_content() or ""
    assert re.fullmatch(r"[١-٩] / [٢-٩]", pieces), pieces


# -- the states of a corridor screen -------------------------------------------------------


@pytest.fixture(scope="module", name="new_york")
def new_york_fixture(chromium: Browser) -> Iterator[BrowserContext]:
    """1920x1080, on a device whose own zone is none of the schools' (New York)."""
    context = chromium.new_context(
        viewport={"width": 1920, "height": 1080},
        service_workers="block",
        timezone_id="America/New_York",
    )
    yield context
    context.close()


@pytest.fixture(name="context")
def english_context(new_york: BrowserContext) -> Iterator[BrowserContext]:
    """The New York context, as a new one for each test (its tab lent: see page_server)."""
    with lending_its_tab(new_york) as context:
        yield context


def text(page: Page, slot: str) -> str:
    element = page.locator(f'[data-slot="{slot}"]')
    return "" if not element.is_visible() else (element.text_content() or "")


def test_a_failing_first_load_shows_the_school_its_clock_and_the_next_try(
    context: BrowserContext, published: tuple[Site, dict[str, str]]
) -> None:
    """al-noor-boys-en is in Riyadh (UTC+3); the device is in New York (UTC-5)."""
    site, pages = published
    page = open_tab(context)
    when = at(1, "07:20:00")
    page.clock.install(time=when - dt.timedelta(seconds=5))
    page.clock.pause_at(when)
    page.route(MANIFEST_POLLS, lambda route: route.abort())
    page.goto(site.base_url + pages["al-noor-boys-en"])
    assert page.title() == english_exams().name  # before any data
    wait_until(page, "document.querySelector('[data-screen]').dataset.state === 'connecting'")
    page.clock.run_for(100)
    assert text(page, "school") == english_exams().name
    assert text(page, "time") == "07:20"
    assert text(page, "title") == "Connecting…"
    first = text(page, "range")
    assert re.fullmatch(r"Next try in 00:0[1-3]", first), first
    page.clock.run_for(1_000)
    assert text(page, "range") != first  # counts down on the tick
    assert text(page, "classes-message") == "The timetable appears as soon as this screen connects"


def test_stale_data_is_marked_then_bannered_with_its_age_in_words(
    context: BrowserContext, published: tuple[Site, dict[str, str]]
) -> None:
    site, pages = published
    page = open_at(context, site.base_url + pages["al-noor-boys-en"], at(1, "07:05:00"))
    assert (text(page, "stale"), text(page, "banner")) == ("", "")
    page.route(MANIFEST_POLLS, lambda route: route.abort())
    fast_forward(page, 6 * 60_000)  # past three polls' worth of time
    run_for(page, 1_100)
    assert text(page, "stale") == "Not updated since Monday 23 November 07:05"
    assert text(page, "banner") == ""
    assert page.locator("[data-screen]").get_attribute("data-stale") == "1"
    fast_forward(page, 2 * 3_600_000)  # 07:05 + 2 h 6 min
    run_for(page, 1_100)
    assert text(page, "banner") == "This screen last updated 2 hours ago"
    assert page.locator("[data-screen]").get_attribute("data-stale") == "2"
    assert text(page, "kicker") == "Exam"  # the last good data is still there


def test_past_the_published_week_the_screen_says_it_is_offline_since_when(
    context: BrowserContext, published: tuple[Site, dict[str, str]]
) -> None:
    site, pages = published
    page = open_at(context, site.base_url + pages["al-noor-boys-en"], at(1, "07:05:00"))
    page.route(MANIFEST_POLLS, lambda route: route.abort())
    fast_forward(page, 9 * 86_400_000)  # the week held runs out on Saturday 28
    run_for(page, 1_100)
    assert page.locator("[data-screen]").get_attribute("data-state") == "offline"
    assert text(page, "kicker") == "This screen has been offline since"
    assert (text(page, "title"), text(page, "range")) == ("Monday 23 November", "at 07:05")
    assert "No timetable" not in page.locator("body").inner_text()
    assert page.evaluate(FAULTS, [FLOOR_REM * 1080 / SHORT_SIDE_REM]) == []


def test_the_last_minute_before_a_bell_is_signalled(
    context: BrowserContext, published: tuple[Site, dict[str, str]]
) -> None:
    site, pages = published
    page = open_at(context, site.base_url + pages["thameside-academy"], at(1, "09:58:50", LONDON))
    root = page.locator("[data-screen]")
    assert root.get_attribute("data-last-minute") == "false"
    assert text(page, "countdown-label") == "Ends in"
    page.clock.run_for(15_000)  # 09:59:05: 55 s to the bell
    assert root.get_attribute("data-last-minute") == "true"
    assert text(page, "countdown-label") == "Bell in under a minute"
    colour = page.evaluate("getComputedStyle(document.querySelector('.countdown-value')).color")
    assert colour != "rgb(245, 242, 234)"  # no longer the plain text colour
    page.clock.run_for(60_000)  # 10:00:05, the next lesson: signal gone
    assert root.get_attribute("data-last-minute") == "false"


def test_the_footer_says_when_the_timetable_changed_and_keeps_the_revision_small(
    context: BrowserContext, published: tuple[Site, dict[str, str]]
) -> None:
    site, pages = published
    page = open_at(context, site.base_url + pages["thameside-academy"], at(1, "11:40:00", LONDON))
    assert text(page, "updated") == "Timetable updated Thursday 19 November 10:32"
    assert text(page, "revision") == "Revision 1"
    sizes = page.evaluate(
        """['.updated', '.revision']
           .map((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"""
    )
    assert sizes[1] <= sizes[0]


def test_the_schools_used_here_are_what_the_docstrings_say() -> None:
    """The fixture's worst cases really are there (a test of the test data)."""
    school = long_names()
    assert len(school.classes) == 40 and "الأول المتوسط أ" in school.classes
    assert min(len(row.subject) for row in school.lessons) >= 30
    assert min(len(row.teacher) for row in school.lessons) >= 30
    assert min(len(a.text) for a in school.announcements) >= 200
    assert len(school.name) >= 60 and school.display.logo is not None
    assert english_long_names().locale == "en" and demo("al-noor-boys").locale == "ar"
    assert dataclasses.replace(english_exams(), locale="ar").timezone == "Asia/Riyadh"
