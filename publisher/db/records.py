"""What was published, per target: the records of stored objects and each school's publish state.

Every query here takes the target's identity (`Store.identity`): what one
folder, bucket, prefix or endpoint holds says nothing about another, so a first
publish to a new target finds no records and writes everything (invariant 9).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from publisher.db.batches import iter_batches
from publisher.db.models import PublishedObject, PublishState, School
from publisher.db.session import upsert_insert


@dataclass(frozen=True)
class PublishedRecord:
    """What the database remembers of one stored object: the plan compares with it."""

    key: str
    sha256: str
    fingerprint: str
    local_date: dt.date | None = None


class StoredWrite(Protocol):
    """What recording a written object reads of it (a planned write, once stored)."""

    @property
    def key(self) -> str: ...
    @property
    def content(self) -> bytes: ...
    @property
    def sha256(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def local_date(self) -> dt.date | None: ...


@dataclass(frozen=True)
class Attempt:
    """How one school's publish to a target went, to be remembered in its publish state."""

    school_id: int
    revision: int
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    error: str | None = None
    wrote: bool = False  # something was written: its manifest was (re)published now
    inputs: str | None = None  # the digest of what it was built from (publisher.publish.inputs)


def load_published(
    session: Session, target: str, school_ids: Sequence[int], since: dt.date
) -> dict[int, dict[str, PublishedRecord]]:
    """The target's records of these schools' objects that a plan from `since` on can reuse."""
    query = select(PublishedObject).where(
        PublishedObject.target == target,
        PublishedObject.school_id.in_(school_ids),
        or_(PublishedObject.local_date.is_(None), PublishedObject.local_date >= since),
    )
    records: dict[int, dict[str, PublishedRecord]] = {}
    for row in session.scalars(query):
        records.setdefault(row.school_id or 0, {})[row.key] = PublishedRecord(
            row.key, row.sha256, row.fingerprint, row.local_date
        )
    return records


def load_shared(session: Session, target: str) -> dict[str, PublishedRecord]:
    """The target's records of the objects every school shares (the page's assets, sw.js)."""
    rows = session.scalars(
        select(PublishedObject).where(
            PublishedObject.target == target, PublishedObject.school_id.is_(None)
        )
    )
    return {r.key: PublishedRecord(r.key, r.sha256, r.fingerprint) for r in rows}


def recorded_day_keys(session: Session, target: str, since: dt.date) -> set[str]:
    """The target's day files recorded for a date from `since` on: gc keeps them."""
    return set(
        session.scalars(
            select(PublishedObject.key).where(
                PublishedObject.target == target, PublishedObject.local_date >= since
            )
        )
    )


def record_writes(
    session: Session,
    target: str,
    written: Sequence[tuple[int | None, StoredWrite]],
    now: dt.datetime,
) -> None:
    """Remember objects stored in the target (school id None for shared ones), replacing
    older records of the same keys there.

    One bulk upsert: two publishers may record the same shared object at once.
    """
    if not written:
        return
    insert = upsert_insert(session)
    statement = insert(PublishedObject)
    columns = ("school_id", "local_date", "sha256", "fingerprint", "size", "published_at")
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[PublishedObject.target, PublishedObject.key],
            set_={column: statement.excluded[column] for column in columns},
        ),
        [
            {
                "target": target,
                "key": w.key,
                "school_id": school_id,
                "local_date": w.local_date,
                "sha256": w.sha256,
                "fingerprint": w.fingerprint,
                "size": len(w.content),
                "published_at": now,
            }
            for school_id, w in {w.key: (school_id, w) for school_id, w in written}.values()
        ],
    )


def forget_objects(session: Session, target: str, keys: Collection[str]) -> None:
    """Drop the target's records of these keys (gc deleted the objects)."""
    for chunk in iter_batches(list(keys), 500):
        session.execute(
            delete(PublishedObject).where(
                PublishedObject.target == target, PublishedObject.key.in_(chunk)
            )
        )


def record_attempts(
    session: Session, target: str, attempts: Sequence[Attempt], now: dt.datetime
) -> None:
    """Remember how each school's publish to the target went.

    A failed attempt keeps the state of the last good one (its manifest is still
    live) and only notes the error.
    """
    if not attempts:
        return
    states = {
        state.school_id: state
        for state in session.scalars(
            select(PublishState).where(
                PublishState.target == target,
                PublishState.school_id.in_([a.school_id for a in attempts]),
            )
        )
    }
    for attempt in attempts:
        state = states.get(attempt.school_id) or PublishState(
            target=target, school_id=attempt.school_id
        )
        session.add(state)
        state.attempted_at = now
        state.last_error = attempt.error
        state.inputs = attempt.inputs if attempt.error is None else None
        if attempt.error is None:
            state.revision = attempt.revision
            state.first_date = attempt.first_date
            state.last_date = attempt.last_date
            if attempt.wrote:
                state.published_at = now


@dataclass(frozen=True)
class SchoolHead:
    """What deciding whether a school must be built reads of it, and of its last good
    publish to a target: no schedule row."""

    id: int
    slug: str
    revision: int
    timezone: str
    inputs: str | None  # the digest recorded by its last good publish there


def school_heads(session: Session, target: str, school_ids: Sequence[int]) -> list[SchoolHead]:
    """The heads of the given schools, with their digest in `target`, in id order.
    One query per 500 schools."""
    heads: list[SchoolHead] = []
    for chunk in iter_batches(list(school_ids), 500):
        query = (
            select(
                School.id, School.slug, School.revision, School.timezone, PublishState.inputs,
            )
            .outerjoin(
                PublishState,
                and_(PublishState.school_id == School.id, PublishState.target == target),
            )
            .where(School.id.in_(chunk))
            .order_by(School.id)
        )  # fmt: skip
        heads.extend(SchoolHead(*row) for row in session.execute(query))
    return heads


def forget_inputs(session: Session, target: str, school_ids: Sequence[int]) -> None:
    """Forget what these schools' last publish to `target` was built from: something else
    rewrote one of their objects there, so their next run must build and compare them."""
    for chunk in iter_batches(list(school_ids), 500):
        session.execute(
            update(PublishState)
            .where(PublishState.target == target, PublishState.school_id.in_(chunk))
            .values(inputs=None)
        )


def changed_school_ids(session: Session, target: str) -> list[int]:
    """Active schools whose revision moved since their last good publish to the target,
    or never published there."""
    query = (
        select(School.id)
        .outerjoin(
            PublishState,
            and_(PublishState.school_id == School.id, PublishState.target == target),
        )
        .where(
            School.active.is_(True),
            (PublishState.revision.is_(None)) | (PublishState.revision != School.revision),
        )
        .order_by(School.id)
    )
    return list(session.scalars(query))
