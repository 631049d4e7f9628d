"""Alerts put on screens: recording one, ending them, and the ones active at an instant.

A row is never deleted by the publisher: a cleared or expired alert stays, with
who put it up and who ended it, and when, as the record an operator asks for
after an incident. An alert for every school has no school (NULL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from publisher.build.alert import AlertMessage
from publisher.db.models import Alert, School


@dataclass(frozen=True)
class ActiveAlert:
    """An alert that is up, as `alert --list` shows it and screens get it."""

    id: int
    school_id: int | None  # None: every school
    school_slug: str | None
    message: AlertMessage
    created_by: str


def add_alert(
    session: Session,
    school_ids: Sequence[int] | None,
    message: AlertMessage,
    user: str,
) -> list[int]:
    """Record `message` for each school of `school_ids` (None: one row for every school),
    put up by `user` at `message.since`; the new rows' ids."""
    rows = [
        Alert(
            school_id=school_id,
            level=message.level,
            text=message.text,
            second_text=message.second_text,
            until=message.until,
            created_at=message.since,
            created_by=user,
        )
        for school_id in (school_ids if school_ids is not None else [None])
    ]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def clear_alerts(
    session: Session, school_ids: Sequence[int] | None, now: dt.datetime, user: str
) -> int:
    """End the active alerts of these schools (None: every active alert, every school's
    and those for all schools), noting `user` and `now`; how many were ended."""
    statement = update(Alert).where(*_active(now)).values(cleared_at=now, cleared_by=user)
    if school_ids is not None:
        statement = statement.where(Alert.school_id.in_(school_ids))
    return len(session.scalars(statement.returning(Alert.id)).all())


def active_alerts(session: Session, now: dt.datetime) -> list[ActiveAlert]:
    """Every alert up at `now`, the oldest first."""
    query = (
        select(Alert, School.slug)
        .outerjoin(School, School.id == Alert.school_id)
        .where(*_active(now))
        .order_by(Alert.created_at, Alert.id)
    )
    return [_active_alert(row, slug) for row, slug in session.execute(query)]


def alerts_of_schools(
    session: Session, school_ids: Sequence[int], now: dt.datetime
) -> dict[int, list[AlertMessage]]:
    """The alerts up at `now` on each of these schools' screens: its own and those for
    every school. One query, whatever the number of schools."""
    query = select(Alert).where(
        *_active(now), or_(Alert.school_id.is_(None), Alert.school_id.in_(school_ids))
    )
    everywhere: list[AlertMessage] = []
    own: dict[int, list[AlertMessage]] = {}
    for row in session.scalars(query):
        message = _message(row)
        if row.school_id is None:
            everywhere.append(message)
        else:
            own.setdefault(row.school_id, []).append(message)
    return {school_id: [*own.get(school_id, []), *everywhere] for school_id in school_ids}


def _active(now: dt.datetime) -> tuple:
    """The conditions of an alert up at `now`: not cleared, and not past its end."""
    return (Alert.cleared_at.is_(None), or_(Alert.until.is_(None), Alert.until > now))


def _message(row: Alert) -> AlertMessage:
    return AlertMessage(
        level=row.level,
        text=row.text,
        since=row.created_at,
        second_text=row.second_text,
        until=row.until,
    )


def _active_alert(row: Alert, slug: str | None) -> ActiveAlert:
    return ActiveAlert(row.id, row.school_id, slug, _message(row), row.created_by)
