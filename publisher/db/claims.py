"""Claims: which publisher is publishing which school right now (invariant 8).

Before a publisher reads a school to publish it, it claims the school with one
statement; a school another live publisher holds is skipped, and the claim is
released once the outcome is recorded. Cron overlapping a watcher, two
operators, or `publish --all` on several hosts against one PostgreSQL therefore
never publish the same school at the same time, and several hosts share a run's
work between them.

Claims are rows with an owner and an expiry, not locks held by a connection:
they need no long transaction (so they work behind PgBouncer's transaction
pooling), they behave the same on SQLite (whose single writer makes the claim
statement atomic across processes), and a crashed or hung publisher's claims
simply expire.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from publisher.db.models import PublishClaim
from publisher.db.session import upsert_insert

CLAIM_SECONDS = 900
"""How long a claim lasts: longer than any batch takes to upload, retries included."""


def new_owner() -> str:
    """A name for this publisher's claims: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_schools(
    session: Session,
    school_ids: Sequence[int],
    owner: str,
    now: dt.datetime,
    seconds: int = CLAIM_SECONDS,
) -> list[int]:
    """Claim those of the schools that no other live publisher holds; the claimed ids, sorted.

    A school without a claim, or whose claim has expired, becomes `owner`'s
    with one statement. A claim left by a process of this host that is gone
    (killed, crashed) is taken over at once rather than at its expiry. The
    caller commits.
    """
    if not school_ids:
        return []
    claimed = _claim(session, school_ids, owner, now, seconds)
    held = sorted(set(school_ids) - set(claimed))
    if held:
        holders = session.execute(
            select(PublishClaim.school_id, PublishClaim.owner).where(
                PublishClaim.school_id.in_(held)
            )
        ).all()
        orphans = [school for school, holder in holders if owner_gone(holder)]
        if orphans:
            session.execute(delete(PublishClaim).where(PublishClaim.school_id.in_(orphans)))
            claimed = sorted({*claimed, *_claim(session, orphans, owner, now, seconds)})
    return claimed


def _claim(
    session: Session, school_ids: Sequence[int], owner: str, now: dt.datetime, seconds: int
) -> list[int]:
    expires = now + dt.timedelta(seconds=seconds)
    statement = upsert_insert(session)(PublishClaim).values(
        [{"school_id": i, "owner": owner, "expires_at": expires} for i in school_ids]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[PublishClaim.school_id],
        set_={"owner": statement.excluded.owner, "expires_at": statement.excluded.expires_at},
        where=(PublishClaim.expires_at < now) | (PublishClaim.owner == owner),
    ).returning(PublishClaim.school_id)
    return sorted(session.scalars(statement))


def owner_gone(owner: str) -> bool:
    """Whether an owner (`host:pid:random`) is a process of this host that no longer runs."""
    host, _, rest = owner.partition(":")
    if host != socket.gethostname():
        return False
    try:
        os.kill(int(rest.split(":")[0]), 0)
    except ValueError:
        return False
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_claims(session: Session, school_ids: Sequence[int], owner: str) -> None:
    """Give up `owner`'s claims on these schools (the caller commits)."""
    if school_ids:
        session.execute(
            delete(PublishClaim).where(
                PublishClaim.owner == owner, PublishClaim.school_id.in_(list(school_ids))
            )
        )
