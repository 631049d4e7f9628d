"""Every instant the database stores reads back as an aware UTC datetime, on SQLite and
PostgreSQL alike, whatever zone it was given in (`db/models.py UtcDateTime`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text

from publisher.db import transaction
from publisher.db.models import Alert

RIYADH = dt.timezone(dt.timedelta(hours=3))


def test_an_instant_given_in_another_zone_reads_back_as_the_same_instant_in_utc(sessions):
    given = dt.datetime(2026, 12, 7, 7, 30, tzinfo=RIYADH)
    with transaction(sessions) as session:
        session.add(Alert(level="urgent", text="Drill", created_at=given, created_by="admin"))
        session.add(Alert(level="info", text="Late bus", created_at=given, created_by="admin"))

    with sessions() as session:
        first, second = session.scalars(select(Alert).order_by(Alert.id)).all()
        stored = session.execute(text("SELECT created_at FROM alerts ORDER BY id")).scalars().all()

    assert first.created_at == given
    assert first.created_at.utcoffset() == dt.timedelta(0)
    assert (first.until, second.cleared_at) == (None, None)
    if isinstance(stored[0], str):  # SQLite keeps text: the UTC wall time, so that
        assert stored[0].startswith("2026-12-07 04:30:00")  # SQL compares instants
    else:  # PostgreSQL keeps the instant
        assert stored[0] == given


def test_a_naive_instant_is_taken_as_utc(sessions):
    with transaction(sessions) as session:
        session.add(
            Alert(
                level="info", text="x", created_at=dt.datetime(2026, 12, 7, 4, 30), created_by="a"
            )
        )

    with sessions() as session:
        alert = session.scalars(select(Alert)).one()

    assert alert.created_at == dt.datetime(2026, 12, 7, 4, 30, tzinfo=dt.UTC)
