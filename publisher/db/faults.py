"""Telling a fault of the database itself (locked, read-only, damaged, out of date) from a bug.

Such a fault is the environment's, not the program's: the command line shows
it as one line naming the database, with what to do about it, and exits 2.
Any other error of the database driver (a constraint our own checks should
have prevented, SQL we got wrong) is a bug and keeps its traceback.
"""

from __future__ import annotations

import sqlite3

import psycopg
from psycopg import errors as pg
from sqlalchemy import exc

_OLD_SCHEMA = "its schema is older than this publisher; run `publisher db upgrade`"
_LOCKED = (
    "another process held a lock on it for longer than the wait; try again,"
    " or set the wait in seconds with ?timeout= in the URL, 30 by default"
)

# What SQLite says about the state of its file, and what that means for the
# person reading it. SQLite reports a syntax error in our SQL with the same
# exception class as a locked file, so only these messages count as faults.
_SQLITE_FAULTS = (
    ("no such column", _OLD_SCHEMA),
    ("has no column named", _OLD_SCHEMA),
    ("no such table", _OLD_SCHEMA),
    ("database is locked", _LOCKED),
    ("database table is locked", _LOCKED),
    ("readonly database", "the file or its folder is read-only for this user"),
    ("file is not a database", "the file is damaged or not a SQLite database"),
    ("disk image is malformed", "the file is damaged; restore it from a backup"),
    ("unable to open database file", "the file or its folder cannot be opened"),
    ("database or disk is full", "the disk is full"),
    ("disk I/O error", "the disk or its file system failed"),
)


def is_database_fault(error: BaseException) -> bool:
    """Whether `error` comes from the state of the database rather than from our code."""
    cause = _cause(error)
    if isinstance(cause, psycopg.Error):
        # OperationalError: the server went away, a lock or statement timeout, a full disk.
        return isinstance(cause, psycopg.OperationalError | pg.UndefinedColumn | pg.UndefinedTable)
    if isinstance(cause, sqlite3.Error):
        return _sqlite_meaning(_reason(cause)) is not None
    return False


def describe_fault(error: BaseException, database: str | None) -> str:
    """One line: the database (password hidden), what the driver said, and what it means."""
    cause = _cause(error)
    reason = _reason(cause)
    meaning = _sqlite_meaning(reason) if isinstance(cause, sqlite3.Error) else None
    if isinstance(cause, pg.UndefinedColumn | pg.UndefinedTable):
        meaning = _OLD_SCHEMA
    named = f"database {database}" if database else "database"
    return f"{named}: {reason} ({meaning})" if meaning else f"{named}: {reason}"


def _cause(error: BaseException) -> BaseException:
    return error.orig if isinstance(error, exc.DBAPIError) and error.orig else error


def _reason(cause: BaseException) -> str:
    lines = str(cause).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(cause).__name__


def _sqlite_meaning(reason: str) -> str | None:
    return next((meaning for said, meaning in _SQLITE_FAULTS if said in reason), None)
