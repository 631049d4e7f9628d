"""Finding the school a user named on the command line: by numeric id, slug or public key."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.db.models import School
from publisher.errors import ConfigError, quote

_LARGEST_ID = 2**31 - 1  # PostgreSQL's integer: a larger number cannot be an id


def find_school_by_key(session: Session, key: str) -> School | None:
    """The school whose id, slug or public key is `key` (tried in that order), or None."""
    if key.isascii() and key.isdigit() and int(key) <= _LARGEST_ID:
        school = session.get(School, int(key))
        if school is not None:
            return school
    for column in (School.slug, School.public_key):
        school = session.scalars(select(School).where(column == key)).one_or_none()
        if school is not None:
            return school
    return None


def resolve_school(session: Session, key: str) -> School:
    """Like `find_school_by_key`, but an unknown school is a usage error (exit status 2)."""
    school = find_school_by_key(session, key)
    if school is None:
        raise ConfigError(f"no school {quote(key)} (give its id, slug or public key)")
    return school
