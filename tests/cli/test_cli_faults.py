"""A database in a bad state (damaged, read-only, locked, older than the code) is one line, exit 2.

Each case runs a real command on a real database in that state and checks what
a person at the terminal sees: exactly one line on stderr naming the database
and what is wrong, no traceback, exit status 2, and the data left as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from publisher.cli import main
from publisher.db import open_engine
from publisher.db.faults import is_database_fault
from testsupport import CHECKOUT

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

EXAMPLE = CHECKOUT / "examples" / "school.yaml"


def run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--database", database_url], catch_exceptions=False)


def assert_one_line(result: Result, *expected: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: database "), (
        result.stderr
    )
    for part in expected:
        assert part in result.stderr, result.stderr


def schools_in(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(text("SELECT slug FROM schools ORDER BY slug")))
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_file(new_database: Callable[[str], str]) -> Path:
    """A SQLite database with the schema and no school, as a file."""
    return Path(new_database("sqlite").removeprefix("sqlite:///"))


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        pytest.param(lambda path: path.write_bytes(os.urandom(8192)), "file is not a database", id="random-bytes"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:3000]), "database disk image is malformed", id="truncated"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", [["import", str(EXAMPLE)], ["status"], ["db", "init"]])
def test_a_damaged_sqlite_file_is_one_line_and_left_alone(sqlite_file, damage, problem, command):
    damage(sqlite_file)
    before = sqlite_file.read_bytes()

    result = run(f"sqlite:///{sqlite_file}", *command)

    assert_one_line(result, f"database sqlite:///{sqlite_file}: {problem} (the file is damaged")
    assert sqlite_file.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="file permissions do not stop root")
def test_a_read_only_sqlite_file_is_one_line(sqlite_file):
    before = sqlite_file.read_bytes()
    sqlite_file.chmod(0o444)
    try:
        result = run(f"sqlite:///{sqlite_file}", "import", str(EXAMPLE))
    finally:
        sqlite_file.chmod(0o644)
    assert_one_line(
        result, "attempt to write a readonly database (the file or its folder is read-only"
    )
    assert sqlite_file.read_bytes() == before


def test_a_sqlite_file_opened_read_only_is_one_line(sqlite_file):
    # SQLite's own read-only mode: unlike file permissions, it holds when the tests run as root.
    before = sqlite_file.read_bytes()
    url = f"sqlite:///file:{sqlite_file}?mode=ro&uri=true"

    result = run(url, "import", str(EXAMPLE))

    assert_one_line(
        result, "attempt to write a readonly database (the file or its folder is read-only"
    )
    assert sqlite_file.read_bytes() == before
    assert schools_in(f"sqlite:///{sqlite_file}") == []


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another connection holds the write lock, as a second publisher or an admin would."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_database_locked_past_the_wait_is_one_line(sqlite_file):
    before = sqlite_file.read_bytes()
    with write_lock_held(sqlite_file):
        result = run(f"sqlite:///{sqlite_file}?timeout=0.2", "import", str(EXAMPLE))

    assert_one_line(result, "database is locked (another process held a lock on it")
    assert sqlite_file.read_bytes() == before
    assert schools_in(f"sqlite:///{sqlite_file}") == []


def test_the_wait_for_a_lock_must_be_a_number_of_seconds(sqlite_file):
    result = run(f"sqlite:///{sqlite_file}?timeout=soon", "status")
    assert_one_line(result, "timeout=soon is not a number of seconds")


@pytest.mark.parametrize(
    "command", [["import", str(EXAMPLE)], ["export", "--school", "example-school"], ["status"]]
)
def test_a_column_missing_from_an_old_database_names_it_and_asks_for_an_upgrade(
    database_url, command
):
    assert run(database_url, "import", str(EXAMPLE)).exit_code == 0
    engine = create_engine(database_url)
    with engine.begin() as connection:  # as a database made before the column existed
        connection.execute(text("ALTER TABLE schools DROP COLUMN revised_at"))
    engine.dispose()

    result = run(database_url, *command)

    assert_one_line(result, "revised_at", "run `publisher db upgrade`")
    assert schools_in(database_url) == ["example-school"]


def test_a_mistake_in_our_own_sql_is_a_bug_not_a_fault(database_url):
    # SQLite reports a syntax error with the same exception class as a locked
    # file; only the state of the database may hide a traceback.
    engine = open_engine(database_url)
    try:
        with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
            connection.exec_driver_sql("SELEC 1")
    finally:
        engine.dispose()
    assert not is_database_fault(caught.value)
