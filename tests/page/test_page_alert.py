"""Alerts on the display page, in Chromium: the takeover comes with the next alert poll,
shows both texts, ends at its `until` on the screen's own clock, and nothing the alert
object does (missing, malformed, unreachable) blanks the screen.

The school's alert object is published as `publisher alert` publishes it
(`plan_alert`, then the one write loop); the page's clock is Playwright's fake one,
moved with `run_for`. The alert poll waits 8 s plus up to 4 s of jitter, so a change
to the object shows within 12 s.
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
    modules_fixture,
    open_screen,
    open_tab,
    school_with,
    shared_context_fixture,
    site_fixture,
    text,
)
from playwright.sync_api import BrowserContext, Page, Route
from schools import riyadh_school

from publisher.build.alert import AlertMessage
from publisher.config import PublishSettings
from publisher.page import asset_build_hash, asset_files
from publisher.publish import plan_alert
from testsupport.screens import run_for, wait_until

SUNDAY = dt.date(2026, 11, 22)
KEY = "Zx4-test-alert-key-7Qp0"
RIYADH = dt.timezone(dt.timedelta(hours=3))
ONE_POLL_MS = 13_000  # the alert poll's longest regular wait (12 s), and a tick
ARABIC = "إخلاء المبنى فوراً عبر المخارج"


def riyadh(hhmmss: str) -> dt.datetime:
    return dt.datetime.combine(SUNDAY, dt.time.fromisoformat(hhmmss), RIYADH).astimezone(dt.UTC)


def put_alert(site: Site, *alerts: AlertMessage) -> None:
    """The school's alert.json as `publisher alert` writes it (none: no alert up)."""
    site.publish([plan_alert(KEY, alerts, PublishSettings())])


def urgent(until: str | None = "07:10:00", **changes: Any) -> AlertMessage:
    fields: dict[str, Any] = {
        "level": "urgent",
        "text": "Evacuate the building now by the nearest exit",
        "since": riyadh("07:00:00"),
        "second_text": ARABIC,
        "until": riyadh(until) if until else None,
    }
    return AlertMessage(**{**fields, **changes})


TAKEOVER = """() => {
             const box = document.querySelector('[data-slot="alert"]');
             if (box.hidden || getComputedStyle(box).display === 'none') return null;
             const second = document.querySelector('[data-slot="alert-second"]');
             return {
               level: document.querySelector('[data-screen]').dataset.alert,
               label: document.querySelector('[data-slot="alert-label"]').textContent,
               text: document.querySelector('[data-slot="alert-text"]').textContent,
               second: second.hidden ? null : second.textContent,
               secondDirection: getComputedStyle(second).direction,
               timetable: getComputedStyle(document.querySelector('.body')).visibility,
               background: getComputedStyle(box).backgroundColor,
             };
           }"""
"""What `takeover` evaluates in the page (`takeover_once_drawn` waits on it too)."""


def takeover(page: Page) -> dict[str, Any] | None:
    """The takeover as a passer-by sees it, or None when it is not on screen."""
    return page.evaluate(TAKEOVER)


def takeover_once_drawn(page: Page, level: str | None) -> dict[str, Any] | None:
    """The takeover once the screen shows an alert of `level` (None: no alert).

    `run_for` returns when the last poll's answer has arrived; the page draws it in a
    task of its own, which may come after the next look. So an alert appearing, changing
    or going is waited for (in real time: the page's clock stands still meanwhile).
    """
    wanted = "null" if level is None else f"'{level}'"
    wait_until(page, f"(({TAKEOVER})() || {{level: null}}).level === {wanted}")
    return takeover(page)


def screen_with_school(context: BrowserContext, site: Site, at: str = "07:02:00") -> Page:
    url = site.add_school(school_with(riyadh_school(), KEY, locale="en"), SUNDAY)
    return open_screen(context, url, riyadh(at))


def test_an_alert_takes_over_at_the_next_alert_poll_with_both_texts_and_the_clock_in_sight(
    context: BrowserContext, site: Site
) -> None:
    page = screen_with_school(context, site)
    assert takeover(page) is None  # no alert object yet: a 404, no takeover
    put_alert(site, urgent())
    run_for(page, ONE_POLL_MS)
    assert takeover_once_drawn(page, "urgent") == {
        "level": "urgent",
        "label": "Urgent",
        "text": "Evacuate the building now by the nearest exit",
        "second": ARABIC,
        "secondDirection": "rtl",
        "timetable": "hidden",
        "background": "rgb(179, 0, 27)",
    }
    # The clock stays on screen, above the takeover, and keeps running.
    clock = page.locator('[data-slot="time"]').bounding_box()
    box = page.locator('[data-slot="alert"]').bounding_box()
    assert clock and box and clock["y"] + clock["height"] <= box["y"]
    assert text(page, "time") == "07:02"
    # No reload came with it: the manifest was fetched once, at load.
    assert len(fetch_log(page, "manifest.json")) == 1


def test_a_notice_is_calmer_and_an_urgent_alert_goes_first(
    context: BrowserContext, site: Site
) -> None:
    page = screen_with_school(context, site)
    notice = urgent(level="notice", text="Parents' evening at 18:00", second_text=None)
    put_alert(site, notice)
    run_for(page, ONE_POLL_MS)
    shown = takeover_once_drawn(page, "notice")
    assert shown and (shown["level"], shown["label"], shown["second"]) == ("notice", "Notice", None)
    assert shown["background"] == "rgb(255, 209, 102)"
    put_alert(site, notice, urgent())
    run_for(page, ONE_POLL_MS)
    shown = takeover_once_drawn(page, "urgent")
    assert shown and (shown["level"], shown["text"]) == ("urgent", urgent().text)


def test_an_alert_ends_at_its_until_on_the_screen_with_no_request_while_polls_fail(
    context: BrowserContext, site: Site
) -> None:
    """The last alert seen holds through failed polls, each until its own end."""
    page = screen_with_school(context, site, at="07:09:00")
    put_alert(site, urgent(until="07:10:00"))
    run_for(page, ONE_POLL_MS)  # 07:09:13
    assert takeover_once_drawn(page, "urgent") is not None
    page.route("**/alert.json", lambda route: route.abort("connectionfailed"))
    run_for(page, 45_000)  # 07:09:58: every poll since failed; the alert holds
    assert takeover(page) is not None
    answered = [f for f in fetch_log(page, "alert.json") if isinstance(f.status, int)]
    run_for(page, 3_000)  # 07:10:01: past its until
    assert takeover(page) is None
    assert [f for f in fetch_log(page, "alert.json") if isinstance(f.status, int)] == answered
    assert page.locator("[data-screen]").get_attribute("data-state") == "period"


def test_a_cleared_alert_goes_at_the_next_poll_without_a_reload(
    context: BrowserContext, site: Site
) -> None:
    page = screen_with_school(context, site)
    put_alert(site, urgent(until=None))
    run_for(page, ONE_POLL_MS)
    assert takeover_once_drawn(page, "urgent") is not None
    put_alert(site)  # `publisher alert --clear`: {"schema": 1, "alerts": []}
    run_for(page, ONE_POLL_MS)
    assert takeover_once_drawn(page, None) is None
    assert len(fetch_log(page, "manifest.json")) == 1


def answering(kind: str):
    def handle(route: Route) -> None:
        if kind == "404":
            route.fulfill(status=404, body="Not Found")
        elif kind == "malformed":
            route.fulfill(status=200, content_type="application/json", body='{"schema": 1, "al')
        elif kind == "schema":
            route.fulfill(status=200, content_type="application/json", body='{"schema": 2}')
        else:
            raise AssertionError(kind)

    return handle


@pytest.mark.parametrize("kind", ["404", "malformed", "schema"])
def test_a_missing_or_malformed_alert_object_shows_no_alert_and_keeps_the_screen(
    context: BrowserContext, site: Site, kind: str
) -> None:
    page = screen_with_school(context, site)
    cards = page.locator(".class-card:not([hidden])").all_text_contents()
    put_alert(site, urgent(until=None))
    run_for(page, ONE_POLL_MS)
    assert takeover_once_drawn(page, "urgent") is not None
    page.route("**/alert.json", answering(kind))
    run_for(page, ONE_POLL_MS)
    assert takeover_once_drawn(page, None) is None
    assert page.locator(".class-card:not([hidden])").all_text_contents() == cards
    assert page.locator("[data-screen]").get_attribute("data-state") == "period"


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1366, 768)], ids=str)
def test_the_longest_alert_fits_whole_and_its_text_is_large(
    context: BrowserContext, site: Site, size: tuple[int, int]
) -> None:
    height = size[1]
    url = site.add_school(school_with(riyadh_school(), KEY, locale="ar"), SUNDAY)
    put_alert(site, urgent(text="Evacuate now. " * 21 + "Go", second_text=ARABIC * 10))
    page = open_tab(context, size)
    page.clock.install(time=riyadh("07:01:55"))
    page.clock.pause_at(riyadh("07:02:00"))
    page.goto(url)
    run_for(page, 2_000)
    measured = page.evaluate(
        """() => {
             const box = document.querySelector('[data-slot="alert"]');
             const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
             const sizes = ['alert-text', 'alert-second'].map((slot) =>
               parseFloat(getComputedStyle(
                 document.querySelector(`[data-slot="${slot}"]`)).fontSize) / rem);
             return {hidden: box.hidden, spill: box.scrollHeight - box.clientHeight,
                     bottom: box.getBoundingClientRect().bottom, sizes};
           }"""
    )
    assert not measured["hidden"]
    assert measured["spill"] <= 0
    assert measured["bottom"] <= height
    assert min(measured["sizes"]) >= 2.49  # 2.5rem, well over the page's 1.5rem floor


# -- the pure module -----------------------------------------------------------------


def run(page: Page, body: str, arg: Any = None) -> Any:
    base = f"/assets/{asset_build_hash(asset_files())}/js/"
    return page.evaluate(
        f"async (arg) => {{ const alert = await import('{base}alert.js');\n{body} }}", arg
    )


def epoch_ms(hhmmss: str) -> int:
    return int(riyadh(hhmmss).timestamp() * 1000)


@pytest.mark.parametrize(
    ("body", "count"),
    [
        pytest.param("not json", 0, id="not-json"),
        pytest.param('{"schema": 2, "alerts": []}', 0, id="other-schema"),
        pytest.param('{"schema": 1}', 0, id="no-list"),
        pytest.param(
            '{"schema": 1, "alerts": [{"level": "urgent", "text": "x"}]}', 0, id="no-since"
        ),
        pytest.param(
            '{"schema": 1, "alerts": ['
            '{"level": "panic", "text": "x", "since": "2026-11-22T04:00:00Z"},'
            ' {"level": "notice", "text": "y", "since": "2026-11-22T04:00:00Z"}]}',
            1,
            id="a-bad-entry-alone-is-left-out",
        ),
    ],
)
def test_parse_refuses_what_is_not_an_alert(modules: Page, body: str, count: int) -> None:
    assert run(modules, "return alert.parseAlerts(arg).alerts.length;", body) == count


def test_alert_at_shows_the_most_pressing_level_in_turns_until_each_ends(modules: Page) -> None:
    doc = {
        "schema": 1,
        "alerts": [
            {
                "level": "urgent",
                "text": "A",
                "since": "2026-11-22T04:00:00Z",
                "until": "2026-11-22T04:10:00Z",
            },
            {
                "level": "urgent",
                "text": "B",
                "since": "2026-11-22T04:00:00Z",
                "until": "2026-11-22T04:20:00Z",
            },
            {"level": "notice", "text": "C", "since": "2026-11-22T04:00:00Z"},
        ],
    }
    instants = {"07:05:00": None, "07:05:12": None, "07:15:00": None, "07:25:00": None}
    answers = run(
        modules,
        """
        const doc = alert.parseAlerts(JSON.stringify(arg.doc));
        return arg.instants.map((t) => {
          const shown = alert.alertAt(doc, t, 12000);
          return shown && [shown.alert.text, shown.index, shown.count];
        });
        """,
        {"doc": doc, "instants": [epoch_ms(t) for t in instants]},
    )
    first, second, after_a, after_b = answers
    assert {first[0], second[0]} == {"A", "B"} and first[2] == second[2] == 2  # in turns
    assert after_a == ["B", 0, 1]  # A ended at 07:10 on the screen's clock
    assert after_b == ["C", 0, 1]  # the notice shows once no urgent alert is up
