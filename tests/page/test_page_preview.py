"""Previewing an instant (`?at=...&speed=N`) and identifying a screen (`?identify`, the
i key), in Chromium (docs/operations.md, "Preview a day" and "Identify a screen").

A preview shows what the screen will show at `at`, the school's wall time, running
from there N times faster, under a PREVIEW mark that nothing covers; it keeps
nothing in localStorage, changes nothing the live screen's service worker holds and
says no screen id. The test school is `tests/schools.py`'s Riyadh school (UTC+3): on
Sunday 22 November 2026, First 07:00-07:45, Second 07:50-08:35.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    FETCH_LOG_SCRIPT,
    Site,
    chromium_fixture,
    context_fixture,
    fetch_log,
    install_clock,
    open_screen,
    open_tab,
    school_with,
    shared_context_fixture,
    site_fixture,
    text,
    wait_for_data,
    wait_until,
)
from playwright.sync_api import Browser, BrowserContext, Page, Route
from schools import riyadh_school

from publisher.build.alert import AlertMessage
from publisher.config import PublishSettings
from publisher.page import asset_build_hash, asset_files
from publisher.publish import plan_alert
from testsupport.screens import MANIFEST_POLLS, fast_forward, run_for, track_requests

SUNDAY = dt.date(2026, 11, 22)
KEY = "Pv7-test-preview-key-3Rt"
RIYADH = dt.timezone(dt.timedelta(hours=3))
SATURDAY_EVENING = dt.datetime(2026, 11, 21, 20, 0, tzinfo=RIYADH)
"""When the tests open their previews: the evening before the instants they preview."""

SIZES = {
    "1920x1080": (1920, 1080),
    "1366x768": (1366, 768),
    "3840x2160": (3840, 2160),
    "1080x1920": (1080, 1920),
}


def riyadh(hhmmss: str, day: dt.date = SUNDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmmss), RIYADH).astimezone(dt.UTC)


def school(locale: str = "en") -> Any:
    return school_with(riyadh_school(), KEY, locale=locale)


def mark(page: Page) -> dict[str, Any]:
    """The preview mark as a passer-by sees it: its words, whether it is inside the
    viewport, and whether it is the topmost thing at its middle."""
    return page.evaluate(
        """() => {
             const box = document.querySelector('[data-slot="preview"]');
             const r = box.getBoundingClientRect();
             const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
             return {
               hidden: box.hidden || getComputedStyle(box).display === 'none',
               text: box.textContent,
               inside: r.left >= 0 && r.top >= 0
                 && r.right <= innerWidth && r.bottom <= innerHeight,
               onTop: top !== null && box.contains(top),
               state: document.querySelector('[data-screen]').dataset.preview,
             };
           }"""
    )


def stored(page: Page) -> dict[str, Any]:
    """Everything the origin keeps: localStorage, and each service-worker cache's URLs
    with the bodies they hold."""
    return page.evaluate(
        """async () => {
             const caches_ = {};
             for (const name of await caches.keys()) {
               const cache = await caches.open(name);
               const entries = [];
               for (const request of await cache.keys()) {
                 const response = await cache.match(request);
                 entries.push([request.url, await response.text()]);
               }
               caches_[name] = entries.sort();
             }
             return {local: {...localStorage}, caches: caches_};
           }"""
    )


# -- a preview shows the instant --------------------------------------------------------


def test_a_preview_shows_that_instants_lesson_and_countdown_under_a_mark(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school(), SUNDAY)
    page = open_screen(context, f"{url}?at=2026-11-22T07:10", SATURDAY_EVENING)
    page.clock.run_for(1_100)
    assert (text(page, "time"), text(page, "seconds")) == ("07:10", "01")
    assert (text(page, "title"), text(page, "countdown")) == ("First", "34:59")
    assert mark(page)["text"] == "PREVIEW from Sunday 22 November 07:10:00"
    assert mark(page)["onTop"]


def test_a_preview_at_speed_60_runs_an_hour_in_a_minute(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school(), SUNDAY)
    page = open_screen(context, f"{url}?at=2026-11-22T07:10:00&speed=60", SATURDAY_EVENING)
    assert mark(page)["text"] == "PREVIEW from Sunday 22 November 07:10:00 · speed ×60"
    run_for(page, 60_000)
    # The tick comes about once a second of the device: up to a minute of the preview.
    assert text(page, "time") in ("08:09", "08:10")
    assert text(page, "title") == "Second"


def test_a_preview_polls_without_a_screen_id_and_never_reloads_itself(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school(), SUNDAY)
    navigations: list[str] = []
    page = context.new_page()
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    track_requests(page)
    install_clock(page, SATURDAY_EVENING)
    page.goto(f"{url}?at=2026-11-22T12:30&speed=10")
    wait_for_data(page)
    # Past the 24 hours of uptime after which a live screen reloads outside lessons:
    # 23 hours at once, then two more five minutes at a time. Each jump fires every
    # due timer once (a poll, an alert poll, the tick), so the page still polls, and
    # weighs a reload after each poll, 24 times past the 24 hours; running the clock
    # instead would draw all 90,000 seconds' ticks, minutes of Chromium's time.
    fast_forward(page, 23 * 3_600_000)
    for _ in range(2 * 12):
        fast_forward(page, 300_000)
    polls = fetch_log(page, "manifest.json")
    assert len(polls) > 10
    assert {urlsplit(p.url).query for p in polls} == {""}
    assert navigations == [f"{url}?at=2026-11-22T12:30&speed=10"]


@pytest.mark.parametrize("locale", ["ar", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_preview_mark_is_on_top_in_every_layout_even_over_an_alert(
    context: BrowserContext, site: Site, size: str, locale: str
) -> None:
    url = site.add_school(school(locale), SUNDAY)
    site.publish(
        [
            plan_alert(
                KEY,
                [AlertMessage(level="urgent", text="Evacuate now", since=riyadh("06:00:00"))],
                PublishSettings(),
            )
        ]
    )
    width, height = SIZES[size]
    page = open_screen(context, f"{url}?at=2026-11-22T07:10:00", SATURDAY_EVENING, SIZES[size])
    wait_until(page, "document.querySelector('[data-screen]').dataset.alert === 'urgent'")
    shown = mark(page)
    word = "PREVIEW" if locale == "en" else "معاينة"
    assert (shown["hidden"], shown["inside"], shown["onTop"]) == (False, True, True), shown
    assert shown["text"].startswith(word)
    # The frame round the screen, above the takeover too.
    frame = page.evaluate(
        "getComputedStyle(document.querySelector('[data-screen]'), '::before').borderTopWidth"
    )
    assert float(frame.removesuffix("px")) >= 0.5 * min(width, height) / 67.5


# -- a preview touches nothing of the live screen -----------------------------------------


def test_a_preview_changes_neither_localstorage_nor_the_service_workers_caches(
    chromium: Browser, site: Site
) -> None:
    context = chromium.new_context(service_workers="allow")
    context.add_init_script(FETCH_LOG_SCRIPT)
    try:
        url = site.add_school(school(), SUNDAY)
        live = open_screen(context, url, riyadh("07:10:00"))
        wait_until(
            live,
            """caches.open('screen-files-v1').then((c) => c.keys())
            .then((keys) => keys.filter((k) => k.url.includes('/days/')).length === 7)""",
        )
        before = stored(live)
        assert before["local"] and before["caches"]["screen-pages-v1"]
        live.close()
        # A new revision: a worker that kept what the preview fetched would hold it.
        site.add_school(school_with(riyadh_school(), KEY, locale="en", name="Renamed"), SUNDAY)

        preview = open_screen(context, f"{url}?at=2026-11-23T07:10:00", riyadh("07:20:00"))
        assert preview.evaluate("navigator.serviceWorker.controller !== null")
        assert text(preview, "school") == "Renamed"
        run_for(preview, 130_000)  # a few polls, and the alert's
        assert stored(preview) == before
    finally:
        context.close()


# -- a preview that cannot be shown says why ----------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("at=2026-11-31T07:10", "at=2026-11-31T07:10: not a time"),
        ("at=tomorrow", "at=tomorrow: not a time, expected YYYY-MM-DDTHH:MM[:SS]"),
        ("at=2026-11-22T07:10&speed=0", "speed=0: not a number from 1 to 3600"),
        ("at=2026-11-22T07:10&speed=5000", "speed=5000: not a number from 1 to 3600"),
        ("at=2026-11-22T07:10&speed=fast", "speed=fast: not a number from 1 to 3600"),
        ("speed=60", "speed needs at="),
    ],
)
def test_a_bad_at_or_speed_is_said_on_screen_and_nothing_runs(
    context: BrowserContext, site: Site, query: str, message: str
) -> None:
    url = site.add_school(school(), SUNDAY)
    page = open_tab(context)
    install_clock(page, riyadh("07:10:00"))
    page.goto(f"{url}?{query}")
    wait_until(page, "document.querySelector('[data-screen]').dataset.preview === 'error'")
    shown = mark(page)
    assert shown["text"].startswith("PREVIEW This preview cannot be shown: ")
    assert message in shown["text"]
    assert shown["inside"] and shown["onTop"]
    run_for(page, 20_000)
    assert fetch_log(page, "manifest.json") == []
    assert page.evaluate("localStorage.length") == 0


# -- identify ----------------------------------------------------------------------------


def identity(page: Page) -> dict[str, str] | None:
    """The identify panel's fields, label -> value, or None when it is not shown."""
    return page.evaluate(
        """() => {
             const box = document.querySelector('[data-slot="identify"]');
             if (box.hidden) return null;
             const cells = [...box.querySelectorAll('dt, dd')].map((e) => e.textContent);
             const fields = {};
             for (let i = 0; i < cells.length; i += 2) fields[cells[i]] = cells[i + 1];
             return fields;
           }"""
    )


def test_identify_shows_the_school_build_data_sync_clock_offset_and_last_error(
    context: BrowserContext, site: Site
) -> None:
    revised = dt.datetime(2026, 11, 19, 10, 32, 5, tzinfo=RIYADH)
    named = school_with(riyadh_school(), KEY, locale="en", name="Al Noor", revised_at=revised)
    url = site.add_school(named, SUNDAY)
    revision = json.loads((site.root / f"schools/{KEY}/manifest.json").read_text())["revision"]
    page = open_tab(context)
    install_clock(page, riyadh("07:10:00"))
    # The server's clock is two minutes ahead: the page corrects its own by that, and half a
    # second for the Date header's truncation.
    ahead = (riyadh("07:12:00")).strftime("%a, %d %b %Y %H:%M:%S GMT")

    def dated(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "date": ahead})

    page.route(MANIFEST_POLLS, dated)
    page.goto(f"{url}?identify")
    wait_for_data(page)
    page.clock.run_for(1_100)
    assert identity(page) == {
        "School": "Al Noor",
        "School key": "Pv7-test…",
        "Page build": asset_build_hash(asset_files()),
        "Data revision": str(revision),
        "Data changed": "Thursday 19 November 10:32:05",
        "Last good sync": "Sunday 22 November 07:12:00",
        "Clock offset": "+120.5 s",
        "Last error": "none",
    }
    assert text(page, "time") == "07:12"  # the screen runs on behind the panel

    page.unroute(MANIFEST_POLLS)
    page.route(MANIFEST_POLLS, lambda route: route.fulfill(status=500, body="down"))
    for _ in range(10):  # until a poll gets the 500: one in flight then may time out first
        run_for(page, 60_000)
        error = (identity(page) or {})["Last error"]
        if error.startswith("HTTP 500"):
            break
    assert error.startswith("HTTP 500 manifest.json · Sunday 22 November 07:"), error

    page.keyboard.press("i")
    assert identity(page) is None
    page.keyboard.press("i")
    assert identity(page) is not None


def test_the_i_key_shows_identify_in_the_schools_language(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school("ar"), SUNDAY)
    page = open_screen(context, url, riyadh("07:10:00"))
    assert identity(page) is None
    page.keyboard.press("i")
    fields = identity(page) or {}
    assert fields["مفتاح المدرسة"] == "Pv7-test…"
    assert fields["آخر خطأ"] == "لا يوجد"
    assert page.locator('[data-slot="identify-heading"]').text_content() == "تعريف الشاشة"


@pytest.mark.parametrize("locale", ["ar", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_identify_fits_every_layout_below_the_running_clock(
    context: BrowserContext, site: Site, size: str, locale: str
) -> None:
    url = site.add_school(school(locale), SUNDAY)
    page = open_screen(context, f"{url}?identify", riyadh("07:10:00"), SIZES[size])
    page.clock.run_for(1_100)
    placed = page.evaluate(
        """() => {
             const panel = document.querySelector('[data-slot="identify"]');
             const box = panel.getBoundingClientRect();
             const clock = document.querySelector('.clock').getBoundingClientRect();
             const value = parseFloat(getComputedStyle(panel.querySelector('dd')).fontSize);
             return {
               inside: box.left >= 0 && box.top >= 0
                 && box.right <= innerWidth && box.bottom <= innerHeight,
               clockAbove: clock.bottom <= box.top,
               whole: panel.scrollHeight <= panel.clientHeight + 1,
               valueRem: Math.round((value / Math.min(innerWidth, innerHeight)) * 6750) / 100,
             };
           }"""
    )
    assert placed == {"inside": True, "clockAbove": True, "whole": True, "valueRem": 3}
