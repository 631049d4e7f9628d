"""`publisher db ...`: creating the schema and bringing an older one up to date."""

from __future__ import annotations

import click

from publisher.cli.common import database_option, identify_target, open_database, target_options
from publisher.cli.output import detail, output_options, say
from publisher.db.schema import Upgrade, init_schema, table_names, upgrade_schema
from publisher.db.session import engine_of


@click.group()
def db() -> None:
    """Manage the schedule database."""


@db.command("init")
@database_option
@target_options
@output_options
def init(
    database_url: str, target: str, endpoint_url: str | None, path_style: bool, checksum: str
) -> None:
    """Create the schema; on an existing database, the same as `db upgrade`."""
    factory = open_database(database_url, need_schema=False)
    engine = engine_of(factory)
    done = init_schema(engine, identify_target(target, endpoint_url, path_style, checksum))
    say(_describe(done, engine.url.render_as_string(hide_password=True)))
    detail("tables: " + ", ".join(table_names(engine)))


@db.command("upgrade")
@database_option
@target_options
@output_options
def upgrade(
    database_url: str, target: str, endpoint_url: str | None, path_style: bool, checksum: str
) -> None:
    """Bring the schema of an older database up to date, keeping all its data.

    Run it after installing a new version of the publisher, with the same
    PUBLISHER_TARGET as the cron job: records of what was published made before
    records named their target are kept as that target's. Every other target
    gets a full first publish. Safe to run again.
    """
    factory = open_database(database_url, need_schema=False)
    engine = engine_of(factory)
    done = upgrade_schema(engine, identify_target(target, endpoint_url, path_style, checksum))
    say(_describe(done, engine.url.render_as_string(hide_password=True)))
    detail("tables: " + ", ".join(table_names(engine)))


def _describe(done: Upgrade, shown: str) -> str:
    if not done.changed:
        return f"Schema ready in {shown} (revision {done.after})"
    if done.before is None and not done.legacy:
        return f"Schema created in {shown} (revision {done.after})"
    before = "from before migrations" if done.legacy else f"from revision {done.before}"
    return f"Schema of {shown} upgraded {before} to revision {done.after}"


COMMANDS = [db]
