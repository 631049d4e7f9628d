"""SQLite in write-ahead-log mode: `status` and `watch` read while a publish writes."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from schools import riyadh_school, save

from publisher.cli import main
from publisher.config import PublishSettings
from publisher.db import open_engine, session_factory
from publisher.publish.run import publish
from publisher.stores.local import LocalStore


@pytest.fixture
def database(new_database, now, tmp_path, monkeypatch) -> Path:
    """A SQLite database file with one published school."""
    url = new_database("sqlite")
    engine = open_engine(url)
    sessions = session_factory(engine)
    ids = save(sessions, riyadh_school("alpha"))
    publish(sessions, LocalStore.open(tmp_path / "public"), ids, now, PublishSettings())
    engine.dispose()
    monkeypatch.setenv("PUBLISHER_TARGET", f"file://{tmp_path / 'public'}")
    return Path(url.removeprefix("sqlite:///"))


def status(url: str):
    env = {"PUBLISHER_DATABASE_URL": url}
    return CliRunner().invoke(main, ["status"], env=env, catch_exceptions=False)


def school_rows(result) -> list[list[str]]:
    """The status table's school rows, split into words (after the target and header lines)."""
    return [line.split()[:4] for line in result.stdout.splitlines()[2:] if line.strip()]


def journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


def test_status_reads_while_another_connection_is_writing(database):
    """The writer holds the lock a rollback journal takes once a transaction writes
    to the file itself (a large publish spills its cache, every commit does): in
    that mode a reader waits out the whole busy timeout (30 s), then fails."""
    assert journal_mode(database) == "wal"
    writer = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE schools SET name = 'renamed, not yet committed'")
        started = time.monotonic()
        result = status(f"sqlite:///{database}")
        seconds = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    assert school_rows(result)[0] == ["alpha", "published", "r1", "r1"]
    assert seconds < 5


def test_a_database_opened_read_only_keeps_its_journal_and_reads(database):
    """The journal mode is written into the file: one that cannot be written keeps its mode."""
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    result = status(f"sqlite:///file:{database}?mode=ro&uri=true")
    assert result.exit_code == 0, result.output
    assert school_rows(result)[0] == ["alpha", "published", "r1", "r1"]
    assert journal_mode(database) == "delete"
