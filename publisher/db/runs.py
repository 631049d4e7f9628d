"""The last publish run per target, and when a run there last succeeded.

A run is one `publisher publish` or one pass of `publisher watch` over some
schools. Its figures overwrite the target's row; the time of the last
successful run (no school failed: a run that found nothing to change is a
healthy one) is kept across failing runs, so `status --json` and the metrics
file can say how long the target has gone without one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.db.models import PublishRun
from publisher.db.session import upsert_insert


@dataclass(frozen=True)
class RunRecord:
    """A run's figures as stored (times in UTC). `last_success_at` is this run's
    `finished_at` when no school failed, else the last successful run's, if any."""

    target: str
    finished_at: dt.datetime
    seconds: float
    published: int
    unchanged: int
    failed: int
    objects_written: int
    bytes_written: int
    build_count: int
    build_seconds_sum: float
    build_seconds_p95: float
    last_success_at: dt.datetime | None = None

    @property
    def succeeded(self) -> bool:
        return self.failed == 0


def record_run(session: Session, run: RunRecord) -> RunRecord:
    """Store the run as its target's last, keeping the last success time when it failed;
    the row as stored.

    One upsert, so two publishers finishing at once on a new target do not collide.
    """
    row = dataclasses.asdict(run)
    row["last_success_at"] = run.finished_at if run.succeeded else None
    statement = upsert_insert(session)(PublishRun).values(row)
    updated = {column: statement.excluded[column] for column in row if column != "target"}
    updated["last_success_at"] = func.coalesce(
        statement.excluded.last_success_at, PublishRun.last_success_at
    )
    session.execute(
        statement.on_conflict_do_update(index_elements=[PublishRun.target], set_=updated)
    )
    stored = last_run(session, run.target)
    assert stored is not None
    return stored


def last_run(session: Session, target: str) -> RunRecord | None:
    """The target's last run, or None when no run has been recorded there."""
    query = select(PublishRun).where(PublishRun.target == target)
    # populate_existing: an upsert in this session may have changed a row it holds.
    row = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if row is None:
        return None
    return RunRecord(
        target=row.target,
        finished_at=row.finished_at,
        seconds=row.seconds,
        published=row.published,
        unchanged=row.unchanged,
        failed=row.failed,
        objects_written=row.objects_written,
        bytes_written=row.bytes_written,
        build_count=row.build_count,
        build_seconds_sum=row.build_seconds_sum,
        build_seconds_p95=row.build_seconds_p95,
        last_success_at=row.last_success_at,
    )
