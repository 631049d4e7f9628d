"""Opening the database: engines and sessions, on SQLite or PostgreSQL (the schema: `schema`)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from publisher.db.faults import describe_fault
from publisher.db.revision import install_revision_listener
from publisher.errors import ConfigError


def open_engine(url: str) -> Engine:
    """Create an engine for `url` and check that the server answers.

    Raises ConfigError with one line (password hidden) when the URL is malformed,
    names a driver that is not installed, the server cannot be reached, or a
    SQLite file cannot be opened or is not a database.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"database URL {url!r} is not a valid SQLAlchemy URL") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"database {shown}: only sqlite:/// and postgresql+psycopg:// are supported"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    timeout = _lock_wait(parsed.query.get("timeout"), shown)
    try:
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise ConfigError(f"database {shown}: {error}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if timeout is not None:
            event.listen(engine, "connect", _busy_timeout(timeout))
    try:
        with engine.connect() as connection:
            if parsed.get_backend_name() == "sqlite":
                # Opening a SQLite file reads nothing: read its header now, so a damaged
                # file or one that is not a database is named here, not by the first query.
                connection.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1")
    except DatabaseError as error:
        if isinstance(error, OperationalError) and parsed.get_backend_name() == "postgresql":
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise ConfigError(f"database {shown} is unreachable: {reason}") from None
        raise ConfigError(describe_fault(error, shown)) from None
    return engine


def in_memory(url: str) -> bool:
    """Whether `url` names an in-memory SQLite database, which no other process can open."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def _lock_wait(seconds: Any, shown: str) -> int | None:
    """The wait for a lock a SQLite URL asks for (`?timeout=5`, in seconds), in milliseconds.

    SQLAlchemy hands `timeout` to sqlite3 too, but `_sqlite_pragmas` sets its
    own wait afterwards; an operator (or a test) that wants another wait says
    so in the URL rather than through a setting of its own.
    """
    if seconds is None:
        return None
    try:
        milliseconds = round(float(seconds) * 1000)
    except (TypeError, ValueError):
        milliseconds = -1
    if not 0 <= milliseconds <= 2**31 - 1:
        raise ConfigError(f"database {shown}: timeout={seconds} is not a number of seconds")
    return milliseconds


def _busy_timeout(milliseconds: int) -> Any:
    def set_timeout(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={milliseconds}")

    return set_timeout


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; a busy timeout lets a second
    # process (cron overlapping an admin) wait for a write lock instead of failing.
    # Write-ahead logging lets readers (`status`, `watch` polling for changes)
    # read while a publish writes, instead of waiting for its transaction. The
    # mode is stored in the file, so only the first connection ever changes it;
    # a file that cannot be written (read-only media, a read-only URL) keeps its
    # mode, and reading it works as before.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    with contextlib.suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def upsert_insert(session: Session) -> Any:
    """The `insert` construct of the session's database, with its ON CONFLICT clauses.

    Each dialect's module is imported when its database is used: a run on SQLite
    does not load PostgreSQL's.
    """
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    from sqlalchemy.dialects import postgresql

    return postgresql.insert


def session_factory(engine: Engine) -> sessionmaker[Session]:
    install_revision_listener()
    return sessionmaker(engine, expire_on_commit=False)


def engine_of(factory: sessionmaker[Session]) -> Engine:
    """The engine `session_factory` bound the sessions to: what the schema functions take."""
    engine = factory.kw["bind"]
    assert isinstance(engine, Engine)
    return engine


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session, one transaction: committed on success, rolled back on any error."""
    with factory() as session, session.begin():
        yield session
