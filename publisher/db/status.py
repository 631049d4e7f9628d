"""The rows behind `publisher status`: each school with its publish state in a target,
the watchers' heartbeats and the target's last run, as plain values for the command
line to format."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from publisher.db.models import PublishState, School, SchoolChange
from publisher.db.runs import RunRecord, last_run
from publisher.db.watchers import Heartbeat, heartbeats


@dataclass(frozen=True)
class SchoolStatus:
    """A school and what the target holds of it; the publish fields are None when it
    was never published there (times in UTC)."""

    id: int
    slug: str
    public_key: str
    active: bool
    revision: int
    edited_outside: bool  # changed with plain SQL since, its new revision not yet settled
    published_revision: int | None = None
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    published_at: dt.datetime | None = None
    attempted_at: dt.datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class Status:
    schools: tuple[SchoolStatus, ...]  # in id order
    watchers: tuple[Heartbeat, ...]  # the longest running first
    last_run: RunRecord | None = None  # the target's, if a run was recorded there


def read_status(session: Session, target: str) -> Status:
    """Every school with its publish state in the target, every watcher, and the
    target's last run."""
    rows = session.execute(
        select(School, PublishState)
        .outerjoin(
            PublishState,
            and_(PublishState.school_id == School.id, PublishState.target == target),
        )
        .order_by(School.id)
    ).all()
    watchers = heartbeats(session)
    pending = set(session.scalars(select(SchoolChange.school_id)))
    return Status(
        tuple(_school_status(school, state, school.id in pending) for school, state in rows),
        tuple(watchers),
        last_run(session, target),
    )


def _school_status(school: School, state: PublishState | None, edited: bool) -> SchoolStatus:
    status = SchoolStatus(
        id=school.id,
        slug=school.slug,
        public_key=school.public_key,
        active=school.active,
        revision=school.revision,
        edited_outside=edited,
    )
    if state is None:
        return status
    return dataclasses.replace(
        status,
        published_revision=state.revision,
        first_date=state.first_date,
        last_date=state.last_date,
        published_at=state.published_at,
        attempted_at=state.attempted_at,
        last_error=state.last_error,
    )
