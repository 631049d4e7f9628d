"""Waiting for something another thread or process does, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable

FIRST_PAUSE = 0.005
LONGEST_PAUSE = 0.1


def wait_until(condition: Callable[[], bool], seconds: float) -> None:
    """Polls `condition` until it is true; fails the test after `seconds`.

    The pause between polls grows from 5 ms to 100 ms: a short wait stays short, and
    a long one (a watcher's next pass, a subprocess starting) does not spend a core
    asking, a core the process it waits for needs. Some conditions run a whole command.
    """
    deadline = time.monotonic() + seconds
    pause = FIRST_PAUSE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {seconds} s"
        time.sleep(pause)
        pause = min(LONGEST_PAUSE, pause * 1.5)
