"""`publisher import` and `publisher export`: schools as YAML or JSON documents."""

from __future__ import annotations

import sys

import click

from publisher.cli.common import database_option, open_database, warn
from publisher.documents import FORMATS, dump_document, export_school, import_files


@click.command("import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@database_option
def import_command(files: tuple[str, ...], database_url: str) -> None:
    """Create or update schools from YAML (.yaml, .yml) or JSON (.json) documents.

    Each FILE describes one school, identified by its slug (see
    docs/import-format.md). Each file is checked completely and saved in a
    transaction of its own: a file with any error changes nothing, and the other
    files still import. A school whose document differs from what is stored gets
    its revision bumped by one; an identical document changes nothing.

    Prints one line per file on stderr. Exit status 1 if any file was rejected.
    """
    sessions = open_database(database_url)
    outcomes = import_files(sessions, files)
    for outcome in outcomes:
        if outcome.error is not None:
            warn(f"Error: {outcome.error}")
        else:
            verb = "imported" if outcome.changed else "unchanged"
            warn(f"{verb} {outcome.slug} (revision {outcome.revision})")
    if not all(outcome.ok for outcome in outcomes):
        sys.exit(1)


@click.command("export")
@click.option(
    "--school",
    "key",
    required=True,
    metavar="KEY",
    help="The school to export: its numeric id, slug or public key.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="yaml",
    show_default=True,
    help="Write the document as YAML or JSON.",
)
@database_option
def export_command(key: str, output_format: str, database_url: str) -> None:
    """Print one school's document on stdout.

    The output is a complete document, including the school's public key:
    importing it again changes nothing, and importing it into an empty database
    recreates the same school at the same URL.
    """
    sessions = open_database(database_url)
    click.echo(dump_document(export_school(sessions, key), output_format), nl=False)


COMMANDS = [import_command, export_command]
