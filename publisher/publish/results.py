"""What applying a plan did, and recording it: the last arrow of the pipeline.

`record_results` and `record_shared` remember, per target, what reached the
store (so the next plan compares with it) and each school's attempt (for
`publisher status`). A publish run and `verify --repair` record through them
alike. `record_run` remembers the run as a whole: its figures for monitoring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from publisher.db import transaction
from publisher.db.records import Attempt, record_attempts, record_writes
from publisher.db.runs import RunRecord
from publisher.db.runs import record_run as store_run
from publisher.publish.plan import PlannedWrite, SchoolPlan
from publisher.publish.summary import RunSummary


@dataclass(frozen=True)
class SchoolResult:
    """What applying one school's plan did: the writes that reached the store, and why
    it stopped short, if it did."""

    plan: SchoolPlan
    written: tuple[PlannedWrite, ...] = ()
    error: str | None = None
    stopped: bool = False  # not started: the run was asked to stop first


def record_results(
    sessions: sessionmaker[Session],
    target: str,
    results: Sequence[SchoolResult],
    now: dt.datetime,
) -> None:
    """Remember what was stored in `target`, and each school's state there, in one transaction."""
    results = [r for r in results if not r.stopped]
    if not results:
        return
    attempts = []
    for result in results:
        school, plan = result.plan.school, result.plan
        assert school.id is not None
        attempts.append(
            Attempt(
                school.id,
                school.revision,
                plan.first_date,
                plan.last_date,
                result.error,
                wrote=bool(result.written),
                inputs=plan.inputs,
            )
        )
    with sessions() as session, session.begin():
        record_writes(
            session, target, [(r.plan.school.id, w) for r in results for w in r.written], now
        )
        record_attempts(session, target, attempts, now)


def record_shared(
    sessions: sessionmaker[Session],
    target: str,
    written: Sequence[PlannedWrite],
    now: dt.datetime,
) -> None:
    """Remember the page's shared objects (assets, sw.js) stored in `target`: they belong
    to no school."""
    with sessions() as session, session.begin():
        record_writes(session, target, [(None, w) for w in written], now)


def record_run(
    sessions: sessionmaker[Session],
    target: str,
    summary: RunSummary,
    finished_at: dt.datetime,
    seconds: float,
    failing_elsewhere: int = 0,
) -> RunRecord:
    """Remember the run's figures as the target's last run; the record as stored, with
    the time of the last successful run (this one, when no school failed).

    `failing_elsewhere` counts schools known to be failing that the run did not
    try again (a watcher's pass leaves a failing school to its backoff): they
    are counted as failed, so a pass over other schools does not pass for healthy.
    """
    run = RunRecord(
        target=target,
        finished_at=finished_at,
        seconds=seconds,
        published=len(summary.published),
        unchanged=len(summary.unchanged),
        failed=len(summary.failed) + failing_elsewhere,
        objects_written=summary.objects_written,
        bytes_written=summary.bytes_written,
        build_count=len(summary.build_seconds),
        build_seconds_sum=sum(summary.build_seconds),
        build_seconds_p95=summary.build_p95(),
    )
    with transaction(sessions) as session:
        return store_run(session, run)
