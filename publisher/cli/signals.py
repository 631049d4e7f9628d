"""Stopping a long command cleanly: SIGTERM and SIGINT finish the work under way."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from publisher.cli.output import say


@contextmanager
def stop_on_signals(announce: Callable[[str], None] | None = None) -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT, so a run can finish what it started and exit 0."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            (announce or say)(
                f"{signal.Signals(signum).name}: finishing the schools under way, then stopping"
            )
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
