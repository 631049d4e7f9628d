"""A school's display settings on its screen (the manifest's `school.display`): the
Hijri line, the digits, the accent colour, the logo and the night hours each change
what the screen shows; a bad value is ignored on its own; a manifest without the
block (published before it existed) shows the defaults; a new manifest applies its
settings without a reload.

The rules are written in publisher/site/README.md ("Display settings"). Pages run on
Playwright's fake clock; the school is tests/schools.py's Riyadh school (UTC+3): on
Sunday 22 November 2026, First 07:00-07:45, then Second from 07:50.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    VIEWPORT,
    Site,
    chromium_fixture,
    context_fixture,
    install_clock,
    modules_fixture,
    not_alert_polls,
    open_screen,
    open_tab,
    own_context_fixture,
    past_first_build_check,
    school_with,
    serve,
    shared_context_fixture,
    site_fixture,
    text,
    wait_for_data,
    wait_until,
)
from playwright.sync_api import Browser, BrowserContext, Page, Route
from schools import riyadh_school

from publisher.build.source import DisplaySettings, LessonRow, Logo, NightHours, SchoolData
from publisher.page import asset_build_hash, asset_files
from testsupport.screens import MANIFEST_POLLS, emblem_png, run_for

SUNDAY = dt.date(2026, 11, 22)
MONDAY = SUNDAY + dt.timedelta(days=1)
KEY = "Zx4-test-school-key-7Qp"
RIYADH = dt.timezone(dt.timedelta(hours=3))
TEAL = "rgb(125, 218, 200)"  # the page's own accent (screen.css --accent)
PANEL = (0x1B, 0x35, 0x50)  # the now-card's background (screen.css --panel-strong)
EMBLEM = Logo(emblem_png((26, 127, 90)), "png")
UNDECODABLE = Logo(b"\x89PNG\r\n\x1a\n" + bytes(100), "png")  # a PNG's signature, then zeros
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
VIOLATIONS_SCRIPT = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def riyadh(hhmmss: str, day: dt.date = SUNDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmmss), RIYADH).astimezone(dt.UTC)


def ms(duration: dt.timedelta) -> int:
    return int(duration.total_seconds() * 1000)


def school(locale: str = "ar", **display: Any) -> SchoolData:
    """The Riyadh test school on a screen in `locale`, with these display settings."""
    return school_with(riyadh_school(), KEY, locale=locale, display=DisplaySettings(**display))


def manifest_edited(site: Site, edit: Callable[[dict[str, Any]], None]):
    """A route handler serving the school's published manifest after `edit` changed it."""

    def handle(route: Route) -> None:
        path = site.root / route.request.url.removeprefix(site.base_url + "/").split("?")[0]
        document = json.loads(path.read_bytes())
        edit(document)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(document))

    return handle


def without_display(document: dict[str, Any]) -> None:
    del document["school"]["display"]


# What the settings do to the screen: the Hijri line (null when not shown), the
# colours of the accented edges and of the "Lesson now" text, the logo's src (null
# when not shown), the dimming layer, and the inline style the page set.
LOOK = """() => {
  const root = document.querySelector('[data-screen]');
  const style = (selector) => getComputedStyle(document.querySelector(selector));
  const shown = (element) => element !== null && element.getClientRects().length > 0;
  const hijri = document.querySelector('[data-slot="hijri"]');
  const logo = document.querySelector('.logo');
  const layer = getComputedStyle(root, '::after');
  return {
    hijri: shown(hijri) ? hijri.textContent : null,
    edge: style('.now-card').borderInlineStartColor,
    rule: style('.top').borderBlockEndColor,
    kicker: style('.kicker').color,
    logo: shown(logo) ? logo.src : null,
    night: root.dataset.night === 'true',
    layer: layer.content === 'none' ? null : layer.backgroundColor,
    style: root.getAttribute('style') || '',
  };
}"""


def look(page: Page) -> dict[str, Any]:
    return page.evaluate(LOOK)


def mark(page: Page) -> None:
    """Marks the loaded document: the mark is gone if the page reloads."""
    page.evaluate("window.__sameDocument = true")


def same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def published_logo(site: Site) -> str:
    manifest = json.loads((site.root / f"schools/{KEY}/manifest.json").read_bytes())
    return f"{site.base_url}/schools/{KEY}/{manifest['school']['display']['logo']}"


def logo_loaded(page: Page) -> None:
    wait_until(
        page,
        "(() => { const logo = document.querySelector('.logo');"
        " return logo && logo.complete && logo.naturalWidth > 0 && !logo.hidden; })()",
    )


def rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(n) for n in re.findall(r"\d+", css)[:3])
    return r, g, b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(colour: tuple[int, int, int]) -> float:
        linear = [
            c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
            for c in colour
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def open_edited(
    context: BrowserContext, site: Site, url: str, at: dt.datetime, edit: Callable[[dict], None]
) -> Page:
    """open_screen, with every manifest edited by `edit` on its way to the page."""
    page = open_tab(context)
    page.route(MANIFEST_POLLS, manifest_edited(site, edit))
    install_clock(page, at)
    page.goto(url)
    wait_for_data(page)
    return page


# -- the defaults ----------------------------------------------------------------------


@pytest.mark.parametrize("manifest", ["published-defaults", "no-display-block"])
@pytest.mark.parametrize(
    ("locale", "hijri", "time"),
    [pytest.param("ar", "١٤٤٨", "٠٧:١٠", id="ar"), pytest.param("en", None, "07:10", id="en")],
)
def test_the_defaults_hold_for_each_locale(
    context: BrowserContext, site: Site, manifest: str, locale: str, hijri: str | None, time: str
) -> None:
    """A school that set nothing, and a manifest from before the settings existed: the
    Hijri line and Arabic-Indic digits in Arabic, neither in English; the page's own
    colour; no logo; never dimmed."""
    url = site.add_school(school(locale), SUNDAY)
    at = riyadh("07:10:00")
    if manifest == "no-display-block":
        page = open_edited(context, site, url, at, without_display)
    else:
        page = open_screen(context, url, at)
    shown = look(page)
    assert shown["hijri"] is None if hijri is None else hijri in shown["hijri"]
    assert text(page, "time") == time
    assert (shown["edge"], shown["rule"], shown["kicker"]) == (TEAL, TEAL, TEAL)
    assert (shown["logo"], shown["night"], shown["layer"]) == (None, False, None)
    assert shown["style"] == ""
    assert page.locator("img").count() == 0


# -- the Hijri line and the digits -----------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "hijri", "expected"),
    [
        pytest.param("ar", False, None, id="ar-off"),
        pytest.param("en", True, "12 Jumada II 1448 AH", id="en-on"),
    ],
)
def test_the_hijri_line_follows_the_setting(
    context: BrowserContext, site: Site, locale: str, hijri: bool, expected: str | None
) -> None:
    page = open_screen(
        context, site.add_school(school(locale, hijri=hijri), SUNDAY), riyadh("07:10:00")
    )
    assert look(page)["hijri"] == expected
    assert text(page, "date")  # the Gregorian date stays either way


def thirty_classes(locale: str, **display: Any) -> SchoolData:
    """Thirty classes (two pages of fifteen, so a page indicator shows) with lessons."""
    classes = tuple(f"{grade}{section}" for grade in (7, 8, 9) for section in "ABCDEFGHIJ")
    lessons = tuple(
        LessonRow("sunday", period, name, "Maths", f"T-{name}")
        for period in (1, 2, 4)
        for name in classes
    )
    return dataclasses.replace(
        school(locale, **display), classes=classes, lessons=lessons, substitutions=()
    ).normalized()


# Every text on screen made of the page's own numbers (user text aside): the clock,
# the countdown, the dates, the period's times, the next bell, the page indicator
# and the footer.
NUMBERS = (
    "time",
    "seconds",
    "countdown",
    "date",
    "hijri",
    "range",
    "next",
    "classes-page",
    "revision",
)


@pytest.mark.parametrize(
    ("locale", "digits", "used", "unused"),
    [
        pytest.param("ar", "latn", "0123456789", ARABIC_DIGITS, id="arabic-with-latin-digits"),
        pytest.param("en", "arab", ARABIC_DIGITS, "0123456789", id="english-with-arabic-digits"),
    ],
)
def test_the_digits_follow_the_setting_wherever_the_page_writes_a_number(
    context: BrowserContext, site: Site, locale: str, digits: str, used: str, unused: str
) -> None:
    url = site.add_school(thirty_classes(locale, digits=digits, hijri=True), SUNDAY)
    page = open_screen(context, url, riyadh("07:10:00"))
    page.clock.run_for(1_100)
    numbers = {slot: text(page, slot) for slot in NUMBERS}
    assert numbers["time"] == ("07:10" if digits == "latn" else "٠٧:١٠")
    for slot, shown in numbers.items():
        assert shown, slot
        assert any(d in shown for d in used), (slot, shown)
        assert not any(d in shown for d in unused), (slot, shown)
    assert numbers["countdown"] == ("34:59" if digits == "latn" else "٣٤:٥٩")


# -- the accent ------------------------------------------------------------------------------


def test_the_accent_colours_the_accented_edges_and_stays_legible_as_text(
    own_context: BrowserContext, site: Site
) -> None:
    """A dark green: as given on the header's rule and the lesson card's edge; lightened
    for the "Lesson now" text until it reads on the card (4.5:1). Set through the
    CSSOM, which the page's CSP (no inline styles) allows."""
    own_context.add_init_script(VIOLATIONS_SCRIPT)
    page = open_screen(
        own_context, site.add_school(school("en", accent="#1a7f5a"), SUNDAY), riyadh("07:10:00")
    )
    shown = look(page)
    assert shown["edge"] == shown["rule"] == "rgb(26, 127, 90)"
    kicker = rgb(shown["kicker"])
    assert contrast(kicker, PANEL) >= 4.5
    assert kicker[1] > kicker[0] and kicker[1] > kicker[2]  # still the school's green
    assert shown["kicker"] != TEAL
    assert "--accent: #1a7f5a" in shown["style"]
    assert page.evaluate("window.__violations") == []


@pytest.mark.parametrize(
    "accent",
    [
        pytest.param("red", id="a-name"),
        pytest.param("#12345", id="five-digits"),
        pytest.param("rgb(1, 2, 3)", id="rgb"),
        pytest.param("#1a7f5a; background: url(/injected.png)", id="css-injection"),
        pytest.param("#1a7f5a\n", id="trailing-newline"),
        pytest.param(1737562, id="a-number"),
    ],
)
def test_a_bad_accent_is_ignored_and_costs_no_other_setting(
    context: BrowserContext, site: Site, accent: Any
) -> None:
    url = site.add_school(school("ar", digits="latn"), SUNDAY)

    def bad_accent(document: dict[str, Any]) -> None:
        document["school"]["display"]["accent"] = accent

    page = open_edited(context, site, url, riyadh("07:10:00"), bad_accent)
    page.clock.run_for(1_100)
    shown = look(page)
    assert (shown["edge"], shown["kicker"], shown["style"]) == (TEAL, TEAL, "")
    assert text(page, "time") == "07:10"  # the digits setting beside it still holds
    assert not [r for r in site.requests if "injected" in r]


# -- the logo --------------------------------------------------------------------------------


def test_the_logo_is_shown_beside_the_schools_name(own_context: BrowserContext, site: Site) -> None:
    own_context.add_init_script(VIOLATIONS_SCRIPT)
    url = site.add_school(school("ar", logo=EMBLEM), SUNDAY)
    page = open_screen(own_context, url, riyadh("07:10:00"))
    logo_loaded(page)
    assert look(page)["logo"] == published_logo(site)
    boxes = page.evaluate(
        """() => Object.fromEntries(['.logo', '.school', '.top', '.clock'].map((s) => {
             const r = document.querySelector(s).getBoundingClientRect();
             return [s, {left: r.left, right: r.right, top: r.top, bottom: r.bottom}];
           }))"""
    )
    logo, name, header, clock = (boxes[s] for s in (".logo", ".school", ".top", ".clock"))
    assert header["top"] <= logo["top"] and logo["bottom"] <= header["bottom"]
    assert logo["top"] < name["bottom"] and name["top"] < logo["bottom"]  # on the name's row
    assert logo["left"] >= name["right"]  # right to left: the logo first, at the right
    assert clock["right"] <= logo["left"]
    assert page.evaluate("document.documentElement.scrollHeight") <= VIEWPORT["height"]
    assert page.evaluate("window.__violations") == []  # the CSP allows it (img-src 'self')


def test_the_logo_is_fetched_once_and_not_again_at_midnight_or_a_countdowns_zero(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school("en", logo=EMBLEM), SUNDAY, poll_interval=300)
    page = past_first_build_check(open_screen(context, url, riyadh("07:44:30")))
    logo_loaded(page)
    logo = published_logo(site).removeprefix(site.base_url)
    assert site.requests.count(logo) == 1
    site.clear_requests()
    page.clock.run_for(40_000)  # through 07:45:00, the end of First
    assert not_alert_polls(site.requests) == []
    before = page.evaluate("window.__fetches.length")
    page.clock.fast_forward(ms(riyadh("23:58:00") - riyadh("07:45:10")))
    # The poll that was due, and the page's check of its own build after it, are over.
    wait_until(
        page,
        f"""window.__fetches.slice({before}).filter((f) => f.end !== null)
            .map((f) => f.url.split('?')[0].split('/').pop())
            .filter((name) => name !== 'alert.json').sort().join()
            === 'index.html,manifest.json'""",
    )
    page.clock.run_for(110_000)  # 23:59:50: the next poll is 300 s on
    site.clear_requests()
    page.clock.run_for(20_000)  # through midnight
    assert not_alert_polls(site.requests) == []
    assert text(page, "date") == "Monday, 23 November 2026"
    assert look(page)["logo"] == published_logo(site)


@pytest.mark.parametrize("kind", ["undecodable", "missing"])
def test_a_logo_that_fails_to_load_hides_itself_and_leaves_the_header_as_it_was(
    chromium: Browser, site: Site, kind: str
) -> None:
    at = riyadh("07:10:00")
    # Two contexts: the second screen starts from the published logo, not from the
    # first one's saved data (whose first tick would draw a header without a logo).
    before = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    try:
        without = site.add_school(school("ar"), SUNDAY)
        header = open_screen(before, without, at).evaluate(HEADER_BOXES)
        logo = UNDECODABLE if kind == "undecodable" else EMBLEM
        url = site.add_school(school("ar", logo=logo), SUNDAY)
        page = context.new_page()
        if kind == "missing":
            page.route("**/logo-*", lambda route: route.fulfill(status=404, body="Not Found"))
        install_clock(page, at)
        page.goto(url)
        wait_for_data(page)
        wait_until(page, "document.querySelector('.logo')?.complete === true")
        page.clock.run_for(1_100)
        page.wait_for_timeout(50)  # the error event
        assert look(page)["logo"] is None
        assert page.evaluate(HEADER_BOXES) == header
        assert text(page, "school") == school("ar").name
    finally:
        before.close()
        context.close()


HEADER_BOXES = """() => ['.top', '.identity', '.school', '.clock', '.body'].map((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  return [r.left, r.top, r.width, r.height];
})"""


# -- night hours -----------------------------------------------------------------------------


def test_night_hours_dim_the_screen_at_start_and_lift_it_at_end_without_a_reload(
    context: BrowserContext, site: Site
) -> None:
    """19:00 to 06:00, across midnight, on the page's own tick and the fake clock."""
    night = NightHours(dt.time(19), dt.time(6))
    url = site.add_school(school("en", night=night), SUNDAY, poll_interval=300)
    page = open_screen(context, url, riyadh("18:59:55"))
    mark(page)
    assert look(page)["night"] is False
    page.clock.run_for(5_100)  # 19:00:00
    shown = look(page)
    assert shown["night"] is True
    assert shown["layer"] == "rgba(0, 0, 0, 0.7)"  # about 30% of the light left
    assert text(page, "time") == "19:00"  # the screen runs on under the layer
    page.clock.run_for(60_000)
    assert text(page, "time") == "19:01"
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('[data-screen]'), '::after').pointerEvents"
        )
        == "none"
    )
    page.clock.fast_forward(ms(riyadh("05:59:50", MONDAY) - riyadh("19:01:01")))
    page.clock.run_for(1_100)
    assert look(page)["night"] is True
    assert text(page, "time") == "05:59"
    page.clock.run_for(10_000)  # 06:00:01
    shown = look(page)
    assert (shown["night"], shown["layer"]) == (False, None)
    assert text(page, "time") == "06:00"
    assert same_document(page)


# -- a new manifest --------------------------------------------------------------------------


def test_changed_settings_apply_with_the_next_manifest_without_a_reload(
    context: BrowserContext, site: Site
) -> None:
    url = site.add_school(school("ar"), SUNDAY)
    page = open_screen(context, url, riyadh("07:10:00"))
    mark(page)
    assert text(page, "time") == "٠٧:١٠"
    changed = dataclasses.replace(
        school("ar", digits="latn", hijri=False, accent="#c8102e", logo=EMBLEM), revision=2
    )
    site.add_school(changed, SUNDAY)
    for _ in range(30):  # the next poll is at most 105 s away (5 s: under a poll's timeout)
        run_for(page, 5_000, step_ms=5_000)
        if text(page, "revision") == "الإصدار 2":
            break
    assert text(page, "revision") == "الإصدار 2", "the changed manifest never arrived"
    logo_loaded(page)
    shown = look(page)
    assert text(page, "time").isascii()
    assert shown["hijri"] is None
    assert shown["edge"] == "rgb(200, 16, 46)"
    assert shown["logo"] == published_logo(site)
    site.add_school(dataclasses.replace(school("ar"), revision=3), SUNDAY)  # all back to defaults
    for _ in range(30):
        run_for(page, 5_000, step_ms=5_000)
        if text(page, "revision") == "الإصدار ٣":
            break
    shown = look(page)
    assert (shown["edge"], shown["logo"], shown["style"]) == (TEAL, None, "")
    assert "١٤٤٨" in shown["hijri"]
    assert same_document(page)


# -- display.js, the pure part ----------------------------------------------------------------


@pytest.fixture(scope="module", name="display")
def display_fixture(modules: Page) -> Page:
    """A blank page able to import the page's display.js (pure: shared by the module)."""
    return modules


def call(page: Page, body: str, arg: Any = None) -> Any:
    """Runs `body` (an async function body) with display.js and format.js imported."""
    base = f"/assets/{asset_build_hash(asset_files())}/js/"
    imports = "".join(
        f"const {name} = await import('{base}{name}.js');\n" for name in ("display", "format")
    )
    return page.evaluate(f"async (arg) => {{ {imports}{body} }}", arg)


@pytest.mark.parametrize(
    ("block", "locale", "expected"),
    [
        pytest.param(None, "ar", {"hijri": True, "digits": "arab"}, id="absent-ar"),
        pytest.param(None, "en", {"hijri": False, "digits": "latn"}, id="absent-en"),
        pytest.param(
            {
                "hijri": False,
                "digits": "latn",
                "accent": "#1A7F5A",
                "logo": "logo-0a1b.webp",
                "night": {"start": "19:00", "end": "05:30"},
            },
            "ar",
            {
                "hijri": False,
                "digits": "latn",
                "accent": "#1a7f5a",
                "logo": "logo-0a1b.webp",
                "night": {"start": 1140, "end": 330},
            },
            id="all-set",
        ),
        pytest.param(
            {
                "hijri": "yes",
                "digits": "hanidec",
                "accent": "#fff",
                "logo": "../other/logo.png",
                "night": {"start": "19:00", "end": "19:00"},
            },
            "en",
            {"hijri": False, "digits": "latn", "accent": None, "logo": None, "night": None},
            id="each-bad-one-defaulted",
        ),
        pytest.param(
            {"logo": "https://elsewhere.example/logo-00.png", "night": {"start": "7pm"}},
            "ar",
            {"logo": None, "night": None},
            id="logo-elsewhere",
        ),
    ],
)
def test_settings_are_read_one_by_one_with_defaults(
    display: Page, block: Any, locale: str, expected: dict[str, Any]
) -> None:
    answer = call(
        display,
        """const s = display.displaySettings(arg.block, arg.locale);
           return {...s, accent: s.accent && s.accent.fill};""",
        {"block": block, "locale": locale},
    )
    assert {key: answer[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("start", "end", "dark", "light"),
    [
        pytest.param(
            "19:00",
            "06:00",
            ["19:00", "23:59", "00:00", "05:59"],
            ["18:59", "06:00", "12:00"],
            id="across-midnight",
        ),
        pytest.param(
            "12:30", "13:15", ["12:30", "13:14"], ["12:29", "13:15", "00:00"], id="within-a-day"
        ),
        pytest.param("00:00", "06:00", ["00:00", "05:59"], ["06:00", "23:59"], id="from-midnight"),
    ],
)
def test_night_hours_include_their_start_and_not_their_end(
    display: Page, start: str, end: str, dark: list[str], light: list[str]
) -> None:
    minutes = lambda hhmm: int(hhmm[:2]) * 60 + int(hhmm[3:])  # noqa: E731
    answer = call(
        display,
        """const s = display.displaySettings({night: arg.night}, "ar");
           return arg.minutes.map((m) => display.isNight(s.night, m));""",
        {"night": {"start": start, "end": end}, "minutes": [minutes(t) for t in dark + light]},
    )
    assert answer == [True] * len(dark) + [False] * len(light)


@pytest.mark.parametrize(
    "colour", ["#000000", "#1a7f5a", "#c8102e", "#0d1b2a", "#7ddac8", "#ffffff"]
)
def test_the_accents_text_colour_reads_on_the_panel_and_keeps_a_light_accent_as_is(
    display: Page, colour: str
) -> None:
    accent = call(display, "return display.accentColours(arg);", colour)
    assert accent["fill"] == colour
    text_colour = tuple(int(accent["text"][i : i + 2], 16) for i in (1, 3, 5))
    assert contrast(text_colour, PANEL) >= 4.5
    fill = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    if contrast(fill, PANEL) >= 4.5:
        assert accent["text"] == colour


def test_formats_take_the_schools_digits_and_read_the_local_minute_whatever_they_are(
    display: Page,
) -> None:
    at = int(riyadh("19:05:09").timestamp() * 1000)
    answer = call(
        display,
        """return ["arab", "latn"].map((digits) => {
             const f = format.makeFormat("ar", "Asia/Riyadh", digits);
             return [f.time(arg), f.countdown(65000), f.number(12), f.minuteOfDay(arg)];
           });""",
        at,
    )
    assert answer == [["١٩:٠٥", "٠١:٠٥", "١٢", 1145], ["19:05", "01:05", "12", 1145]]
