"""The display page under test: a published tree served on 127.0.0.1, and Chromium.

Import the `*_fixture` functions into a test module to use them (`chromium`, `site`,
`context`):

- `chromium` (session): Debian's Chromium (/usr/bin/chromium) driven by Playwright.
  The tests fail, not skip, when it is missing: install it with `apt-get install chromium`.
- `site`: an empty tree in the test's temporary folder, served by `publisher.page`'s
  preview handler (the headers `publisher serve` sends) without a `Date` header, so the
  page's fake clock is not corrected by the real one; tests that want a `Date` add it
  with a route. It logs every request and can go down (drop every connection).
- `context`: a 1920x1080 browser context with service workers blocked, so `page.route`
  sees every request, and fetches logged. The tests of a test process share it and
  its tab ("the tab" below), each as if they were new: import `shared_context_fixture`
  beside it. `own_context` is a new one, for a test that changes the context itself;
  the offline test makes its own with service workers allowed.

`Site.add_school` publishes a school the way the publisher does: the publish room
plans the page's shared objects and the school's day files, manifest and page
(`plan_shared_objects`, `plan_school`), and its one write loop (`apply_writes`)
writes them to the tree as a local store.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import threading
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Request,
    ViewportSize,
    sync_playwright,
)

from publisher.build import SchoolData, build_day
from publisher.build.layout import school_prefix
from publisher.config import PublishSettings
from publisher.page.build import PageBuild, current_page_build
from publisher.page.preview import PreviewHandler, make_server
from publisher.publish import PlannedWrite, apply_writes, plan_school, plan_shared_objects
from publisher.stores.local import LocalStore
from testsupport.screens import CHROMIUM, CHROMIUM_ARGS, settle, track_requests, wait_until

VIEWPORT = {"width": 1920, "height": 1080}

# Records, in the page, the fake-clock time at which every fetch starts and settles
# (its body read, or failed): the tests measure the page's retry rhythm with it.
FETCH_LOG_SCRIPT = """
(() => {
  const original = window.fetch.bind(window);
  window.__fetches = [];
  window.fetch = (input, init) => {
    const entry = {url: String(input && input.url ? input.url : input), start: Date.now(),
                   end: null, status: null};
    window.__fetches.push(entry);
    const settle = (status) => { entry.end = Date.now(); entry.status = status; };
    return original(input, init).then(
      (response) => {
        settle(response.status);
        // A body read later settles it again: what the page acts on is the body.
        const read = response.arrayBuffer.bind(response);
        response.arrayBuffer = () =>
          read().then((body) => { settle(response.status); return body; });
        return response;
      },
      (error) => { settle("error"); throw error; });
  };
})();
"""


class TestHandler(PreviewHandler):
    """The preview handler, without `Date`, logging requests, able to go down."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "date":
            super().send_header(keyword, value)

    def do_GET(self) -> None:
        server: Any = self.server
        with server.lock:
            server.requests.append(self.path)
        if server.down:
            self.close_connection = True
            return
        super().do_GET()


@dataclass
class Site:
    root: Path
    base_url: str
    server: Any
    page: PageBuild = field(default_factory=current_page_build)

    @property
    def requests(self) -> list[str]:
        with self.server.lock:
            return list(self.server.requests)

    def clear_requests(self) -> None:
        with self.server.lock:
            self.server.requests.clear()

    def go_down(self) -> None:
        self.server.down = True

    def add_school(
        self, school: SchoolData, first: dt.date, days: int = 7, poll_interval: int = 60
    ) -> str:
        """Publishes `school` (its `key` must be set) for `days` dates from `first`; its URL.

        Nothing is recorded, so everything is written again each time: a school added
        twice gets the files of its new data, as a publish after an edit would.
        """
        assert school.key, "give the test school a key"
        settings = PublishSettings(poll_interval=poll_interval)
        snapshots = [build_day(school, first + dt.timedelta(days=n)) for n in range(days)]
        plan = plan_school(school, snapshots, {}, settings, self.page)
        self.publish([*plan_shared_objects(self.page, {}, settings), *plan.writes])
        return self.url(school.key)

    def add_page(self) -> None:
        """Publishes the page's shared objects only (its assets and sw.js)."""
        self.publish(plan_shared_objects(self.page, {}, PublishSettings()))

    def publish(self, writes: Sequence[PlannedWrite]) -> None:
        """Writes planned objects into the tree through the publish room's write loop."""
        applied = apply_writes(LocalStore(self.root), writes)
        if applied.error is not None:
            raise applied.error

    def url(self, key: str) -> str:
        return f"{self.base_url}/{school_prefix(key)}index.html"

    def write_file(self, path: str, content: bytes) -> None:
        """A file of the test's own beside the published tree (not a published object)."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def school_with(school: SchoolData, key: str, **changes: Any) -> SchoolData:
    """`school` with a key and other fields changed, normalized like stored data."""
    return dataclasses.replace(school, key=key, **changes).normalized()


_shared: dict[str, Browser] = {}


@pytest.fixture(scope="session", name="chromium")
def chromium_fixture() -> Iterator[Browser]:
    """One Chromium for the session, shared by every module that imports this fixture."""
    if "browser" in _shared:
        yield _shared["browser"]
        return
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the page tests need it "
            "(apt-get update && apt-get install -y chromium)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        _shared["browser"] = browser
        try:
            yield browser
        finally:
            del _shared["browser"]
            browser.close()


@contextlib.contextmanager
def serve(root: Path) -> Iterator[Site]:
    """Serves `root` on 127.0.0.1 (a free port) until the block ends."""
    root.mkdir(parents=True, exist_ok=True)
    server: Any = make_server(root, 0, TestHandler)
    server.requests = []
    server.lock = threading.Lock()
    server.down = False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Site(root, f"http://127.0.0.1:{server.server_port}", server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module", name="modules")
def modules_fixture(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """A blank page on a test origin, able to import the page's modules (shared: they are pure)."""
    with serve(tmp_path_factory.mktemp("modules")) as site:
        site.add_page()
        site.write_file("blank.html", b"<!doctype html><title>modules</title>")
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{site.base_url}/blank.html")
        yield page
        context.close()


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path) -> Iterator[Site]:
    with serve(tmp_path / "public") as served:
        yield served


def new_context(browser: Browser) -> BrowserContext:
    """A 1920x1080 context with service workers blocked, logging the fetches of its pages."""
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.add_init_script(FETCH_LOG_SCRIPT)
    return context


# -- the tab: one page, lent to one test after another ----------------------------------------
#
# A new page costs Chromium about a second of CPU (a renderer process and its set-up); loading
# a document in an open page costs a quarter of that. With four test processes on two cores,
# new pages were most of what the page tests cost. So the tests of a test process share a
# context, and the first page a test opens (`open_tab`, `open_screen`) is that context's tab,
# handed over as if new: the last test's other pages closed, its routes removed, the tab
# blank, and the storage of every origin it loaded and the HTTP cache cleared. Every test
# installs the fake clock before it loads a page, which sets the time anew for the documents
# loaded after (Playwright's clock belongs to the context and cannot be uninstalled).


class Tab:
    """A context's tab, lent to the test running: see above."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.page: Page | None = None
        self.viewport: ViewportSize | None = None  # the context's: a test may change the tab's
        self.taken = False  # by the test running
        self.origins: set[str] = set()
        context.on("request", self._note_origin)

    def _note_origin(self, request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("http", "https"):
            self.origins.add(f"{url.scheme}://{url.netloc}")

    def open(self) -> Page:
        """The tab, or a new page when the test has it already (two screens at once)."""
        if self.taken:
            return track_requests(self.context.new_page())
        self.taken = True
        return self._page()

    def _page(self) -> Page:
        if self.page is None or self.page.is_closed():
            self.page = track_requests(self.context.new_page())
            self.viewport = self.page.viewport_size
        return self.page

    def take_back(self) -> None:
        """Closes the test's other pages and leaves the tab blank, its storage cleared."""
        for page in self.context.pages:
            if page is not self.page:
                page.close()
        self.taken = False
        page = self._page()
        page.unroute_all(behavior="ignoreErrors")
        page.goto("about:blank")
        settle(page)
        if self.viewport is not None and page.viewport_size != self.viewport:
            page.set_viewport_size(self.viewport)
        session = self.context.new_cdp_session(page)
        for origin in sorted(self.origins):
            session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        session.send("Network.clearBrowserCache")
        session.detach()
        self.origins.clear()


_tabs: weakref.WeakKeyDictionary[BrowserContext, Tab] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def lending_its_tab(context: BrowserContext) -> Iterator[BrowserContext]:
    """`context`, for one test: its tab is taken back when the block ends."""
    tab = _tabs.get(context)
    if tab is None:
        tab = _tabs[context] = Tab(context)
    try:
        yield context
    finally:
        tab.take_back()


@pytest.fixture(scope="session", name="shared_context")
def shared_context_fixture(chromium: Browser) -> Iterator[BrowserContext]:
    context = new_context(chromium)
    yield context
    context.close()


@pytest.fixture(name="context")
def context_fixture(shared_context: BrowserContext) -> Iterator[BrowserContext]:
    """The test process's context, as a new one for this test (see "the tab")."""
    with lending_its_tab(shared_context) as context:
        yield context


@pytest.fixture(name="own_context")
def own_context_fixture(chromium: Browser) -> Iterator[BrowserContext]:
    """A new context, for a test that changes the context itself (adds an init script)."""
    context = new_context(chromium)
    yield context
    context.close()


def open_tab(context: BrowserContext, size: tuple[int, int] | None = None) -> Page:
    """A page of `context`, its requests tracked, `size` wide and high if given: the
    context's tab if it is lent to this test and not taken yet, else a new page."""
    tab = _tabs.get(context)
    page = tab.open() if tab is not None else track_requests(context.new_page())
    if size is not None:
        page.set_viewport_size({"width": size[0], "height": size[1]})
    return page


def open_screen(
    context: BrowserContext, url: str, at: dt.datetime, size: tuple[int, int] | None = None
) -> Page:
    """A page (`size` wide and high if given) showing `url` with its clock installed and
    paused at `at`, data on screen (its requests tracked, for `run_for`)."""
    page = open_tab(context, size)
    install_clock(page, at)
    page.goto(url)
    wait_for_data(page)
    return page


def install_clock(page: Page, at: dt.datetime) -> None:
    """Playwright's fake clock in `page`, paused at `at` (installed a little earlier:
    it runs between the two calls, and cannot be paused in its past)."""
    page.clock.install(time=at - dt.timedelta(seconds=5))
    page.clock.pause_at(at)


def wait_for_data(page: Page) -> None:
    """Until the screen shows a day (the first poll and its day files arrived)."""
    wait_until(
        page,
        "!['loading', 'connecting']"
        ".includes(document.querySelector('[data-screen]').dataset.state)",
    )


def text(page: Page, slot: str) -> str:
    return page.locator(f'[data-slot="{slot}"]').text_content() or ""


@dataclass(frozen=True)
class Fetch:
    """One fetch the page made: fake-clock times of its start and of its settling."""

    url: str
    start: int
    end: int | None
    status: int | str | None


def not_alert_polls(requests: Sequence[Any]) -> list[Any]:
    """Requests (paths or `Fetch`es) but the alert object's: it is polled on a cycle of
    its own (8-12 s), which neither midnight nor a countdown's zero moves, and is
    specified apart (tests/page/test_page_alert.py)."""
    return [r for r in requests if not str(getattr(r, "url", r)).endswith("/alert.json")]


def past_first_build_check(page: Page) -> Page:
    """Waits, in real time, until the page has checked its published build once (the
    fetch of its index.html that follows its first good poll) and that request is done.

    The check starts when the first poll's answer is read, which on a busy machine
    can be after a test has moved on: a test that counts the requests of a later
    moment waits for it first.
    """
    wait_until(page, "window.__fetches.some((f) => f.url.split('?')[0].endsWith('/index.html'))")
    settle(page)
    return page


def fetch_log(page: Page, ending: str = "") -> list[Fetch]:
    """Every fetch the page made since it loaded (whose URL, less its query string,
    ends with `ending`: a manifest poll carries the screen's id, build and revision)."""
    entries = [Fetch(**entry) for entry in page.evaluate("window.__fetches")]
    return [entry for entry in entries if entry.url.split("?")[0].endswith(ending)]
