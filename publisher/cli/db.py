"""`publisher db ...`: creating the schema and bringing an older one up to date."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import database_option, target_options
from publisher.cli.output import detail, output_options, say

if TYPE_CHECKING:  # the database room is imported where a command runs, not for --help
    from publisher.db.schema import Upgrade


@click.group()
def db() -> None:
    """Manage the schedule database."""


@db.command("init")
@database_option
@target_options
@output_options
@pass_app
def init(app: App) -> None:
    """Create the schema; on an existing database, the same as `db upgrade`."""
    from publisher.db.schema import init_schema, table_names
    from publisher.db.session import engine_of

    engine = engine_of(app.sessions(need_schema=False))
    done = init_schema(engine, app.target_identity())
    say(_describe(done, app.database_shown()))
    detail("tables: " + ", ".join(table_names(engine)))


@db.command("upgrade")
@database_option
@target_options
@output_options
@pass_app
def upgrade(app: App) -> None:
    """Bring the schema of an older database up to date, keeping all its data.

    Run it after installing a new version of the publisher, with the same
    PUBLISHER_TARGET as the cron job: records of what was published made before
    records named their target are kept as that target's. Every other target
    gets a full first publish. Safe to run again.
    """
    from publisher.db.schema import table_names, upgrade_schema
    from publisher.db.session import engine_of

    engine = engine_of(app.sessions(need_schema=False))
    done = upgrade_schema(engine, app.target_identity())
    say(_describe(done, app.database_shown()))
    detail("tables: " + ", ".join(table_names(engine)))


def _describe(done: Upgrade, shown: str) -> str:
    if not done.changed:
        return f"Schema ready in {shown} (revision {done.after})"
    if done.before is None and not done.legacy:
        return f"Schema created in {shown} (revision {done.after})"
    before = "from before migrations" if done.legacy else f"from revision {done.before}"
    return f"Schema of {shown} upgraded {before} to revision {done.after}"


COMMANDS = [db]
