"""The watchers' heartbeats: one row per running `publisher watch`, read by `status`.

A watcher writes its row when it starts and at every beat, notes there what it
last did, and removes it on a clean stop; a watcher starting on a host removes
the rows of that host's processes that are gone (killed, crashed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from publisher.db.claims import owner_gone
from publisher.db.models import WatcherState
from publisher.db.session import upsert_insert


@dataclass(frozen=True)
class Heartbeat:
    """One watcher's row, as `status` reports it (times in UTC)."""

    owner: str
    started_at: dt.datetime
    beat_at: dt.datetime
    interval_seconds: float
    last_action: str
    last_action_at: dt.datetime | None
    last_error: str | None


def record_beat(
    session: Session,
    owner: str,
    started_at: dt.datetime,
    now: dt.datetime,
    interval_seconds: float,
    action: str | None,
    error: str | None,
) -> None:
    """Write the watcher's heartbeat; with an `action`, also what it did and its error.

    A beat without an action keeps the last action noted (the first one notes
    "started"). One upsert, so a row removed behind the watcher's back comes back.
    """
    row = {
        "owner": owner,
        "started_at": started_at,
        "beat_at": now,
        "interval_seconds": interval_seconds,
        "last_action": action or "started",
        "last_action_at": now,
        "last_error": error,
    }
    kept = {"owner", "started_at"}
    if action is None:
        kept |= {"last_action", "last_action_at", "last_error"}
    statement = upsert_insert(session)(WatcherState).values(row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[WatcherState.owner],
            set_={k: statement.excluded[k] for k in row if k not in kept},
        )
    )


def forget_dead_watchers(session: Session) -> None:
    """Remove the rows of watchers on this host whose process has gone."""
    owners = session.scalars(select(WatcherState.owner)).all()
    dead = [owner for owner in owners if owner_gone(owner)]
    if dead:
        session.execute(delete(WatcherState).where(WatcherState.owner.in_(dead)))


def forget_watcher(session: Session, owner: str) -> None:
    """Remove a watcher's row: it stopped cleanly."""
    session.execute(delete(WatcherState).where(WatcherState.owner == owner))


def heartbeats(session: Session) -> list[Heartbeat]:
    """Every watcher's row, the longest running first."""
    rows = session.scalars(select(WatcherState).order_by(WatcherState.started_at))
    return [
        Heartbeat(
            owner=row.owner,
            started_at=row.started_at,
            beat_at=row.beat_at,
            interval_seconds=row.interval_seconds,
            last_action=row.last_action,
            last_action_at=row.last_action_at,
            last_error=row.last_error,
        )
        for row in rows
    ]
