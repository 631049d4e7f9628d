"""Bumping a school's revision whenever its schedule data changes through the library.

A listener runs before every flush: any new, changed or deleted row of schedule
data marks its school, and each marked school's revision goes up by one, once
per transaction, in that same transaction. A flush that changes nothing (an
attribute set to the value it already had) bumps nothing. Code that sets
revisions with plain statements (new schools inserted in bulk, settled outside
edits) records those schools with `record_revised`, so they are not bumped again.

The database's triggers (`publisher.db.changes`) mark every written school in
`school_changes`, the library's own writes included. Before each commit, the
markers of the schools this transaction revised are deleted: their revision has
already moved, and settling them would move it a second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, inspect
from sqlalchemy.orm import Session

from publisher.db.batches import iter_batches
from publisher.db.models import SCHEDULE_DATA, BellSchedule, Period, School, SchoolChange

REVISION_FIELDS = frozenset({"revision", "revised_at"})
"""The school columns that record its revision: writing them changes no schedule data."""

_BUMPED = "publisher.bumped_schools"
_REVISED_IDS = "publisher.revised_school_ids"


def install_revision_listener() -> None:
    """Make every ORM session bump revisions on change (idempotent).

    Installed on the Session class, so no session can change schedule data
    without it, whoever made the session.
    """
    if not event.contains(Session, "before_flush", _bump_revisions):
        event.listen(Session, "before_flush", _bump_revisions)
        event.listen(Session, "before_commit", _delete_own_change_markers)
        event.listen(Session, "after_commit", _forget_bumps)
        event.listen(Session, "after_soft_rollback", _forget_bumps_after_rollback)


def _owning_school(session: Session, obj: Any) -> School | None:
    """The school a row belongs to, even for a row just removed from its parent's list."""
    if isinstance(obj, School):
        return obj
    if isinstance(obj, Period):
        schedule = obj.schedule
        if schedule is None and obj.bell_schedule_id is not None:
            schedule = session.get(BellSchedule, obj.bell_schedule_id)
        return _owning_school(session, schedule) if schedule is not None else None
    school: School | None = obj.school
    if school is None and obj.school_id is not None:
        school = session.get(School, obj.school_id)
    return school


def _is_changed(obj: Any) -> bool:
    # Relationships count too: a period removed from its schedule's list has no
    # column change yet (the delete-orphan cascade happens inside the flush).
    changed = {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}
    if isinstance(obj, School):
        changed -= REVISION_FIELDS
    return bool(changed)


def _bump_revisions(session: Session, _context: Any, _instances: Any) -> None:
    # The schools themselves (a new one has no id before its first flush),
    # held until the transaction ends.
    bumped: set[School] = session.info.setdefault(_BUMPED, set())
    touched: set[School] = set()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    new, deleted = set(session.new), set(session.deleted)
    with session.no_autoflush:
        for obj in [*new, *session.dirty, *deleted]:
            if not isinstance(obj, SCHEDULE_DATA):
                continue
            if obj not in new and obj not in deleted and not _is_changed(obj):
                continue
            school = _owning_school(session, obj)
            if school is None:
                continue
            if school in new:
                # A school created in this transaction starts at its first
                # revision, however many flushes it takes to fill it in.
                school.revised_at = school.revised_at or now
                bumped.add(school)
                continue
            touched.add(school)
    for school in touched:
        bump_revision(session, school, now)


def bump_revision(session: Session, school: School, now: dt.datetime | None = None) -> None:
    """Move a school's revision up by one, unless this transaction already did."""
    bumped: set[School] = session.info.setdefault(_BUMPED, set())
    if school in bumped or school.id in session.info.get(_REVISED_IDS, ()):
        return
    school.revision = (school.revision or 0) + 1
    school.revised_at = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    bumped.add(school)


def record_revised(session: Session, school_ids: Iterable[int]) -> None:
    """Record schools whose revision this transaction set with plain statements.

    They count as bumped: further edits in the transaction bump them no more,
    and their change markers are deleted before the commit.
    """
    session.info.setdefault(_REVISED_IDS, set()).update(school_ids)


def _revised_school_ids(session: Session) -> set[int]:
    """The ids of the schools whose revision this transaction has moved or set."""
    ids: set[int] = set(session.info.get(_REVISED_IDS, ()))
    for school in session.info.get(_BUMPED, ()):
        identity = inspect(school).identity  # read without loading: the row may be deleted
        if identity is not None:
            ids.add(identity[0])
    return ids


def _delete_own_change_markers(session: Session) -> None:
    """Keep `settle_changes` from bumping again what this transaction already revised."""
    session.flush()
    ids = sorted(_revised_school_ids(session))
    for batch in iter_batches(ids, 500):
        session.execute(delete(SchoolChange).where(SchoolChange.school_id.in_(batch)))


def _forget_bumps(session: Session) -> None:
    session.info.pop(_BUMPED, None)
    session.info.pop(_REVISED_IDS, None)


def _forget_bumps_after_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        _forget_bumps(session)


install_revision_listener()
