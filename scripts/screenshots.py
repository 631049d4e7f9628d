"""Screenshots of the display page at 1920x1080, for the README: docs/screens/*.png.

Publishes two demo schools (an Arabic one in Riyadh, an English one in London)
into a temporary folder exactly as the publisher would, serves it on 127.0.0.1
with `publisher.page.preview`, and photographs each screen in Debian's Chromium
at a fixed instant (the page's clock is Playwright's fake clock), so the same
code always gives the same pictures.

    python scripts/screenshots.py [--out docs/screens]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from publisher.build import build_day
from publisher.build.layout import school_prefix
from publisher.config import PublishSettings
from publisher.demo.schools import demo_schools
from publisher.page.build import current_page_build
from publisher.page.preview import PreviewHandler, make_server
from publisher.publish import apply_writes, plan_school, plan_shared_objects
from publisher.stores.local import LocalStore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WEEK_START = dt.date(2026, 11, 22)  # a Sunday: the demo week starts here
SHOTS = [
    # (file, demo school slug, instant in UTC; Riyadh is UTC+3, London UTC+0 in November)
    # A lesson with a cancelled class (3/هـ), in Arabic.
    ("ar-school-day.png", "al-yasmin-girls", dt.datetime(2026, 11, 22, 4, 38, 25, tzinfo=dt.UTC)),
    # A lesson with a substitute (10D), in English.
    (
        "en-school-day.png",
        "thameside-academy",
        dt.datetime(2026, 11, 23, 11, 20, 25, tzinfo=dt.UTC),
    ),
    # The break: the classes panel shows where every class goes next.
    ("ar-break.png", "al-noor-boys", dt.datetime(2026, 11, 22, 6, 33, 5, tzinfo=dt.UTC)),
    # An exam day (a special bell schedule), labelled in the header.
    ("ar-exam-day.png", "al-noor-boys", dt.datetime(2026, 11, 23, 5, 20, 40, tzinfo=dt.UTC)),
    # A holiday: the next school day's first bell.
    ("ar-holiday.png", "al-noor-boys", dt.datetime(2026, 11, 26, 8, 0, 0, tzinfo=dt.UTC)),
]


class NoDateHandler(PreviewHandler):
    """Without `Date`: the page would correct its fake clock to the real one."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "date":
            super().send_header(keyword, value)


def publish(root: Path) -> dict[str, str]:
    """Publishes the demo schools' page, manifests and a week of day files, planned and
    written by the publish room as a run would; slug -> page path."""
    schools = [
        dataclasses.replace(
            school,
            key=f"demo-screen-{school.slug}",  # a school key is 22 characters or more
            revised_at=dt.datetime(2026, 11, 20, 13, 5, tzinfo=dt.UTC),
        )
        for school in demo_schools(WEEK_START)
    ]
    page, settings = current_page_build(), PublishSettings()
    writes = list(plan_shared_objects(page, {}, settings))
    for school in schools:
        week = [build_day(school, WEEK_START + dt.timedelta(days=n)) for n in range(7)]
        writes.extend(plan_school(school, week, {}, settings, page).writes)
    applied = apply_writes(LocalStore.open(root), writes)
    if applied.error is not None:
        raise applied.error
    return {s.slug: f"/{school_prefix(s.key)}index.html" for s in schools}


def shoot(page: Page, url: str, at: dt.datetime, out: Path) -> None:
    # Installed a little early: the clock runs until it is paused, never backwards.
    page.clock.install(time=at - dt.timedelta(seconds=5))
    page.clock.pause_at(at)
    page.goto(url)
    for _ in range(200):
        if page.evaluate("document.querySelector('[data-screen]').dataset.state !== 'loading'"):
            break
        time.sleep(0.05)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.clock.run_for(1000)
    page.screenshot(path=str(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screens"))
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        pages = publish(root)
        server = make_server(root, 0, NoDateHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, slug, at in SHOTS:
                    context = browser.new_context(
                        viewport={"width": 1920, "height": 1080}, service_workers="block"
                    )
                    shoot(context.new_page(), base + pages[slug], at, args.out / name)
                    context.close()
                    print(args.out / name)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
