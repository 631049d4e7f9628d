"""`publisher watch`: keep publishing, on its own, as the schedule data changes.

Three things start a publish, and all go through the same `publish` run:

- every `interval` seconds: edits made outside the library are settled into new
  revisions (`publisher.db.changes`), then every school whose revision moved
  since its last good publish is published;
- on PostgreSQL, a notification from the database's triggers does the same at
  once, so an edit reaches the store in about a second;
- every hour, and at start: every active school, so each one's window of days
  moves on within the hour after its local noon (`window_dates`), in every
  time zone.

Nothing ends the watcher but a signal. A database or storage outage is logged
when it starts and when it ends, and retried with exponential backoff; a school
that fails is logged when it starts failing (or fails differently) and is
retried with its own backoff, and every hour. The watcher records a heartbeat
and what it last did in the `watchers` table (`publisher.db.watchers`) for
`publisher status`. Each pass that tried some schools is recorded as the
target's last run (`publisher.db.runs`); with a metrics file, the run's
figures and the heartbeat are written there after each such pass and at each
beat (`publisher.metrics`).

The jobs' cadence follows the monotonic clock (`Cadence`), never the wall
clock: an NTP step or a DST change on a host not kept in UTC moves the wall
clock by minutes or an hour, and a schedule computed from it would stop the
heartbeat and the polling for that long. The wall clock only dates what the
watcher writes and decides each school's today.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from publisher.cdn import CdnTargets
from publisher.config import (
    DEFAULT_WATCH_COMPARE_INTERVAL,
    DEFAULT_WATCH_FULL_INTERVAL,
    DEFAULT_WATCH_INTERVAL,
    PublishSettings,
)
from publisher.db import transaction
from publisher.db.changes import listen, settle_changes
from publisher.db.claims import new_owner
from publisher.db.load import all_school_ids
from publisher.db.records import changed_school_ids
from publisher.db.runs import RunRecord, last_run
from publisher.db.watchers import forget_dead_watchers, forget_watcher, record_beat
from publisher.errors import PublisherError
from publisher.logs import LOGGER_NAME
from publisher.metrics import MetricsError, render_metrics, write_metrics_file
from publisher.page.build import PageBuild
from publisher.publish import Due, RunSummary, due_schools, publish, record_run
from publisher.retry import watch_backoff
from publisher.stores.protocol import Store


@dataclass(frozen=True)
class WatchOptions:
    interval: int = DEFAULT_WATCH_INTERVAL  # seconds between looks for changed schools
    full_interval: int = DEFAULT_WATCH_FULL_INTERVAL  # passes over every school, by digest
    compare_interval: int = DEFAULT_WATCH_COMPARE_INTERVAL  # seconds between full comparisons
    listen_url: str | None = None  # a PostgreSQL URL to LISTEN on; None polls only


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Job:
    every: float
    run: Callable[[], object]
    due: float


class Cadence:
    """Jobs run every so many seconds of the monotonic clock.

    Not the `schedule` library: it computes each next run from
    `datetime.now()`, so a wall clock stepped back an hour holds every job
    for that hour, and it cannot be given another clock.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._jobs: list[_Job] = []

    def every(self, seconds: float, job: Callable[[], object]) -> None:
        """Run `job` every `seconds`, the first time `seconds` from now."""
        self._jobs.append(_Job(seconds, job, self.monotonic() + seconds))

    def run_due(self) -> float:
        """Run each job that is due, in the order they were added; the seconds
        until the next one is.

        A job that fell behind (a long pass before it) runs once, not once per
        missed turn, and keeps its cadence from now on.
        """
        for job in self._jobs:
            now = self.monotonic()
            if now >= job.due:
                job.run()
                job.due += job.every
                if job.due <= now:
                    job.due = now + job.every
        return max(0.0, min(job.due for job in self._jobs) - self.monotonic())


class Outage:
    """One dependency's health: logged once when it fails, once when it recovers."""

    def __init__(
        self,
        name: str,
        log: logging.Logger,
        first_wait: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.log = log
        self.first_wait = first_wait
        self.monotonic = monotonic
        self.failures = 0
        self.retry_at = 0.0

    @property
    def down(self) -> bool:
        return self.failures > 0

    def ready(self) -> bool:
        return self.monotonic() >= self.retry_at

    def failed(self, reason: str) -> None:
        if not self.down:
            self.log.error(
                f"{self.name} unavailable: {reason}; retrying with backoff",
                extra={"event": f"{self.name}_down", "reason": reason},
            )
        self.failures += 1
        self.retry_at = self.monotonic() + watch_backoff(self.first_wait, self.failures)

    def recovered(self) -> None:
        if self.down:
            self.log.info(f"{self.name} available again", extra={"event": f"{self.name}_up"})
        self.failures = 0
        self.retry_at = 0.0


@dataclass
class FailingSchool:
    slug: str
    error: str
    failures: int
    retry_at: float


class Watcher:
    """The watch loop and its jobs; the jobs can be called directly (tests, a fake clock).

    `clock` is the wall clock (each school's today, the times written for
    `status`); `monotonic` times the jobs' cadence and every backoff.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        store: Store,
        settings: PublishSettings,
        page: PageBuild | None,
        options: WatchOptions = WatchOptions(),
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        stop: threading.Event | None = None,
        log: logging.Logger | None = None,
        cdns: CdnTargets | None = None,
        metrics_file: Path | None = None,
    ) -> None:
        self.sessions = sessions
        self.store = store
        self.settings = settings
        self.page = page
        self.options = options
        self.clock = clock
        self.monotonic = monotonic
        self.stop = stop or threading.Event()
        self.log = log or logging.getLogger(LOGGER_NAME)
        self.owner = new_owner()
        self.started_at = clock()
        self.database = Outage("database", self.log, monotonic=monotonic)
        self.storage = Outage("storage", self.log, monotonic=monotonic)
        self.failing: dict[int, FailingSchool] = {}
        self.cdns = cdns  # told about the manifests and pages each pass rewrites
        self.metrics_file = metrics_file
        self.last_run: RunRecord | None = None  # the target's, as last recorded or read
        self.beat_at: dt.datetime | None = None  # when the heartbeat job last ran
        self._metrics_error: str | None = None
        self.cadence = Cadence(monotonic)  # what `run` does between passes over every school
        self.cadence.every(options.interval, self.heartbeat)
        self.cadence.every(options.interval, self.publish_changed)
        self.cadence.every(options.full_interval, self.publish_all)
        self.cadence.every(options.compare_interval, self.compare_all)

    # The jobs.

    def publish_changed(self) -> RunSummary | None:
        """Settle outside edits, then publish schools whose revision moved."""

        def changed(session: Session) -> list[int]:
            settle_changes(session, self.clock())
            ids = changed_school_ids(session, self.store.identity())
            return [i for i in ids if self._due(i)]

        return self._publish("changed", changed)

    def publish_all(self) -> RunSummary | None:
        """Publish every active school whose inputs changed: moves on each window whose
        local noon has passed, and takes out alerts that have ended."""
        return self._publish("all", self._settled_school_ids)

    def compare_all(self) -> RunSummary | None:
        """Build every active school and compare it with the target, whatever its digest:
        catches an edit no trigger saw, which no digest can."""
        return self._publish("compare", self._settled_school_ids, full=True)

    def _settled_school_ids(self, session: Session) -> list[int]:
        """Every active school, once outside edits have their revision (digests read it)."""
        settle_changes(session, self.clock())
        return all_school_ids(session)

    # The loop.

    def run(self) -> None:
        """Publish everything, then watch until `stop` is set; ends its heartbeat row."""
        listener = (
            ChangeListener(self.options.listen_url, self.log) if self.options.listen_url else None
        )
        self.log.info(
            f"watching: changes every {self.options.interval:g} s"
            + (", and notifications" if listener else "")
            + f"; every school every {self.options.full_interval:g} s"
            + f", compared in full every {self.options.compare_interval:g} s",
            extra={"event": "watch_started", "owner": self.owner},
        )
        self._forget_dead_watchers()
        self._read_last_run()
        self.heartbeat()
        try:
            if listener is not None:
                listener.connect()  # before the first pass, so no later edit goes unnoticed
            self.compare_all()
            while not self.stop.is_set():
                wait = min(self.cadence.run_due(), 1.0)
                if listener is None:
                    self.stop.wait(wait)
                elif listener.wait(wait) and not self.stop.is_set():
                    self.publish_changed()
        finally:
            if listener is not None:
                listener.close()
            self._sign_off()
        self.log.info("stopped", extra={"event": "watch_stopped"})

    # Inside the jobs.

    def _publish(
        self, label: str, select: Callable[[Session], list[int]], full: bool = False
    ) -> RunSummary | None:
        """One pass over the schools `select` picks: those whose inputs changed (all of
        them when `full`) are built, compared with the target and published."""
        if self.stop.is_set() or not (self.database.ready() and self.storage.ready()):
            return None
        now = self.clock()
        started = self.monotonic()
        target = self.store.identity()
        try:
            with transaction(self.sessions) as session:
                ids = select(session)
            due = (
                Due(ids)
                if full
                else due_schools(self.sessions, target, ids, now, self.settings, self.page)
            )
            summary = (
                publish(
                    self.sessions,
                    self.store,
                    due.school_ids,
                    now,
                    self.settings,
                    progress=lambda _count: self._batch_beat(f"{label}: publishing {len(ids)}"),
                    page=self.page,
                    stop=self.stop,
                    owner=self.owner,
                )
                if due.school_ids
                else RunSummary()
            )
            summary.add_unbuilt(due.unchanged)
        except SQLAlchemyError as error:
            self.database.failed(_first_line(error))
            return None
        except PublisherError as error:
            self.database.recovered()
            self.storage.failed(str(error))
            self._beat(f"{label}: storage unavailable", str(error))
            return None
        self.database.recovered()
        if summary.failed_ids and not summary.published and self._storage_down():
            return None
        self.storage.recovered()
        self._note_schools(ids, summary)
        if label != "changed":  # every active school was selected: the others are not failing
            self._forget_failing_except(ids)
        if ids:
            self._record_run(ids, summary, self.monotonic() - started)
        action = summary.describe_pass(label)
        if summary.published or summary.failed:
            self.log.info(
                action,
                extra={
                    "event": "published",
                    "pass": label,
                    "published": summary.published,
                    "failed": len(summary.failed),
                    "objects_written": summary.objects_written,
                },
            )
        if ids:  # a quiet pass is no news; the heartbeat job says the watcher is alive
            self._beat(action, None)
        if self.cdns and summary.mutable_written:
            self._tell_cdns(summary.mutable_written)
        return summary

    def _tell_cdns(self, keys: Sequence[str]) -> None:
        assert self.cdns is not None
        try:
            told = self.cdns.tell(keys)
        except PublisherError as error:
            self.log.error(str(error), extra={"event": "invalidation_failed"})
            return
        self.log.info(
            told.describe(),
            extra={
                "event": "invalidated",
                "invalidation": told.invalidation,
                "edges_refreshed": list(told.edges),
            },
        )

    def _storage_down(self) -> bool:
        """After a run where every school failed: is it the store itself?"""
        try:
            self.store.check()
        except PublisherError as error:
            self.storage.failed(str(error))
            return True
        return False

    def _due(self, school_id: int) -> bool:
        failing = self.failing.get(school_id)
        return failing is None or self.monotonic() >= failing.retry_at

    def _note_schools(self, attempted: Sequence[int], summary: RunSummary) -> None:
        """Log each school's change of state, and set failing schools' next retry."""
        errors = {i: (slug, summary.failed[slug]) for i, slug in summary.failed_ids.items()}
        for school_id in attempted:
            failing = self.failing.get(school_id)
            if school_id in errors:
                slug, error = errors[school_id]
                if failing is None or failing.error != error:
                    self.log.error(error, extra={"event": "school_failed", "school": slug})
                    failing = FailingSchool(slug, error, 0, 0.0)
                failing.failures += 1
                delay = watch_backoff(self.options.interval, failing.failures)
                failing.retry_at = self.monotonic() + delay
                self.failing[school_id] = failing
            elif failing is not None and school_id not in summary.busy:
                del self.failing[school_id]
                self.log.info(
                    f"school {failing.slug} publishes again",
                    extra={"event": "school_recovered", "school": failing.slug},
                )

    def _forget_failing_except(self, active: Sequence[int]) -> None:
        """Stop counting as failing a school deactivated or deleted since it failed:
        no pass will try it again, and it would keep every pass from succeeding."""
        for school_id in set(self.failing) - set(active):
            del self.failing[school_id]

    def _record_run(self, attempted: Sequence[int], summary: RunSummary, seconds: float) -> None:
        """Record the pass as the target's last run, and write the metrics file.

        Schools still failing that this pass left to their backoff count as
        failed: a pass over other schools is no success while one is failing.
        """
        left = len(set(self.failing) - set(attempted))
        target = self.store.identity()
        try:
            self.last_run = record_run(self.sessions, target, summary, self.clock(), seconds, left)
        except SQLAlchemyError as error:
            self.database.failed(_first_line(error))
            return
        self._write_metrics()

    def heartbeat(self) -> None:
        """Say the watcher is alive, whatever it is doing or waiting for: in the
        database, and in the metrics file."""
        self.beat_at = self.clock()
        self._beat(None, None)
        self._write_metrics()

    def _batch_beat(self, action: str) -> None:
        """The heartbeat after each batch of a pass: the loop's own beat waits for the
        pass to end, which takes minutes over thousands of schools."""
        self.beat_at = self.clock()
        self._beat(action, None)
        self._write_metrics()

    def _write_metrics(self) -> None:
        """Write the last run's figures and the heartbeat to the metrics file, if any.

        A failure is logged when it starts (or changes) and when it ends, not at
        every beat; it never stops the watcher.
        """
        if self.metrics_file is None:
            return
        text = render_metrics(self.store.identity(), self.last_run, self.beat_at, "watch")
        try:
            write_metrics_file(self.metrics_file, text)
        except MetricsError as error:
            if str(error) != self._metrics_error:
                self.log.error(str(error), extra={"event": "metrics_failed"})
            self._metrics_error = str(error)
            return
        if self._metrics_error is not None:
            self.log.info("metrics file written again", extra={"event": "metrics_written"})
        self._metrics_error = None

    def _read_last_run(self) -> None:
        """The target's last run, whoever ran it, for the metrics file until this
        watcher's first pass is recorded."""
        try:
            with transaction(self.sessions) as session:
                self.last_run = last_run(session, self.store.identity())
        except SQLAlchemyError as error:
            self.database.failed(_first_line(error))

    def _beat(self, action: str | None, error: str | None) -> None:
        """Record the heartbeat, and the last action if given; a database outage skips it."""
        now = self.clock()
        try:
            with transaction(self.sessions) as session:
                record_beat(
                    session,
                    self.owner,
                    self.started_at,
                    now,
                    self.options.interval,
                    action,
                    error,
                )
        except SQLAlchemyError as failure:
            self.database.failed(_first_line(failure))

    def _forget_dead_watchers(self) -> None:
        """Remove the rows of watchers on this host whose process has gone (killed, crashed)."""
        try:
            with transaction(self.sessions) as session:
                forget_dead_watchers(session)
        except SQLAlchemyError as error:
            self.database.failed(_first_line(error))

    def _sign_off(self) -> None:
        try:
            with transaction(self.sessions) as session:
                forget_watcher(session, self.owner)
        except SQLAlchemyError:
            pass  # the row goes stale, which `status` reports


class ChangeListener:
    """LISTENs on the triggers' channel (PostgreSQL), reconnecting after an outage."""

    def __init__(self, url: str, log: logging.Logger) -> None:
        self.url = url
        self.connection: psycopg.Connection[Any] | None = None
        self.outage = Outage("notifications", log)

    def connect(self) -> bool:
        """Start listening; False (logged, retried later with backoff) when it cannot."""
        if self.connection is not None:
            return True
        if not self.outage.ready():
            return False
        try:
            connection = listen(self.url)
        except psycopg.Error as error:
            self.outage.failed(_first_line(error))
            return False
        self.connection = connection
        self.outage.recovered()
        return True

    def wait(self, timeout: float) -> bool:
        """Whether a change was notified within `timeout` seconds.

        Also true just after reconnecting: what changed while nobody listened
        was never notified.
        """
        if self.connection is None:
            if not self.connect():
                time.sleep(timeout)
                return False
            return True
        try:
            notified = list(self.connection.notifies(timeout=timeout, stop_after=1))
            if notified:  # an edit often touches several tables: take the rest of the burst
                notified += self.connection.notifies(timeout=0.05)
        except psycopg.Error as error:
            self.outage.failed(_first_line(error))
            self.close()
            return False
        return bool(notified)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__
