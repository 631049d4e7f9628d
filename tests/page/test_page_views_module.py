"""views.js, the pure part of a screen's own view, run in Chromium: reading the
address's parameters, choosing the classes, filtering a day, and the note."""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    chromium_fixture,
    modules_fixture,
)
from playwright.sync_api import Page
from schools import riyadh_school

from publisher.build import build_day
from publisher.page import asset_build_hash, asset_files

SUNDAY = dt.date(2026, 11, 22)
CLASSES = ["7A", "7B", "8A", "1/أ"]
GROUPS = {"first-floor": ["7A", "7B"], "wing": ["8A"]}


def run(page: Page, body: str, arg: Any = None) -> Any:
    """Runs `body` (an async function body) with views.js imported as `views`."""
    base = f"/assets/{asset_build_hash(asset_files())}/js/"
    return page.evaluate(
        f"async (arg) => {{ const views = await import('{base}views.js');\n{body} }}", arg
    )


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("", {"classes": [], "orientation": None, "lang": None, "problems": []}, id="none"),
        pytest.param("?classes=7A,%207B,,7A", {"classes": ["7A", "7B"], "orientation": None, "lang": None, "problems": []}, id="classes-trimmed-once-each"),
        pytest.param("?classes=1%2F%D8%A3", {"classes": ["1/أ"], "orientation": None, "lang": None, "problems": []}, id="an-encoded-arabic-class"),
        pytest.param("?orientation=Portrait&lang=EN", {"classes": [], "orientation": "portrait", "lang": "en", "problems": []}, id="any-case"),
        pytest.param("?orientation=upside&lang=fr", {"classes": [], "orientation": None, "lang": None, "problems": [{"parameter": "orientation", "value": "upside"}, {"parameter": "lang", "value": "fr"}]}, id="unknown-values"),
        pytest.param("?at=2026-11-22T07:00&identify", {"classes": [], "orientation": None, "lang": None, "problems": []}, id="other-parameters-ignored"),
    ],
)  # fmt: skip
def test_the_parameters_are_read_from_the_address(modules: Page, search, expected):
    assert run(modules, "return views.readViewParams(arg);", search) == expected


@pytest.mark.parametrize(
    ("wanted", "classes", "unknown"),
    [
        pytest.param([], None, [], id="nothing-asked"),
        pytest.param(["8A"], ["8A"], [], id="a-class"),
        pytest.param(["8a"], ["8A"], [], id="a-class-in-another-case"),
        pytest.param(["first-floor"], ["7A", "7B"], [], id="a-group"),
        pytest.param(["First-Floor", "8A"], ["7A", "7B", "8A"], [], id="a-group-and-a-class"),
        pytest.param(["1/أ", "9Z"], ["1/أ"], ["9Z"], id="one-unknown"),
        pytest.param(["9Z", "roof"], None, ["9Z", "roof"], id="nothing-known-shows-all"),
    ],
)
def test_classes_and_groups_are_chosen_from_the_days_classes(
    modules: Page, wanted, classes, unknown
):
    chosen = run(
        modules,
        "const c = views.chooseClasses(arg.wanted, arg.groups, arg.day);"
        " return {classes: c.classes && [...c.classes], unknown: c.unknown};",
        {"wanted": wanted, "groups": GROUPS, "day": CLASSES},
    )
    assert chosen == {"classes": classes, "unknown": unknown}


def test_nothing_is_unknown_before_a_day_is_held(modules: Page):
    chosen = run(
        modules,
        "const c = views.chooseClasses(['7A'], undefined, []); return [c.classes, c.unknown];",
    )
    assert chosen == [None, []]


def test_a_malformed_groups_block_is_no_groups(modules: Page):
    chosen = run(modules, "return views.chooseClasses(['first-floor'], ['7A'], ['7A']).unknown;")
    assert chosen == ["first-floor"]


def test_a_filtered_day_keeps_only_those_classes_lessons_and_the_rest_whole(modules: Page):
    day = build_day(riyadh_school(), SUNDAY).document
    filtered = run(modules, "return views.filterDay(arg, new Set(['1B']));", day)
    assert filtered["classes"] == ["1B"]
    assert {lesson["class"] for p in filtered["periods"] for lesson in p["lessons"]} == {"1B"}
    assert [p["label"] for p in filtered["periods"]] == [p["label"] for p in day["periods"]]
    assert (filtered["duties"], filtered["announcements"]) == (day["duties"], day["announcements"])


def test_the_day_filter_hands_back_the_same_day_until_the_choice_changes(modules: Page):
    same = run(
        modules,
        "const f = views.dayFilter(); const day = {classes: ['1A', '1B'], periods: []};"
        " const a = f(day, new Set(['1A'])); const b = f(day, new Set(['1A']));"
        " const c = f(day, new Set(['1B']));"
        " return [a === b, a === c, f(day, null) === day, c.classes];",
    )
    assert same == [True, False, True, ["1B"]]


@pytest.mark.parametrize(
    ("asked", "portrait", "expected"),
    [
        pytest.param(None, False, {"shape": "landscape", "turned": False}, id="landscape-viewport"),
        pytest.param(None, True, {"shape": "portrait", "turned": False}, id="portrait-viewport"),
        pytest.param("portrait", False, {"shape": "portrait", "turned": True}, id="portrait-on-landscape"),
        pytest.param("landscape", True, {"shape": "landscape", "turned": True}, id="landscape-on-portrait"),
        pytest.param("portrait", True, {"shape": "portrait", "turned": False}, id="as-it-is"),
    ],
)  # fmt: skip
def test_the_shape_follows_the_address_then_the_viewport(modules: Page, asked, portrait, expected):
    assert run(modules, "return views.screenShape(arg[0], arg[1]);", [asked, portrait]) == expected


def test_the_note_names_each_problem_in_the_screens_language(modules: Page):
    params = {"classes": ["9Z"], "orientation": None, "lang": None, "problems": [{"parameter": "orientation", "value": "up"}]}  # fmt: skip
    notes = run(
        modules,
        "return [views.viewNote('en', arg, ['9Z', 'roof']), views.viewNote('ar', arg, []),"
        " views.viewNote('en', {...arg, problems: []}, [])];",
        params,
    )
    assert notes == [
        "Unknown orientation (this screen's address): up — Not found (this screen's address): 9Z, roof",
        "اتجاه غير معروف في عنوان هذه الشاشة: up",
        "",
    ]
