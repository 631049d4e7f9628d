"""`publisher import` and `publisher export`: schools as YAML or JSON documents."""

from __future__ import annotations

import sys

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import database_option
from publisher.cli.output import detail, error, output_options, say
from publisher.documents import FORMATS, dump_document, export_school, import_file

STDIN = "-"
STDIN_NAME = "<stdin>"
"""How a document read from standard input is named in messages."""


@click.command("import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--format",
    "input_format",
    type=click.Choice(FORMATS),
    help="Read every FILE as YAML or JSON whatever its extension. Default: by extension; "
    "for - (standard input), JSON when the document starts with {, else YAML.",
)
@database_option
@output_options
@pass_app
def import_command(app: App, files: tuple[str, ...], input_format: str | None) -> None:
    """Create or update schools from YAML (.yaml, .yml) or JSON (.json) documents.

    Each FILE describes one school, identified by its slug (see
    docs/import-format.md); - reads one document from standard input, named
    <stdin> in messages. A document with the slug of a school already stored
    replaces that school. Each file is checked completely and saved in a
    transaction of its own: a file with any error changes nothing, and the other
    files still import. A school whose document differs from what is stored gets
    its revision bumped by one; an identical document changes nothing.

    Prints one line per file on stderr. Exit status 1 if any file was rejected.
    """
    if files.count(STDIN) > 1:
        raise click.UsageError("standard input (-) can be read only once")
    sessions = app.sessions()
    failed = False
    for path in files:
        if path == STDIN:
            with click.open_file(STDIN, "rb") as stream:
                content = stream.read()
            outcome = import_file(sessions, STDIN_NAME, content, input_format)
        else:
            outcome = import_file(sessions, path, kind=input_format)
        if outcome.error is not None:
            failed = True
            error(f"Error: {outcome.error}")
        else:
            verb = "imported" if outcome.changed else "unchanged"
            say(f"{verb} {outcome.slug} (revision {outcome.revision})")
            detail(f"  from {outcome.path}")
    if failed:
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
@output_options
@pass_app
def export_command(app: App, key: str, output_format: str) -> None:
    """Print one school's document on stdout.

    The output is a complete document, including the school's public key:
    importing it again changes nothing, and importing it into an empty database
    recreates the same school at the same URL.
    """
    sessions = app.sessions()
    document = export_school(sessions, key)
    click.echo(dump_document(document, output_format), nl=False)
    detail(f"exported {document['slug']} as {output_format}")


COMMANDS = [import_command, export_command]
