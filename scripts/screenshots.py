"""Screenshots of the display page for the docs: docs/screens/*.png and its gallery.

Publishes the demo schools and a long-names school into a temporary folder through
the publisher's own plan and apply loop (`testsupport.screens.publish`), serves it
on 127.0.0.1 with `publisher.page.preview`, and photographs each screen in Debian's
Chromium at fixed instants on Playwright's fake clock, so the same code always
gives the same pictures. Both locales, landscape 1920x1080 and portrait 1080x1920
in every state (the layout tests check all four sizes, 1366x768 and 3840x2160
included, in every state). Pictures that are no longer made are removed from the
folder.

    PYTHONPATH=. python scripts/screenshots.py [--out docs/screens]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from publisher.page.preview import PreviewHandler, make_server
from testsupport.screens import CHROMIUM, CHROMIUM_ARGS, STATES, publish, screen_schools, show

SIZES = {
    "landscape": (1920, 1080),
    "portrait": (1080, 1920),
    "small": (1366, 768),
    "4k": (3840, 2160),
}
EVERY_STATE = ("landscape", "portrait")
# States also shown at the other sizes: a few, so the pictures stay near 12 MB (the
# layout tests check every state at all four sizes).
FEW_STATES: dict[str, tuple[str, ...]] = {"small": ("lesson", "long-names"), "4k": ("lesson",)}


def shots() -> list[tuple[str, str, str]]:
    """(state, locale, size) of every picture."""
    wanted = [(state, size) for state in STATES for size in EVERY_STATE]
    wanted += [(state, size) for size, states in FEW_STATES.items() for state in states]
    return [(state, locale, size) for state, size in wanted for locale in ("ar", "en")]


def file_name(state: str, locale: str, size: str) -> str:
    width, height = SIZES[size]
    return f"{locale}-{state}-{width}x{height}.png"


class NoDateHandler(PreviewHandler):
    """Without `Date`: the page would correct its fake clock to the real one."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "date":
            super().send_header(keyword, value)


NOTES = {
    "lesson": "A lesson: each class card with its room; the day's changes beside the "
    "moment, grouped by class: substitutes naming whom they replace, cancellations in a "
    "label, room changes.",
    "exam": "An exam period: each class's paper, room and invigilators, under a quiet banner.",
    "next-school-day": "After the last bell: the next school day's first lessons, changes "
    "and duty, from its file already held.",
    "weekend": "No school, and the next school day's file not held yet: its date and first bell.",
    "own-view": "One screen's own view (docs/operations.md): `?classes=` two classes and "
    "one the school does not have, named in a note; `?lang=` the school's other language "
    "for the screen's own words, digits and direction.",
    "preview": "A preview (`?at=2026-11-23T07:42:30&speed=60`, opened the evening before): "
    "the screen at that instant, running sixty times faster, in a magenta frame with its "
    "PREVIEW label.",
    "identify": "The identify panel (`?identify`, or the i key): school, key, build, data, "
    "last sync, clock offset and last error, under the running clock.",
    "long-names": "The worst case: long names, long rooms, groups (a class split in two "
    "groups in one period, another taught as one group) and fourteen changes, paged.",
}
"""What a state's pictures show, where the state's name does not say it all."""


def gallery(names: list[tuple[str, str, str]]) -> str:
    """docs/screens/README.md: every picture, by state."""
    lines = [
        "# The display page, in pictures",
        "",
        "Made by `scripts/screenshots.py` from the demo schools and a long-names school",
        "(forty written-out Arabic class names, 30+ character subjects and teachers,",
        "200-character announcements, a long school name beside a logo, long room names,",
        "lessons taught to groups, fourteen changes on its Sunday and exams on its",
        "Monday), and two schools",
        "with every display setting (Latin digits on an Arabic screen, an accent colour,",
        "a logo; the Hijri line on an English one). The sizing, paging and display",
        "settings rules are in [publisher/site/README.md](../../publisher/site/README.md).",
        "",
    ]
    for state in STATES:
        lines += [f"## {state}", ""]
        if state in NOTES:
            lines += [NOTES[state], ""]
        for s, locale, size in names:
            if s == state:
                name = file_name(s, locale, size)
                lines.append(f"![{locale} {state} {SIZES[size][0]}x{SIZES[size][1]}]({name})")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screens"))
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = shots()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        schools = screen_schools()
        pages = publish(root, schools)
        server = make_server(root, 0, NoDateHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                for state_name, locale, size in wanted:
                    width, height = SIZES[size]
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, service_workers="block"
                    )
                    state = STATES[state_name][locale]
                    page = context.new_page()
                    show(page, base + pages[state.slug], state)
                    page.screenshot(path=str(args.out / file_name(state_name, locale, size)))
                    context.close()
                    print(args.out / file_name(state_name, locale, size))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    keep = {file_name(*shot) for shot in wanted}
    for old in args.out.glob("*.png"):
        if old.name not in keep:
            old.unlink()
    (args.out / "README.md").write_text(gallery(wanted), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
