"""The `publisher` command line: click only. The root group builds the
application context once (`publisher.cli.app`); each command parses its
options, calls one library function and prints its result.

Exit status: 0 all good; 1 the command ran but some school, file or object
failed (each named on stderr); 2 bad usage or configuration, with one line.

Importing this package, and every command module it registers, loads click and
the standard library only: the database, the stores, the build and the page are
imported inside the commands that use them, so `--help`, `--version` and each
command's `--help` answer at once (docs/architecture.md, tests/cli/test_cli_imports.py).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from publisher import __version__
from publisher.cli.app import DATABASE_SHOWN, App
from publisher.cli.output import output_options
from publisher.errors import ConfigError, PublisherError


class PublisherGroup(click.Group):
    """Turns the library's errors into one line on stderr and an exit status.

    A fault of the database itself (locked, read-only, damaged, an old schema)
    is the environment's, like bad configuration: one line naming the database
    and exit 2. Any other exception is a bug and keeps its traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(2)
        except PublisherError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own (usage errors, exits), which click reports
        except Exception as error:
            # Imported here: the database's drivers load only for a command that
            # opened a database, or on the way to a bug's traceback.
            from publisher.db.faults import describe_fault, is_database_fault

            if not is_database_fault(error):
                raise
            click.echo(f"Error: {describe_fault(error, ctx.meta.get(DATABASE_SHOWN))}", err=True)
            sys.exit(2)


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(cls=PublisherGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="publisher")
@output_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """Publish school day snapshots as static files for display screens.

    Reads the schedule database, builds each school's day snapshots for the
    coming days, and writes them with a manifest per school to a local folder
    or S3-compatible storage.
    """
    ctx.ensure_object(App)  # a caller may pass its own (`main(obj=App(clock=...))`)


def _register() -> None:
    from publisher.cli import alert, db, demo, documents, gc, publish, screens, serve, verify, watch

    for module in (db, demo, documents, publish, watch, alert, verify, gc, serve, screens):
        for command in module.COMMANDS:
            # On the command too, so `-h` works however it is invoked (click
            # remembers a command's help option the first time it is asked).
            for sub in [command, *getattr(command, "commands", {}).values()]:
                sub.context_settings = {**CONTEXT_SETTINGS, **sub.context_settings}
            main.add_command(command)


_register()
