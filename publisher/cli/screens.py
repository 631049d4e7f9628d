"""`publisher screens`: which screens are alive, read from the CDN's access logs."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import TYPE_CHECKING, Any

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import database_option, target_options
from publisher.cli.output import error, output_options, print_json, say

if TYPE_CHECKING:  # the rooms below are imported where the command runs, not for --help
    from publisher.screens import Gathered, School, ScreenRow


class Duration(click.ParamType):
    """A duration such as `90s`, `10m` or `2h`."""

    name = "duration"
    UNITS = {"s": 1, "m": 60, "h": 3600}

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.timedelta:
        if isinstance(value, dt.timedelta):
            return value
        match = re.fullmatch(r"(\d+)([smh])", str(value).strip())
        if match is None or int(match[1]) == 0:
            self.fail(f"{value!r}: give a number of seconds, minutes or hours (90s, 10m, 2h)")
        return dt.timedelta(seconds=int(match[1]) * self.UNITS[match[2]])


@click.command("screens")
@click.option(
    "--log",
    "logs",
    multiple=True,
    required=True,
    metavar="FILE|DIR|s3://BUCKET/PREFIX",
    help="Access logs to read: the nginx edge's (plain or .gz, a folder of rotated "
    "files) or CloudFront's standard logs (an S3 prefix or a local copy); repeat for several.",
)
@click.option(
    "--silent-for",
    type=Duration(),
    metavar="DURATION",
    help="List only screens not seen for this long (10m, 2h) during their school's "
    "hours, first to last bell of a school day; exit status 1 if there are any.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the screens as JSON on stdout.")
@database_option
@target_options
@output_options
@pass_app
def screens_command(
    app: App, logs: tuple[str, ...], silent_for: dt.timedelta | None, as_json: bool
) -> None:
    """Which screens are alive: each screen seen polling in the access logs.

    Every screen sends its id, page build and data revision with its manifest
    polls; the CDN caches without them and logs them. Prints one row per screen:
    its school, id, first and last poll, build, the revision it holds and
    whether that is behind the revision published to the target. A log line
    that cannot be read is counted, and named on stderr in one line.

    Prints nothing on stdout when no screen is listed, so a cron job with
    --silent-for and -q mails only when a screen is silent. Exit status 1 with
    --silent-for when some screen has been silent that long; 2 when a log
    cannot be read.
    """
    from publisher.screens import Gathered, gather, read_logs, screen_rows
    from publisher.stores import StoreOptions

    now = app.now()
    given = app.given
    options = StoreOptions(endpoint_url=given["endpoint_url"], path_style=given["path_style"])
    gathered = Gathered()
    for location in logs:
        gather(read_logs(location, options), into=gathered)
    schools = _schools(app, gathered, now)
    rows = screen_rows(gathered, schools, now, silent_for)
    if as_json:
        print_json(_document(rows, gathered, now, silent_for, app.target_identity()))
    elif rows:  # nothing at all when no screen is listed: cron mails only a finding
        for line in _table(rows, silent_for is not None):
            click.echo(line)
    if gathered.bad_lines:
        lines = "line" if gathered.bad_lines == 1 else "lines"
        first = gathered.first_bad
        error(f"Warning: {gathered.bad_lines} log {lines} could not be read (the first: {first})")
    if not as_json:
        say(_summary(rows, gathered, silent_for))
    sys.exit(1 if silent_for is not None and rows else 0)


def _schools(app: App, gathered: Gathered, now: dt.datetime) -> dict[str, School]:
    """The schools the logs name, by public key, with their days' rows from the
    oldest last poll on (for their hours) and their published revision."""
    from publisher.build import Window
    from publisher.db.load import load_schools
    from publisher.db.lookup import school_ids_by_key
    from publisher.db.status import read_status
    from publisher.screens import School
    from publisher.screens.hours import HORIZON_DAYS

    keys = sorted({key for key, _screen in gathered.screens})
    if not keys:
        return {}
    oldest = min(seen.last for seen in gathered.screens.values())
    start = max(oldest, now - dt.timedelta(days=HORIZON_DAYS))
    window = Window(start, max(2, (now - start).days + 2))  # start's date .. now's
    identity, sessions = app.target_identity(), app.sessions()
    with sessions() as session:
        ids = school_ids_by_key(session, keys)
        data = load_schools(session, sorted(ids.values()), window)
        published = {
            s.public_key: s.published_revision for s in read_status(session, identity).schools
        }
    return {school.key: School(school, published.get(school.key)) for school in data}


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row_document(row: ScreenRow) -> dict[str, Any]:
    seen, school = row.seen, row.school
    return {
        "school": school.data.slug if school else None,
        "school_name": school.data.name if school else None,
        "school_key": seen.school_key,
        "screen": seen.screen,
        "first_seen": _iso(seen.first),
        "last_seen": _iso(seen.last),
        "build": seen.build,
        "revision": seen.revision,
        "published_revision": row.published_revision,
        "behind": row.behind,
        "silent_seconds": round(row.silent.total_seconds()) if row.silent is not None else None,
    }


def _document(
    rows: list[ScreenRow],
    gathered: Gathered,
    now: dt.datetime,
    silent_for: dt.timedelta | None,
    target: str,
) -> dict[str, Any]:
    return {
        "target": target,
        "now": _iso(now),
        "silent_for_seconds": round(silent_for.total_seconds()) if silent_for else None,
        "screens": [_row_document(row) for row in rows],
        "first_unreadable": str(gathered.first_bad) if gathered.first_bad else None,
        "counts": _counts(rows, gathered),
    }


def _counts(rows: list[ScreenRow], gathered: Gathered) -> dict[str, int]:
    return {
        "screens": len(rows),
        "seen": len(gathered.screens),
        "behind": sum(1 for row in rows if row.behind),
        "unknown_school": sum(1 for row in rows if row.school is None),
        "unreadable_lines": gathered.bad_lines,
    }


def _table(rows: list[ScreenRow], silence: bool) -> list[str]:
    header = ["SCHOOL", "SCREEN", "FIRST SEEN", "LAST SEEN", "BUILD", "REVISION", "PUBLISHED"]
    table = [header + (["SILENT"] if silence else []) + ["NAME"]]
    for row in rows:
        seen, school = row.seen, row.school
        cells = [
            school.data.slug if school else f"unknown {seen.school_key[:8]}…",
            seen.screen,
            _iso(seen.first),
            _iso(seen.last),
            seen.build or "-",
            ("-" if seen.revision is None else f"r{seen.revision}")
            + (" behind" if row.behind else ""),
            "-" if row.published_revision is None else f"r{row.published_revision}",
        ]
        if silence:
            cells.append(f"{round(row.silent.total_seconds() / 60)} min" if row.silent else "-")
        table.append(cells + [school.data.name if school else ""])
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1 + silence)]
    return [
        "  ".join([c.ljust(w) for c, w in zip(r, widths, strict=False)] + [r[-1]]).rstrip()
        for r in table
    ]


def _summary(rows: list[ScreenRow], gathered: Gathered, silent_for: dt.timedelta | None) -> str:
    counts = _counts(rows, gathered)
    if silent_for is not None:
        minutes = round(silent_for.total_seconds() / 60)
        return (
            f"{counts['screens']} of {counts['seen']} screens silent for {minutes} min or more "
            "during school hours"
        )
    return f"{counts['seen']} screens, {counts['behind']} behind what is published"


COMMANDS = [screens_command]
