"""Finding schools: the one a user named on the command line (by numeric id, slug or
public key), and the slugs and public keys the commands report or compare."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.db.batches import iter_batches
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


def resolve_active_schools(session: Session, keys: Sequence[str], inactive: str) -> list[int]:
    """The ids of the schools named by `keys` (each as `resolve_school` takes it), sorted
    and without repeats; an inactive one is refused with `inactive` saying why."""
    ids = set()
    for key in keys:
        school = resolve_school(session, key)
        if not school.active:
            raise ConfigError(f"school {school.slug} is inactive{inactive}")
        ids.add(school.id)
    return sorted(ids)


def school_slugs(session: Session, school_ids: Sequence[int]) -> list[str]:
    """The slugs of the given schools, in id order."""
    if not school_ids:
        return []
    query = select(School.slug).where(School.id.in_(school_ids)).order_by(School.id)
    return list(session.scalars(query))


def public_keys(session: Session) -> set[str]:
    """Every school's public key, active or not: the names of the store's school folders."""
    return set(session.scalars(select(School.public_key)))


def slug_with_key(session: Session, key: str) -> str | None:
    """The slug of the school whose public key is `key`, or None."""
    return session.scalars(select(School.slug).where(School.public_key == key)).first()


def school_ids_by_key(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """The ids of the schools whose public keys are among `keys`, by key (an
    unknown key is left out)."""
    found: dict[str, int] = {}
    for chunk in iter_batches(keys, 500):  # bounded IN (...) lists
        query = select(School.public_key, School.id).where(School.public_key.in_(chunk))
        found.update({row.public_key: row.id for row in session.execute(query)})
    return found


def school_keys(session: Session, school_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(id, slug, public key) of the given schools, in id order."""
    if not school_ids:
        return []
    query = (
        select(School.id, School.slug, School.public_key)
        .where(School.id.in_(school_ids))
        .order_by(School.id)
    )
    return [(row.id, row.slug, row.public_key) for row in session.execute(query)]


def school_zones(session: Session, school_ids: Sequence[int]) -> set[str]:
    """The time zones the given schools are in."""
    if not school_ids:
        return set()
    return set(session.scalars(select(School.timezone).where(School.id.in_(school_ids))))
