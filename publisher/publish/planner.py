"""Planning schools in a process of its own while this one uploads.

Building a batch's snapshots is pure Python that holds the interpreter lock for
as long as it runs. The upload threads need the lock only briefly per request,
to send the next one when an answer arrives; beside a planning thread they wait
for it (up to the interpreter's 5 ms switch interval each time) and the store
sits idle meanwhile. A planning process has a lock of its own, and on a machine
with several CPUs a CPU of its own.

The process reads the database itself (a file or a server: never an in-memory
SQLite database, which only this process can see) and sends back plans without
the schools' schedule rows, which only planning needs. Until it has started,
batches are planned here, so the first uploads do not wait for it, and if it
dies they are planned here again.

The run's parameters (the page build among them, about 200 kB) reach the
worker with its first task, not with the process itself: the process object is
written to the child through a pipe while the child imports what it needs to
read it, and a large one would hold this process up for that long.

The worker ignores SIGINT and SIGTERM, which a terminal or systemd may send to
every process of the command: stopping is the uploading process's decision
(it finishes the schools under way), and the worker ends with it. It also ends
when that process dies without a word (`kill -9`, the OOM killer): a thread of
the worker waits on the pipe multiprocessing gives every spawned child, whose
write end only the parent holds, and exits the worker when it reads end of
file. Waiting on the task queue would not do: the worker holds that queue's
write end itself. Nor would PR_SET_PDEATHSIG alone: it is Linux only, and it
fires when the parent's *thread* that started the worker ends.

Spawning starts multiprocessing's resource tracker, which unlinks the task
queue's named semaphores should this process die; it cannot be left out (every
spawning start method needs it) and needs no care: it exits when the last
process holding its pipe has, that is this process and the worker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from publisher.config import PublishSettings
from publisher.db import open_engine, session_factory
from publisher.db.session import in_memory
from publisher.page.build import PageBuild
from publisher.publish.plan import SchoolPlan
from publisher.publish.run import plan_schools


def can_plan_elsewhere(database_url: str) -> bool:
    """Whether another process can open this database: not an in-memory SQLite one."""
    return not in_memory(database_url)


class PlanningProcess:
    """`plan(school_ids)`: a batch's plans, built in a worker process once it is up.

    Use as a context manager; the worker stops at its end.
    """

    def __init__(
        self,
        database_url: str,
        sessions: sessionmaker[Session],
        target: str,
        now: dt.datetime,
        settings: PublishSettings,
        page: PageBuild | None,
    ) -> None:
        self.sessions = sessions
        self.target = target  # the store's identity: plans compare with its records
        self.now, self.settings, self.page = now, settings, page
        self.batches_elsewhere = 0  # how many batches the worker planned
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            # Not fork: this process has threads (the upload pool), and a forked
            # copy of their locks can deadlock the child.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_prepare_worker,
        )
        self._ready: Future[None] = self._pool.submit(
            _start, database_url, target, now, settings, page
        )

    def __enter__(self) -> PlanningProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def started(self) -> bool:
        """Whether the worker is up: not still starting, and it did not fail or die."""
        return self._ready.done() and self._ready.exception() is None

    def plan(self, school_ids: Sequence[int]) -> list[SchoolPlan]:
        """The batch's plans: from the worker once it has started, else planned here."""
        if self.started:
            try:
                plans = self._pool.submit(_plan, list(school_ids)).result()
            except BrokenProcessPool:
                self._ready = _failed()  # the worker died: plan here from now on
            else:
                self.batches_elsewhere += 1
                return plans
        return plan_schools(
            self.sessions, self.target, school_ids, self.now, self.settings, self.page
        )


# The worker's side: its own engine, opened once, and the run's parameters.

_worker: (
    tuple[sessionmaker[Session], str, dt.datetime, PublishSettings, PageBuild | None] | None
) = None


def _prepare_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()


def _exit_with_parent() -> None:
    """Exit when the uploading process is gone, however it went.

    `parent_process().join()` blocks on a pipe whose only write end the parent
    holds: end of file as soon as it exits, killed or not. os._exit, not
    sys.exit: this is not the main thread, and there is nothing to flush.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not a spawned child: nothing to watch
        return
    parent.join()
    os._exit(1)


def _start(
    database_url: str,
    target: str,
    now: dt.datetime,
    settings: PublishSettings,
    page: PageBuild | None,
) -> None:
    """The first task: the run's parameters, while the first batches are planned here."""
    global _worker
    _worker = (session_factory(open_engine(database_url)), target, now, settings, page)


def _failed() -> Future[None]:
    failed: Future[None] = Future()
    failed.set_exception(BrokenProcessPool("the planning process died"))
    return failed


def _plan(school_ids: list[int]) -> list[SchoolPlan]:
    assert _worker is not None
    sessions, target, now, settings, page = _worker
    plans = plan_schools(sessions, target, school_ids, now, settings, page)
    return [_without_rows(plan) for plan in plans]


def _without_rows(plan: SchoolPlan) -> SchoolPlan:
    """The plan with its school's schedule rows dropped: the uploads and records need
    the school's id, slug and revision, and sending thousands of rows back costs
    the uploading process time under the lock."""
    school = dataclasses.replace(
        plan.school,
        bell_schedules=(),
        calendar=(),
        lessons=(),
        substitutions=(),
        duties=(),
        announcements=(),
    )
    return dataclasses.replace(plan, school=school)
