"""`publisher verify`: checking the store against the database, and repairing it."""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Any

import click

from publisher.cli.app import App, pass_app
from publisher.cli.gc import keep_days_option
from publisher.cli.options import database_option, settings_options, target_options
from publisher.cli.output import detail, error, failures, output_options, print_json, say

if TYPE_CHECKING:  # the rooms below are imported where the command runs, not for --help
    from publisher.maintain.verify import VerifyReport


@click.command("verify")
@click.option(
    "--repair", is_flag=True, help="Rewrite missing and mismatched objects (never deletes)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report on stdout.")
@keep_days_option
@settings_options
@database_option
@target_options
@output_options
@pass_app
def verify_command(app: App, repair: bool, as_json: bool, keep_days: int) -> None:
    """Compare the store with what the database says every active school should have.

    Lists the store once and prints one line per problem on stdout
    (SCHOOL, missing/mismatched/unexpected, KEY, reason, and "repaired" once
    rewritten). Day files no manifest names are counted in the words gc uses
    (reading each manifest, with the same --keep-days), not reported. With
    --repair, missing and mismatched objects are written again (day files
    before the manifest) and recorded; unexpected objects are left alone. Exit
    status 1 when a problem remains.
    """
    from publisher.db.load import all_school_ids
    from publisher.maintain.verify import verify
    from publisher.page.build import current_page_build

    sessions, settings = app.sessions(), app.settings
    with sessions() as session:
        school_ids = all_school_ids(session)
    store, now = app.store(), app.now()
    page = current_page_build(settings.public_url)
    report = verify(
        sessions, store, school_ids, now, settings, repair=repair, page=page, keep_days=keep_days
    )
    for reason in report.failed.values():
        error(f"Error: {reason}")
    if as_json:
        print_json(_verify_document(report))
    else:
        repaired = set(report.repaired)
        for problem in report.problems:
            line = f"{problem.school}\t{problem.kind}\t{problem.key}\t{problem.reason}"
            click.echo(line + ("\trepaired" if problem.key in repaired else ""))
    for slug in report.checked:
        found = sum(1 for problem in report.problems if problem.school == slug)
        detail(f"{slug}: {found} problems" if found else f"{slug}: ok")
    if not as_json:
        say(_verify_line(report, repair, keep_days))
    sys.exit(1 if report.unrepaired or report.failed else 0)


def _verify_line(report: VerifyReport, repair: bool, keep_days: int) -> str:
    from publisher.maintain.verify import MISMATCHED, MISSING, UNEXPECTED

    line = (
        f"{report.schools_checked} schools checked: {report.count(MISSING)} missing, "
        f"{report.count(MISMATCHED)} mismatched, {report.count(UNEXPECTED)} unexpected"
    )
    if repair:
        line += f", {len(report.repaired)} repaired"
    return f"{line}; {report.day_files.describe(keep_days)}"


def _verify_document(report: VerifyReport) -> dict[str, Any]:
    """The `verify --json` document (docs/json.md)."""
    from publisher.maintain.verify import MISMATCHED, MISSING, UNEXPECTED

    repaired = set(report.repaired)
    counts = {
        "schools_checked": report.schools_checked,
        "missing": report.count(MISSING),
        "mismatched": report.count(MISMATCHED),
        "unexpected": report.count(UNEXPECTED),
        "repaired": len(report.repaired),
        "failed": len(report.failed),
        **report.day_files.counts(),
    }
    return {
        "problems": [
            {**dataclasses.asdict(p), "repaired": p.key in repaired} for p in report.problems
        ],
        "repaired": report.repaired,
        "failed": failures(report.failed),
        "counts": counts,
    }


COMMANDS = [verify_command]
