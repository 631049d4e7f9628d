"""The load benchmark's screen model gives the page's own numbers.

bench/screens_load.py plays thousands of screens with Python copies of the
page's polling functions (bench/screen_model.py). Here the published
publisher/site/js/backoff.js runs in Chromium on the same inputs, and every answer must
be identical: the per-school offset for many keys, and the poll and retry
delays for many intervals, jitters and random draws. If the page changes its
rhythm, this fails until the model follows.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    chromium_fixture,
    modules_fixture,
)
from playwright.sync_api import Page

from bench import screen_model
from publisher.page import TIMING, asset_build_hash, asset_files

TIMING_MODEL = screen_model.PageTiming.from_page()


@pytest.fixture(scope="module")
def backoff(modules: Page) -> Page:
    """A blank page on a test origin that can import the published backoff.js."""
    return modules


def in_page(page: Page, body: str, arg: Any) -> Any:
    """Runs `body` (an async function body) with `backoff` imported and `arg` bound."""
    module = f"/assets/{asset_build_hash(asset_files())}/js/backoff.js"
    return page.evaluate(
        f"async (arg) => {{ const backoff = await import('{module}');\n{body} }}", arg
    )


def school_keys() -> list[str]:
    """Keys like the publisher's (22 URL-safe characters), and strings no key has yet."""
    draw = random.Random(20261123)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    keys = ["".join(draw.choice(alphabet) for _ in range(22)) for _ in range(400)]
    return [*keys, "", "a", "al-noor-boys", "مدرسة", "école", "key-😀-𝄞", "x" * 300]


def test_school_offsets_are_the_pages(backoff: Page) -> None:
    keys = school_keys()
    windows = [TIMING["poll_offset_window_ms"], 1, 7, 1000.5, 0]
    answer = in_page(
        backoff,
        "return arg.windows.map((w) => arg.keys.map((k) => backoff.schoolOffset(k, w)));",
        {"keys": keys, "windows": windows},
    )
    expected = [[screen_model.school_offset(k, w) for k in keys] for w in windows]
    assert answer == expected
    offsets = expected[0]
    assert len(set(offsets)) > 350, "400 keys should spread over the 30 s window"


def test_poll_and_retry_delays_are_the_pages(backoff: Page) -> None:
    draw = random.Random(7)
    draws = [0.0, 0.5, 0.25, 0.999999999999, *(draw.random() for _ in range(60))]
    polls = [
        (interval, offset, jitter, r)
        for interval in (60_000, 5_000, 3_600_000, 1_000)
        for offset in (0, 1, 12_345, 29_999)
        for jitter in (TIMING["poll_jitter_ms"], 1, 0)
        for r in draws
    ]
    polls.append((1_000, 0, 1, 0.5))  # a half: JavaScript rounds it up, Python's round would not
    retries = [(failures, r) for failures in range(0, 25) for r in draws]
    answer = in_page(
        backoff,
        """
        const b = arg.backoff;
        const settings = {baseMs: b.base_ms, factor: b.factor, capMs: b.cap_ms, jitter: b.jitter};
        return {
          polls: arg.polls.map(([i, o, j, r]) => backoff.pollDelay(i, o, j, r)),
          retries: arg.retries.map(([f, r]) => backoff.retryDelay(f, r, settings)),
        };
        """,
        {"polls": polls, "retries": retries, "backoff": vars(TIMING_MODEL.backoff)},
    )
    assert answer["polls"] == [screen_model.poll_delay(*p) for p in polls]
    assert answer["retries"] == [
        screen_model.retry_delay(f, r, TIMING_MODEL.backoff) for f, r in retries
    ]
    assert screen_model.poll_delay(1_000, 0, 1, 0.5) == 1_001
