"""Opening the database: engines and sessions, on SQLite or PostgreSQL (the schema: `schema`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from publisher.db.revision import install_revision_listener
from publisher.errors import ConfigError


def open_engine(url: str) -> Engine:
    """Create an engine for `url` and check that the server answers.

    Raises ConfigError with one line (password hidden) when the URL is malformed,
    names a driver that is not installed, or the server cannot be reached.
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
    try:
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise ConfigError(f"database {shown}: {error}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ConfigError(f"database {shown} is unreachable: {reason}") from None
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; a busy timeout lets a second
    # process (cron overlapping an admin) wait for a write lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def upsert_insert(session: Session) -> Any:
    """The `insert` construct of the session's database, with its ON CONFLICT clauses."""
    return sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert


def session_factory(engine: Engine) -> sessionmaker[Session]:
    install_revision_listener()
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session, one transaction: committed on success, rolled back on any error."""
    with factory() as session, session.begin():
        yield session
