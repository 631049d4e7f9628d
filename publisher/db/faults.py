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

# (what SQLite or PostgreSQL says, what it means for the person reading it)
_HINTS = (
    ("no such column", _OLD_SCHEMA),
    ("has no column named", _OLD_SCHEMA),
    ("no such table", _OLD_SCHEMA),
    ("database is locked", "another process held a lock on it for longer than the wait;"
     " try again, or set the wait in seconds with ?timeout= in the URL, 30 by default"),
    ("readonly database", "the file or its folder is read-only for this user"),
    ("file is not a database", "the file is damaged or not a SQLite database"),
    ("disk image is malformed", "the file is damaged; restore it from a backup"),
    ("unable to open database file", "the file or its folder cannot be opened"),
    ("database or disk is full", "the disk is full"),
)  # fmt: skip


def is_database_fault(error: BaseException) -> bool:
    """Whether `error` comes from the state of the database rather than from our code."""
    cause = error.orig if isinstance(error, exc.DBAPIError) else error
    if isinstance(cause, psycopg.Error):
        # OperationalError: the server went away, a lock or statement timeout, a full disk.
        return isinstance(cause, psycopg.OperationalError | pg.UndefinedColumn | pg.UndefinedTable)
    if isinstance(cause, sqlite3.Error):
        # OperationalError: locked, read-only, no such column, disk full; DatabaseError
        # itself (not a subclass): not a database, malformed.
        return isinstance(cause, sqlite3.OperationalError) or type(cause) is sqlite3.DatabaseError
    return False


def describe_fault(error: BaseException, database: str) -> str:
    """One line: the database (password hidden), what the driver said, and what it means."""
    cause = error.orig if isinstance(error, exc.DBAPIError) and error.orig else error
    lines = str(cause).strip().splitlines()
    reason = " ".join(lines[0].split()) if lines else type(cause).__name__
    for said, meaning in _HINTS:
        if said in reason:
            return f"database {database}: {reason} ({meaning})"
    if isinstance(cause, pg.UndefinedColumn | pg.UndefinedTable):
        return f"database {database}: {reason} ({_OLD_SCHEMA})"
    return f"database {database}: {reason}"
