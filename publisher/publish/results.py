"""What applying a plan did, and recording it: the last arrow of the pipeline.

`record_results` and `record_shared` remember, per target, what reached the
store (so the next plan compares with it) and each school's attempt (for
`publisher status`). A publish run and `verify --repair` record through them
alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from publisher.db.records import Attempt, record_attempts, record_writes
from publisher.publish.plan import PlannedWrite, SchoolPlan


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
