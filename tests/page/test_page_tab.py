"""The page tests' own harness: the tab a test is lent comes back to the next one as
new (tests/page_server.py, "the tab"). The page tests rely on it: a screen keeps its
last good data and its id in localStorage, and a route left behind would answer the
next test's requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    Site,
    chromium_fixture,
    lending_its_tab,
    open_tab,
    own_context_fixture,
    serve,
)
from playwright.sync_api import BrowserContext, Route


@pytest.fixture(name="site")
def one_origin_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One origin for both lendings in each test below, as when a port is used again."""
    with serve(tmp_path_factory.mktemp("tab")) as site:
        site.write_file("blank.html", b"<!doctype html><title>blank</title>")
        yield site


@pytest.fixture(name="context")
def lender(own_context: BrowserContext) -> BrowserContext:
    """A context of this test's own, whose tab the test lends twice itself."""
    return own_context


def test_the_next_test_gets_the_same_tab_blank_alone_unrouted_its_size_and_nothing_stored(
    context: BrowserContext, site: Site
) -> None:
    url = f"{site.base_url}/blank.html"
    with lending_its_tab(context):
        tab = open_tab(context, (1080, 1920))  # a portrait screen
        tab.goto(url)
        tab.evaluate("localStorage.setItem('screen-id', 'left-behind')")
        tab.route("**/blank.html", lambda route: route.fulfill(body="routed"))
        second = open_tab(context)  # the tab is taken: a page of its own
        assert second is not tab
    assert context.pages == [tab] and tab.url == "about:blank"
    assert tab.viewport_size == {"width": 1920, "height": 1080}  # the context's again

    with lending_its_tab(context):
        assert open_tab(context) is tab
        tab.goto(url)
        assert tab.title() == "blank"  # from the server, not the old route
        assert tab.evaluate("localStorage.length") == 0


def test_a_test_that_closes_the_tab_leaves_a_new_one_and_nothing_stored(
    context: BrowserContext, site: Site
) -> None:
    url = f"{site.base_url}/blank.html"
    with lending_its_tab(context):
        tab = open_tab(context)
        tab.goto(url)
        tab.evaluate("localStorage.setItem('screen-id', 'left-behind')")
        tab.close()
    with lending_its_tab(context):
        again = open_tab(context)
        assert again is not tab and context.pages == [again]
        again.goto(url)
        assert again.evaluate("localStorage.length") == 0


def test_a_request_a_test_left_held_by_its_route_does_not_hold_up_the_next(
    context: BrowserContext, site: Site
) -> None:
    url = f"{site.base_url}/blank.html"
    held: list[Route] = []
    with lending_its_tab(context):
        tab = open_tab(context)
        tab.goto(url)
        tab.route("**/blank.html", lambda route: held.append(route))
        tab.evaluate("fetch('/blank.html').catch(() => {}); 1")
        while not held:  # the route has the request (Playwright calls it while it waits)
            tab.wait_for_timeout(5)
    with lending_its_tab(context):
        assert open_tab(context) is tab
        tab.goto(url)
        assert tab.title() == "blank"
    assert len(held) == 1  # the first test's fetch, and only it
