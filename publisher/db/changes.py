"""Noticing schedule edits made outside the library, with database triggers.

The library moves a school's revision itself when it changes the school's rows
(`publisher.db.revision`), but an admin site or plain SQL writes the same tables
without it. So triggers on every table of schedule data record the school that
owns each inserted, updated or deleted row in `school_changes`, and on
PostgreSQL also send a notification on `NOTIFY_CHANNEL` with the school's id as
payload, so that a watcher hears of the edit at once. `settle_changes` later
takes those markers out and moves each marked school's revision once, however
many rows or statements changed it.

The library's own writes fire the triggers too: notifications go out for them
as well, and their markers are deleted before the library commits, because the
revision has already moved. A school's own row counts only when it is created or
when a column other than `revision` and `revised_at` gets a new value; otherwise
settling a school would mark it again.

SQLite has only row-level triggers. PostgreSQL gets statement-level triggers
that read the statement's transition tables (`new_rows`, `old_rows`): a
statement replacing a school's hundreds of lessons costs one trigger call, not
hundreds. A period has no school of its own: its bell schedule's school is
marked (when a schedule and its periods go together, by the schedule's trigger).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, delete, inspect, make_url, text, update
from sqlalchemy.orm import Session

from publisher.db.batches import iter_batches
from publisher.db.models import SCHEDULE_DATA, BellSchedule, Period, School, SchoolChange
from publisher.db.revision import REVISION_FIELDS, record_revised

if TYPE_CHECKING:
    import psycopg

NOTIFY_CHANNEL = "publisher_school_changes"
"""The PostgreSQL channel the triggers notify, with a changed school's id as payload."""


def listen_url(database_url: str) -> str | None:
    """The psycopg URL to LISTEN on, for a PostgreSQL database URL; None for SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def listen(url: str) -> psycopg.Connection[Any]:
    """A connection (autocommit) listening on `NOTIFY_CHANNEL`; `url` from `listen_url`.

    A plain psycopg connection rather than the engine's: it is held for as long
    as the watcher runs, waiting in `notifies()`, outside any pool.
    """
    import psycopg  # here: only `watch` on PostgreSQL listens, and publishing never does

    connection = psycopg.connect(url, autocommit=True)
    try:
        connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
    except BaseException:
        connection.close()
        raise
    return connection


_SCHOOLS = School.__tablename__
_PERIODS = Period.__tablename__
_SCHEDULES = BellSchedule.__tablename__
_CONTENT_COLUMNS = [
    column.name
    for column in School.__table__.columns
    if column.name not in {"id", *REVISION_FIELDS}
]


def install_triggers(engine: Engine) -> None:
    """Create the triggers, or bring them up to date; safe to run any number of times.

    Triggers already installed as defined here are left alone, so running it
    again on a current database locks no table. Only the tables the database
    has get theirs: one at an older revision (as the previous version's `db
    init` left it) has its own tables watched, and the upgrade that adds a
    table installs its triggers.
    """
    with engine.begin() as connection:
        watched = [(t, e) for t, e in _watched() if t in inspect(connection).get_table_names()]
        if engine.dialect.name == "sqlite":
            _install_sqlite_triggers(connection, watched)
        else:
            _install_postgresql_triggers(connection, watched)


def settle_changes(session: Session, now: dt.datetime | None = None) -> list[int]:
    """Move the revision of every school changed outside the library; their ids, sorted.

    Takes every marker out of `school_changes` and bumps each marked school
    once, in the caller's transaction (the caller commits). A school deleted
    since it was marked is skipped.
    """
    marked = sorted(session.scalars(delete(SchoolChange).returning(SchoolChange.school_id)))
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    settled: list[int] = []
    for batch in iter_batches(marked, 500):
        bump = (
            update(School)
            .where(School.id.in_(batch))
            .values(revision=School.revision + 1, revised_at=now)
            .returning(School.id)
        )
        settled.extend(session.scalars(bump))
    record_revised(session, settled)
    return sorted(settled)


def _watched() -> list[tuple[str, str]]:
    """Each (table, event) with a trigger: every write of schedule data, except that
    deleting a school leaves nothing to publish (its rows' deletions mark it anyway)."""
    return [
        (model.__tablename__, event)
        for model in SCHEDULE_DATA
        for event in ("insert", "update", "delete")
        if (model.__tablename__, event) != (_SCHOOLS, "delete")
    ]


def _trigger_name(table: str, event: str) -> str:
    """The trigger's name, and on PostgreSQL its function's too."""
    return f"publisher_{table}_{event}"


def _install_sqlite_triggers(connection: Connection, watched: list[tuple[str, str]]) -> None:
    wanted = {_trigger_name(t, e): _sqlite_trigger(t, e) for t, e in watched}
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    stored = {name: sql for name, sql in connection.exec_driver_sql(query)}
    outdated = [name for name, create in wanted.items() if stored.get(name) != create]
    if not outdated:
        return
    # Python's sqlite3 runs DDL outside any transaction unless one is begun by hand.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    for name in outdated:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(wanted[name])


def _sqlite_trigger(table: str, event: str) -> str:
    """A row-level trigger marking the school of the row written (both schools when
    an update moves a row from one school to another)."""
    timing, condition = f"AFTER {event.upper()}", ""
    rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}[event]
    if table == _SCHOOLS and event == "update":
        timing = f"AFTER UPDATE OF {', '.join(_CONTENT_COLUMNS)}"
        condition = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _CONTENT_COLUMNS)
        rows = ["NEW"]
    marks = "".join(
        f" INSERT OR IGNORE INTO school_changes (school_id) {_sqlite_school_of(table, row)};"
        for row in rows
    )
    return (
        f"CREATE TRIGGER {_trigger_name(table, event)} {timing} ON {table}"
        f" FOR EACH ROW{condition} BEGIN{marks} END"
    )


def _sqlite_school_of(table: str, row: str) -> str:
    """A query for the id of the school owning the trigger's NEW or OLD row."""
    if table == _SCHOOLS:
        return f"SELECT {row}.id"
    if table == _PERIODS:
        return f"SELECT school_id FROM {_SCHEDULES} WHERE id = {row}.bell_schedule_id"
    return f"SELECT {row}.school_id"


_POSTGRESQL_MARK = f"""
CREATE OR REPLACE FUNCTION publisher_mark_schools(school_ids integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO school_changes (school_id)
    SELECT DISTINCT ids.id FROM unnest(school_ids) AS ids(id) WHERE ids.id IS NOT NULL
    ON CONFLICT DO NOTHING;
    PERFORM pg_notify('{NOTIFY_CHANNEL}', changed.id::text)
    FROM (SELECT DISTINCT ids.id FROM unnest(school_ids) AS ids(id) WHERE ids.id IS NOT NULL)
        AS changed;
END
$$
"""


def _install_postgresql_triggers(connection: Connection, watched: list[tuple[str, str]]) -> None:
    connection.exec_driver_sql(_POSTGRESQL_MARK)
    for table, event in watched:
        connection.exec_driver_sql(_postgresql_function(table, event))
        if not _has_trigger(connection, table, _trigger_name(table, event)):
            connection.exec_driver_sql(
                f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)} ON {table}"
            )
            connection.exec_driver_sql(_postgresql_trigger(table, event))


def _has_trigger(connection: Connection, table: str, name: str) -> bool:
    query = text(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = CAST(:table AS regclass) AND tgname = :name"
    )
    return connection.execute(query, {"table": table, "name": name}).first() is not None


def _postgresql_function(table: str, event: str) -> str:
    """The trigger's function: it marks the schools owning the rows the statement wrote."""
    return (
        f"CREATE OR REPLACE FUNCTION {_trigger_name(table, event)}() RETURNS trigger\n"
        f"LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n"
        f"    PERFORM publisher_mark_schools(ARRAY({_postgresql_schools_of(table, event)}));\n"
        f"    RETURN NULL;\n"
        f"END\n"
        f"$$"
    )


def _postgresql_trigger(table: str, event: str) -> str:
    """A statement-level trigger: the logic is in its function, which is replaced on
    every install, so the trigger itself never needs to change."""
    tables = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }[event]
    name = _trigger_name(table, event)
    return (
        f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table}"
        f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
    )


def _postgresql_schools_of(table: str, event: str) -> str:
    """A query for the ids of the schools owning the rows an event wrote."""
    if table == _SCHOOLS and event == "update":
        changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in _CONTENT_COLUMNS)
        return f"SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id WHERE {changed}"
    rows = {"insert": ["new_rows"], "update": ["old_rows", "new_rows"], "delete": ["old_rows"]}
    return " UNION ".join(_postgresql_school_of(table, r) for r in rows[event])


def _postgresql_school_of(table: str, rows: str) -> str:
    if table == _SCHOOLS:
        return f"SELECT id FROM {rows}"
    if table == _PERIODS:
        return (
            f"SELECT s.school_id FROM {rows} AS p"
            f" JOIN {_SCHEDULES} AS s ON s.id = p.bell_schedule_id"
        )
    return f"SELECT school_id FROM {rows}"
