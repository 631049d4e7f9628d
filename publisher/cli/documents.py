"""`publisher import` and `publisher export`: schools as YAML or JSON documents, and
timetables and changes from the tools schools use."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import database_option
from publisher.cli.output import detail, error, output_options, say
from publisher.config import DOCUMENT_FORMATS as FORMATS
from publisher.config import LOCALES, TIMETABLE_FORMATS, WEEKDAYS
from publisher.errors import ConfigError, ValidationError

if TYPE_CHECKING:  # the rooms below are imported where a command runs, not for --help
    from publisher.documents import ImportOutcome
    from publisher.imports.merge import NewSchool
    from publisher.imports.timetable import ReadOptions

STDIN = "-"
STDIN_NAME = "<stdin>"
"""How a document read from standard input is named in messages."""


WEEKDAY = click.Choice(WEEKDAYS, case_sensitive=False)


@click.command("import")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(("document", *TIMETABLE_FORMATS)),
    default="document",
    show_default=True,
    help="What FILE is: school documents, or one school's timetable exported from aSc "
    "Timetables (XML), a spreadsheet (.csv, .xlsx) or Untis (GPU001 and GPU002).",
)
@click.option(
    "--changes",
    is_flag=True,
    help="FILE holds dated changes (substitutes, cancellations, room changes): rows of a "
    "CSV or XLSX file, or an Untis GPU014 export.",
)
@click.option(
    "--school",
    metavar="KEY",
    help="The school a timetable is for (id, slug or public key; a new slug creates it), "
    "or the school of changes rows that name none.",
)
@click.option(
    "--format",
    "input_format",
    type=click.Choice(FORMATS),
    help="Read every document as YAML or JSON whatever its extension. Default: by "
    "extension; for - (standard input), JSON when the document starts with {, else YAML.",
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="The text encoding of an export that does not declare one and is not UTF-8, "
    "e.g. windows-1256.",
)
@click.option(
    "--first-day",
    type=WEEKDAY,
    help="The weekday an export's days start on. Default: what the export's day names say "
    "(aSc), else the school's first day after its weekend (Sunday for a Friday-Saturday weekend).",
)
@click.option(
    "--week", metavar="WEEK", help="Which week of an A/B rotation to import. Default: the first."
)
@click.option("--term", metavar="TERM", help="Which term to import. Default: the first.")
@click.option(
    "--bells",
    type=click.Path(dir_okay=False),
    help="A YAML or JSON file of lesson periods and their times, for an export without "
    "them (Untis, spreadsheets) when the school's own bells do not fit.",
)
@click.option("--name", help="A new school's name.")
@click.option("--timezone", help="A new school's time zone, e.g. Asia/Riyadh.")
@click.option("--locale", type=click.Choice(LOCALES), help="A new school's language.")
@click.option(
    "--weekend",
    type=WEEKDAY,
    multiple=True,
    help="A new school's weekend days (repeat). Default: Friday and Saturday for ar, "
    "else Saturday and Sunday.",
)
@database_option
@output_options
@pass_app
def import_command(
    app: App,
    files: tuple[str, ...],
    source_format: str,
    changes: bool,
    school: str | None,
    input_format: str | None,
    encoding: str | None,
    first_day: str | None,
    week: str | None,
    term: str | None,
    bells: str | None,
    name: str | None,
    timezone: str | None,
    locale: str | None,
    weekend: tuple[str, ...],
) -> None:
    """Create or update schools from documents, timetable exports or changes files.

    By default each FILE is a YAML (.yaml, .yml) or JSON (.json) document describing
    one school, identified by its slug (see docs/import-format.md); - reads one
    document from standard input, named <stdin> in messages. A document with the
    slug of a school already stored replaces that school.

    With --from asc, spreadsheet or untis, the FILEs are one school's timetable
    (--school): its classes, lessons and, from aSc, bells replace the school's;
    everything else about the school is kept. With --changes, each FILE's dated
    changes are applied to the schools its rows name (or --school). See
    docs/imports.md. What an export holds that cannot be imported is listed.

    Each file is checked completely and saved in a transaction of its own: a file
    with any error changes nothing, and the other files still import. A school
    whose data changed gets its revision bumped by one; an identical import
    changes nothing.

    Prints one line per file (per school, for changes) on stderr. Exit status 1
    if any file was rejected.
    """
    from publisher.imports.merge import NewSchool
    from publisher.imports.timetable import ReadOptions

    options = ReadOptions(encoding=encoding, first_day=first_day, week=week, term=term)
    if changes:
        outcomes = [o for path in files for o in apply_changes_file(app, path, options, school)]
    elif source_format != "document":
        if school is None:
            raise click.UsageError(f"--from {source_format} needs --school")
        new = NewSchool(name=name, timezone=timezone, locale=locale, weekend=weekend)
        outcomes = [import_export_files(app, source_format, files, school, options, new, bells)]
    else:
        outcomes = import_documents(app, files, input_format)
    reported = [_report(outcome) for outcome in outcomes]  # every file's line, failed or not
    if not all(reported):
        sys.exit(1)


def import_documents(app: App, files: tuple[str, ...], kind: str | None) -> list[ImportOutcome]:
    from publisher.documents import import_file

    if files.count(STDIN) > 1:
        raise click.UsageError("standard input (-) can be read only once")
    sessions = app.sessions()
    outcomes = []
    for path in files:
        if path == STDIN:
            with click.open_file(STDIN, "rb") as stream:
                content = stream.read()
            outcomes.append(import_file(sessions, STDIN_NAME, content, kind))
        else:
            outcomes.append(import_file(sessions, path, kind=kind))
    return outcomes


def import_export_files(
    app: App,
    kind: str,
    files: tuple[str, ...],
    school: str,
    options: ReadOptions,
    new: NewSchool,
    bells_file: str | None,
) -> ImportOutcome:
    from publisher.documents import ImportOutcome
    from publisher.imports.bells import read_bells
    from publisher.imports.formats import read_timetable
    from publisher.imports.saving import import_timetable

    source = ", ".join(files)
    try:
        bells = read_bells(bells_file) if bells_file else ()
    except ValidationError as problem:
        return ImportOutcome(source, error=str(problem))
    return import_timetable(
        app.sessions(),
        source,
        school,
        lambda told: read_timetable(kind, files, told),
        options,
        new,
        bells,
    )


def apply_changes_file(
    app: App, path: str, options: ReadOptions, school: str | None
) -> list[ImportOutcome]:
    from publisher.documents import ImportOutcome
    from publisher.imports.formats import read_changes
    from publisher.imports.saving import apply_changes

    try:
        changes, skipped = read_changes(path, options)
    except ValidationError as problem:
        return [ImportOutcome(path, error=str(problem))]
    outcomes = apply_changes(app.sessions(), path, changes, school)
    if skipped and outcomes and outcomes[0].ok:
        outcomes[0] = dataclasses.replace(outcomes[0], skipped=skipped)
    return outcomes


def _report(outcome: ImportOutcome) -> bool:
    """Prints what one import did; False when it failed."""
    if outcome.error is not None:
        error(f"Error: {outcome.error}")
        return False
    verb = "imported" if outcome.changed else "unchanged"
    say(f"{verb} {outcome.slug} (revision {outcome.revision})")
    detail(f"  from {outcome.path}")
    for line in outcome.skipped:
        say(f"  not imported: {line}")
    return True


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
    from publisher.documents import dump_document, export_school

    sessions = app.sessions()
    document = export_school(sessions, key)
    click.echo(dump_document(document, output_format), nl=False)
    detail(f"exported {document['slug']} as {output_format}")


@click.command("template")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@output_options
def template_command(file: Path) -> None:
    """Write a spreadsheet for a school to fill in: FILE.xlsx holds a Lessons and a
    Changes sheet, with a sheet explaining each column; FILE.csv is one of the two
    (Changes when its name holds "change", else Lessons).

    Filled in, it imports with `publisher import --from spreadsheet FILE --school KEY`
    (lessons) or `publisher import --changes FILE` (changes). See
    docs/imports-spreadsheets.md. An existing FILE is replaced.
    """
    from publisher.imports.formats import write_template

    try:
        write_template(file)
    except OSError as problem:
        raise ConfigError(f"{file}: cannot write: {problem.strerror or problem}") from None
    say(f"wrote {file}")


COMMANDS = [import_command, export_command, template_command]
