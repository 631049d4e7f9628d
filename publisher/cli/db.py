"""`publisher db ...`: the database schema."""

from __future__ import annotations

import click
from sqlalchemy import inspect

from publisher.cli.common import database_option, open_database
from publisher.cli.output import detail, output_options, say
from publisher.db import init_schema


@click.group()
def db() -> None:
    """Manage the schedule database."""


@db.command("init")
@database_option
@output_options
def init(database_url: str) -> None:
    """Create the schema; safe to run again on an existing database."""
    factory = open_database(database_url, need_schema=False)
    engine = factory.kw["bind"]
    init_schema(engine)
    say(f"Schema ready in {engine.url.render_as_string(hide_password=True)}")
    detail("tables: " + ", ".join(sorted(inspect(engine).get_table_names())))


COMMANDS = [db]
