"""Options and helpers shared by the commands: the database option and error handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session, sessionmaker

from publisher.config import DEFAULT_DATABASE_URL
from publisher.db import open_engine, require_schema, session_factory

F = TypeVar("F", bound=Callable[..., Any])

database_option = click.option(
    "--database",
    "database_url",
    envvar="PUBLISHER_DATABASE_URL",
    show_envvar=True,
    default=DEFAULT_DATABASE_URL,
    show_default=True,
    metavar="URL",
    help="SQLAlchemy URL of the schedule database (sqlite:///FILE or postgresql+psycopg://...).",
)


def open_database(url: str, *, need_schema: bool = True) -> sessionmaker[Session]:
    """Open the database; with `need_schema`, fail with a hint when `db init` never ran."""
    engine = open_engine(url)
    if need_schema:
        require_schema(engine)
    return session_factory(engine)


def warn(message: str) -> None:
    """One line on stderr, for problems that do not stop the command."""
    click.echo(message, err=True)
