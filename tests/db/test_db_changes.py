"""Edits made outside the library: database triggers mark the school, settling bumps it once."""

from __future__ import annotations

import datetime as dt

import pytest
from schools import riyadh_school, save
from sqlalchemy import select, text

from publisher.db import Period, School, open_engine, session_factory, transaction
from publisher.db.changes import (
    NOTIFY_CHANNEL,
    install_triggers,
    listen,
    listen_url,
    settle_changes,
)
from publisher.db.models import SCHEDULE_DATA
from publisher.db.save import save_school, save_schools

ALPHA = "alpha"

RAW_EDITS = {
    "schools: rename": "UPDATE schools SET name = 'Renamed' WHERE id = :school",
    "bell_schedules: rename": (
        "UPDATE bell_schedules SET name = name || '!' WHERE school_id = :school"
    ),
    "periods: relabel": (
        "UPDATE periods SET label = 'Premier' WHERE bell_schedule_id IN"
        " (SELECT id FROM bell_schedules WHERE school_id = :school)"
    ),
    "periods: insert": (
        'INSERT INTO periods (bell_schedule_id, "index", kind, label, starts_at, ends_at)'
        " SELECT id, 9, 'lesson', 'Ninth', '13:00:00', '13:45:00'"
        " FROM bell_schedules WHERE school_id = :school"
    ),
    "periods: delete": (
        'DELETE FROM periods WHERE "index" = 5 AND bell_schedule_id IN'
        " (SELECT id FROM bell_schedules WHERE school_id = :school)"
    ),
    "week_plan: delete": "DELETE FROM week_plan WHERE school_id = :school AND weekday = 6",
    "calendar_overrides: delete": "DELETE FROM calendar_overrides WHERE school_id = :school",
    "classes: reorder": "UPDATE classes SET position = position + 10 WHERE school_id = :school",
    "lessons: update": "UPDATE lessons SET teacher = 'Nobody' WHERE school_id = :school",
    "lessons: insert": (
        "INSERT INTO lessons (school_id, weekday, period_index, class_id, subject, teacher)"
        " SELECT school_id, 5, 9, id, 'Art', '' FROM classes WHERE school_id = :school"
    ),
    "lessons: delete": "DELETE FROM lessons WHERE school_id = :school",
    "lessons: move to a room": "UPDATE lessons SET room = 'Lab 2' WHERE school_id = :school",
    "substitutions: delete": "DELETE FROM substitutions WHERE school_id = :school",
    "substitutions: give a room": (
        "UPDATE substitutions SET room = 'Hall' WHERE school_id = :school"
    ),
    "duties: move": "UPDATE duties SET place = 'Hall' WHERE school_id = :school",
    "announcements: insert": (
        "INSERT INTO announcements (school_id, text, first_date, last_date)"
        " VALUES (:school, 'Fire drill', '2026-11-23', '2026-11-23')"
    ),
    "exams: insert": (
        "INSERT INTO exams (school_id, date, period_index, class_id, subject, room, invigilators)"
        " SELECT school_id, '2026-11-25', 1, id, 'Maths', 'Hall', 'Sara' FROM classes"
        " WHERE school_id = :school"
    ),
    "school_displays: insert": (
        "INSERT INTO school_displays (school_id, accent) VALUES (:school, '#1a7f5a')"
    ),
    "class_groups: insert": (
        "INSERT INTO class_groups (school_id, name, classes) VALUES (:school, 'ground', '1A')"
    ),
}
"""Edits an admin site could make, each to one school, most of them to many rows at once."""


def raw_sql(sessions, statement: str, **params: object) -> None:
    """Run a statement as another application would: no ORM session, no listener."""
    with sessions.kw["bind"].begin() as connection:
        connection.execute(text(statement), params)


def markers(sessions) -> list[int]:
    with sessions.kw["bind"].connect() as connection:
        return sorted(connection.scalars(text("SELECT school_id FROM school_changes")))


def revisions(sessions) -> dict[str, int]:
    with transaction(sessions) as session:
        return {s.slug: s.revision for s in session.scalars(select(School))}


def settle(sessions) -> list[int]:
    with transaction(sessions) as session:
        return settle_changes(session)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC time (SQLite gives it back without its zone)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


# -- Edits outside the library ---------------------------------------------------------------------


def test_the_edits_above_cover_every_table_of_schedule_data():
    edited = {name.split(":")[0] for name in RAW_EDITS}
    assert edited == {model.__tablename__ for model in SCHEDULE_DATA}


@pytest.mark.parametrize("statement", RAW_EDITS.values(), ids=RAW_EDITS.keys())
def test_a_raw_edit_marks_its_school_and_settling_bumps_it_once(sessions, two_schools, statement):
    raw_sql(sessions, statement, school=two_schools["alpha"])
    assert markers(sessions) == [two_schools["alpha"]]

    assert settle(sessions) == [two_schools["alpha"]]
    assert revisions(sessions) == {"alpha": 2, "beta": 1}
    assert markers(sessions) == []


def test_a_statement_over_many_rows_of_two_schools_bumps_each_once(sessions, two_schools):
    raw_sql(sessions, "UPDATE lessons SET teacher = 'Nobody'")
    assert markers(sessions) == sorted(two_schools.values())

    assert settle(sessions) == sorted(two_schools.values())
    assert settle(sessions) == []
    assert revisions(sessions) == {"alpha": 2, "beta": 2}


def test_several_raw_edits_before_settling_make_one_bump(sessions, two_schools):
    for statement in RAW_EDITS.values():
        raw_sql(sessions, statement, school=two_schools["alpha"])

    assert settle(sessions) == [two_schools["alpha"]]
    assert revisions(sessions) == {"alpha": 2, "beta": 1}


def test_settling_moves_revised_at_to_the_given_time(sessions, two_schools):
    raw_sql(sessions, RAW_EDITS["lessons: update"], school=two_schools["alpha"])
    settled_at = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC)
    with transaction(sessions) as session:
        settle_changes(session, settled_at)
    with transaction(sessions) as session:
        revised_at = session.get(School, two_schools["alpha"]).revised_at
    assert as_utc(revised_at) == settled_at


def test_a_school_deleted_after_its_edit_is_not_settled(sessions, two_schools):
    raw_sql(sessions, RAW_EDITS["lessons: update"], school=two_schools["alpha"])
    raw_sql(sessions, "DELETE FROM schools WHERE id = :school", school=two_schools["alpha"])

    assert settle(sessions) == []
    assert markers(sessions) == []
    assert revisions(sessions) == {"beta": 1}


def test_settling_rolled_back_leaves_the_markers(sessions, two_schools):
    raw_sql(sessions, RAW_EDITS["lessons: update"], school=two_schools["alpha"])
    with sessions() as session:
        assert settle_changes(session) == [two_schools["alpha"]]
        session.rollback()

    assert markers(sessions) == [two_schools["alpha"]]
    assert revisions(sessions) == {"alpha": 1, "beta": 1}


# -- What marks nothing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE schools SET revision = revision + 5, revised_at = CURRENT_TIMESTAMP",
        "UPDATE schools SET name = name, timezone = timezone",
    ],
    ids=["revision fields", "same values"],
)
def test_a_raw_update_of_a_school_that_changes_no_content_marks_nothing(
    sessions, two_schools, statement
):
    raw_sql(sessions, statement)
    assert markers(sessions) == []


# -- Edits through the library ---------------------------------------------------------------------


def relabel_first_period(session) -> None:
    school = session.scalars(select(School).where(School.slug == ALPHA)).one()
    school.bell_schedules[0].periods[0].label = "Premier"


def add_a_period(session) -> None:
    school = session.scalars(select(School).where(School.slug == ALPHA)).one()
    school.bell_schedules[0].periods.append(
        Period(index=9, label="Ninth", starts_at=dt.time(13), ends_at=dt.time(13, 45))
    )


def save_a_changed_document(session) -> None:
    save_school(session, riyadh_school(ALPHA, name="Renamed"))


def save_a_batch_with_a_change(session) -> None:
    save_schools(session, [riyadh_school(ALPHA, name="Renamed"), riyadh_school("beta")])


def edit_through_the_orm_and_raw_sql_in_one_transaction(session) -> None:
    relabel_first_period(session)
    alpha = session.scalars(select(School.id).where(School.slug == ALPHA)).one()
    session.execute(text(RAW_EDITS["lessons: delete"]), {"school": alpha})


LIBRARY_EDITS = [
    relabel_first_period,
    add_a_period,
    save_a_changed_document,
    save_a_batch_with_a_change,
    edit_through_the_orm_and_raw_sql_in_one_transaction,
]


@pytest.mark.parametrize("edit", LIBRARY_EDITS, ids=lambda edit: edit.__name__)
def test_a_library_edit_bumps_once_and_leaves_nothing_to_settle(sessions, two_schools, edit):
    with transaction(sessions) as session:
        edit(session)

    assert revisions(sessions) == {"alpha": 2, "beta": 1}
    assert markers(sessions) == []
    assert settle(sessions) == []
    assert revisions(sessions) == {"alpha": 2, "beta": 1}


def test_schools_created_by_the_library_start_at_revision_1_with_nothing_to_settle(sessions):
    save(sessions, riyadh_school(ALPHA))
    with transaction(sessions) as session:
        save_schools(session, [riyadh_school(ALPHA), riyadh_school("beta"), riyadh_school("gamma")])
    with transaction(sessions) as session:
        session.add(School(slug="delta", name="Delta", timezone="Asia/Riyadh"))

    assert markers(sessions) == []
    assert settle(sessions) == []
    assert revisions(sessions) == {"alpha": 1, "beta": 1, "gamma": 1, "delta": 1}


def test_a_school_created_in_bulk_stays_at_revision_1_when_edited_in_the_same_transaction(
    sessions,
):
    with transaction(sessions) as session:
        save_schools(session, [riyadh_school(ALPHA)])
        relabel_first_period(session)

    assert revisions(sessions) == {"alpha": 1}
    assert markers(sessions) == []


def test_a_raw_edit_after_a_library_edit_is_settled(sessions, two_schools):
    with transaction(sessions) as session:
        save_a_changed_document(session)
    raw_sql(sessions, RAW_EDITS["lessons: update"], school=two_schools["alpha"])

    assert settle(sessions) == [two_schools["alpha"]]
    assert revisions(sessions) == {"alpha": 3, "beta": 1}


# -- Installing ------------------------------------------------------------------------------------


def test_installing_the_triggers_again_changes_nothing(sessions, two_schools):
    install_triggers(sessions.kw["bind"])
    install_triggers(sessions.kw["bind"])

    raw_sql(sessions, RAW_EDITS["lessons: update"], school=two_schools["alpha"])
    assert settle(sessions) == [two_schools["alpha"]]
    assert revisions(sessions) == {"alpha": 2, "beta": 1}


def test_installing_again_repairs_a_missing_trigger(sessions, two_schools):
    engine = sessions.kw["bind"]
    on_lessons = "" if engine.dialect.name == "sqlite" else " ON lessons"
    raw_sql(sessions, f"DROP TRIGGER publisher_lessons_update{on_lessons}")
    raw_sql(sessions, RAW_EDITS["lessons: update"], school=two_schools["alpha"])
    assert markers(sessions) == []

    install_triggers(engine)
    raw_sql(sessions, RAW_EDITS["lessons: update"], school=two_schools["alpha"])
    assert markers(sessions) == [two_schools["alpha"]]


# -- Notifications (PostgreSQL) --------------------------------------------------------------------


@pytest.fixture
def listening_postgresql(new_database):
    """A PostgreSQL database with two schools, and the connection `watch` LISTENs on."""
    url = new_database("postgresql")
    engine = open_engine(url)
    sessions = session_factory(engine)
    ids = save(sessions, riyadh_school(ALPHA), riyadh_school("beta"))
    with listen(listen_url(url) or "") as listener:
        yield sessions, ids, listener
    engine.dispose()


def test_sqlite_has_no_channel_to_listen_on(tmp_path):
    assert listen_url(f"sqlite:///{tmp_path / 'publisher.db'}") is None


def test_postgresql_notifies_a_committed_raw_edit_with_the_school_id(listening_postgresql):
    sessions, [alpha, _beta], listener = listening_postgresql
    raw_sql(sessions, RAW_EDITS["lessons: update"], school=alpha)

    [notification] = listener.notifies(timeout=5, stop_after=1)
    assert (notification.channel, notification.payload) == (NOTIFY_CHANNEL, str(alpha))


def test_postgresql_notifies_each_school_of_a_statement_once(listening_postgresql):
    sessions, ids, listener = listening_postgresql
    raw_sql(sessions, "UPDATE lessons SET teacher = 'Nobody'")

    payloads = [n.payload for n in listener.notifies(timeout=2)]
    assert sorted(payloads) == sorted(str(i) for i in ids)


def test_postgresql_notifies_nothing_for_a_rolled_back_edit(listening_postgresql):
    sessions, [alpha, _beta], listener = listening_postgresql
    with sessions.kw["bind"].connect() as connection:
        connection.execute(text(RAW_EDITS["lessons: update"]), {"school": alpha})
        connection.rollback()

    assert list(listener.notifies(timeout=1)) == []


def test_postgresql_notifies_library_edits_too(listening_postgresql):
    sessions, [alpha, _beta], listener = listening_postgresql
    with transaction(sessions) as session:
        save_a_changed_document(session)

    [notification] = listener.notifies(timeout=5, stop_after=1)
    assert notification.payload == str(alpha)
