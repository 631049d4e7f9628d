"""One screen's own view, chosen by its address: `?classes=` (classes, or a group the
school named), `?orientation=` and `?lang=`, alone and together. A value the page does
not know never darkens the screen: it is named in a note, and the rest is shown.

The rules are written in docs/operations.md ("One screen, its own view"). Pages run on
Playwright's fake clock; the school is tests/schools.py's Riyadh school (UTC+3): on
Sunday 22 November 2026, First 07:00-07:45 (1A has a substitute), then Second from
07:50 (1B's lesson is cancelled); a duty and an announcement every class shares.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    Site,
    chromium_fixture,
    context_fixture,
    open_screen,
    school_with,
    shared_context_fixture,
    site_fixture,
    text,
)
from playwright.sync_api import Browser, BrowserContext, Page
from schools import riyadh_school

from publisher.build.source import ClassGroupRow, SchoolData

SUNDAY = dt.date(2026, 11, 22)
KEY = "Zx4-test-school-key-7Qp"
AT = dt.datetime(2026, 11, 22, 4, 10, tzinfo=dt.UTC)  # 07:10 in Riyadh: First
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"

SHOWN = """() => {
  const all = (selector) => [...document.querySelectorAll(selector)]
    .filter((e) => e.getClientRects().length > 0).map((e) => e.textContent);
  const root = document.querySelector('[data-screen]');
  const box = root.getBoundingClientRect();
  const note = document.querySelector('[data-slot="view-note"]');
  return {
    classes: all('.class-name'),
    changes: all('.change-class'),
    duties: all('.duty-teacher'),
    announcements: all('[data-slot="announcements"] li').length,
    note: note.hidden ? '' : note.textContent,
    orientation: root.dataset.orientation,
    turned: root.dataset.turned === 'true',
    box: [Math.round(box.width), Math.round(box.height)],
    columns: getComputedStyle(document.querySelector('.body'))
      .gridTemplateColumns.split(' ').length,
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
  };
}"""


def school(locale: str = "ar") -> SchoolData:
    """The Riyadh test school, with one group: "second", of class 1B alone."""
    groups = (ClassGroupRow("second", ("1B",)),)
    return school_with(riyadh_school(), KEY, locale=locale, class_groups=groups)


def shown(page: Page) -> dict[str, Any]:
    return page.evaluate(SHOWN)


def screen(context: BrowserContext, site: Site, query: str, locale: str = "ar") -> Page:
    url = site.add_school(school(locale), SUNDAY)
    return open_screen(context, f"{url}{query}", AT)


# -- classes ------------------------------------------------------------------------------


def test_without_parameters_the_screen_shows_every_class_and_no_note(context, site):
    view = shown(screen(context, site, ""))
    assert view["classes"] == ["1A", "1B"]
    assert view["changes"] == ["1A", "1B"]
    assert view["note"] == ""
    assert view["orientation"] == "landscape" and not view["turned"]


@pytest.mark.parametrize(
    ("query", "classes", "changes"),
    [
        pytest.param("?classes=1A", ["1A"], ["1A"], id="one-class"),
        pytest.param("?classes=1b", ["1B"], ["1B"], id="a-class-in-another-case"),
        pytest.param("?classes=second", ["1B"], ["1B"], id="a-group"),
        pytest.param("?classes=1B,1A", ["1A", "1B"], ["1A", "1B"], id="classes-in-school-order"),
        pytest.param("?classes=second,1A", ["1A", "1B"], ["1A", "1B"], id="a-group-and-a-class"),
    ],
)
def test_classes_show_only_their_cards_and_changes_and_the_school_wide_rest(
    context, site, query, classes, changes
):
    view = shown(screen(context, site, query))
    assert view["classes"] == classes
    assert view["changes"] == changes
    assert view["duties"] == ["Duty Daily"]  # duties and announcements are the school's
    assert view["announcements"] == 1
    assert view["note"] == ""


def test_an_unknown_class_is_named_on_screen_beside_the_known_ones(context, site):
    view = shown(screen(context, site, "?classes=1A,9Z&lang=en"))
    assert view["classes"] == ["1A"]
    assert view["note"] == "Not found (this screen's address): 9Z"


def test_when_nothing_asked_for_is_known_every_class_is_shown_with_the_note(context, site):
    page = screen(context, site, "?classes=9Z,third-floor")
    view = shown(page)
    assert view["classes"] == ["1A", "1B"]
    assert "9Z" in view["note"] and "third-floor" in view["note"]
    assert page.locator('[data-slot="view-note"]').is_visible()


# -- orientation --------------------------------------------------------------------------


def test_forced_portrait_on_a_landscape_viewport_draws_portrait_turned_to_fill_it(context, site):
    page = screen(context, site, "?orientation=portrait")
    view = shown(page)
    assert (view["orientation"], view["turned"]) == ("portrait", True)
    assert view["columns"] == 1  # the portrait design: the moment above the classes
    # Laid out 1080 wide and 1920 tall, then turned: it covers the 1920x1080 viewport.
    assert page.evaluate("document.querySelector('[data-screen]').offsetWidth") == 1080
    assert view["box"] == [1920, 1080]
    assert view["classes"] == ["1A", "1B"]


def test_forced_landscape_on_a_portrait_viewport_draws_landscape_turned(chromium: Browser, site):
    context = chromium.new_context(
        viewport={"width": 1080, "height": 1920}, service_workers="block"
    )
    try:
        view = shown(screen(context, site, "?orientation=landscape"))
    finally:
        context.close()
    assert (view["orientation"], view["turned"]) == ("landscape", True)
    assert view["columns"] == 2
    assert view["box"] == [1080, 1920]


def test_the_orientation_the_viewport_has_already_turns_nothing(context, site):
    view = shown(screen(context, site, "?orientation=landscape"))
    assert (view["orientation"], view["turned"], view["box"]) == ("landscape", False, [1920, 1080])


def test_an_unknown_orientation_is_named_and_the_viewports_is_used(context, site):
    view = shown(screen(context, site, "?orientation=sideways&lang=en"))
    assert (view["orientation"], view["turned"]) == ("landscape", False)
    assert view["note"] == "Unknown orientation (this screen's address): sideways"


# -- language -----------------------------------------------------------------------------


def test_english_on_an_arabic_school_turns_words_digits_and_direction(context, site):
    page = screen(context, site, "?lang=en")
    view = shown(page)
    assert (view["lang"], view["dir"]) == ("en", "ltr")
    assert text(page, "kicker") == "Lesson now"
    assert text(page, "time") == "07:10"
    assert "Sunday" in text(page, "date")
    assert text(page, "school") == "مدرسة alpha"  # the school's data stays as entered
    assert page.evaluate("getComputedStyle(document.querySelector('.now-card')).direction") == "ltr"


def test_arabic_on_an_english_school_turns_words_digits_and_direction(context, site):
    page = screen(context, site, "?lang=ar", locale="en")
    view = shown(page)
    assert (view["lang"], view["dir"]) == ("ar", "rtl")
    assert text(page, "kicker") == "الحصة الحالية"
    assert text(page, "time") == "٠٧:١٠"


def test_an_unknown_language_is_named_in_the_schools_own(context, site):
    page = screen(context, site, "?lang=fr")
    view = shown(page)
    assert (view["lang"], view["dir"]) == ("ar", "rtl")
    assert text(page, "kicker") == "الحصة الحالية"
    assert view["note"] == "لغة غير معروفة في عنوان هذه الشاشة: fr"


# -- together -----------------------------------------------------------------------------


def test_a_group_in_english_in_portrait_together(context, site):
    page = screen(context, site, "?classes=second&orientation=portrait&lang=en")
    view = shown(page)
    assert view["classes"] == ["1B"]
    assert (view["orientation"], view["turned"], view["dir"]) == ("portrait", True, "ltr")
    assert text(page, "kicker") == "Lesson now"
    assert view["note"] == ""
    assert all(c not in text(page, "time") for c in ARABIC_DIGITS)
