"""`publisher verify` and `publisher gc`: checking the store, repairing it, and tidying it."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import database_option, settings_options, target_options
from publisher.cli.output import detail, error, failures, output_options, print_json, say
from publisher.db.load import all_school_ids
from publisher.page.build import current_page_build
from publisher.upload.gc import DEFAULT_KEEP_DAYS, GcPlan, delete_garbage, find_garbage
from publisher.upload.verify import MISMATCHED, MISSING, UNEXPECTED, VerifyReport, verify

keep_days_option = click.option(
    "--keep-days",
    type=click.IntRange(0),
    default=DEFAULT_KEEP_DAYS,
    show_default=True,
    envvar="PUBLISHER_KEEP_DAYS",
    show_envvar=True,
    help="Retention: gc deletes only unreferenced day files older than this many days "
    "(store modification time).",
)


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
    line = (
        f"{report.schools_checked} schools checked: {report.count(MISSING)} missing, "
        f"{report.count(MISMATCHED)} mismatched, {report.count(UNEXPECTED)} unexpected"
    )
    if repair:
        line += f", {len(report.repaired)} repaired"
    return f"{line}; {report.day_files.describe(keep_days)}"


def _verify_document(report: VerifyReport) -> dict[str, Any]:
    """The `verify --json` document (docs/json.md)."""
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


@click.command("gc")
@keep_days_option
@click.option("--dry-run", is_flag=True, help="Print what would be deleted; delete nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@database_option
@target_options
@output_options
@pass_app
def gc_command(app: App, keep_days: int, dry_run: bool, as_json: bool) -> None:
    """Delete old day files that no current manifest names.

    A day file is deleted only when no manifest in the store and no record of a
    current window names it, its date has passed, and it is older than the
    retention. Manifests and pages are never touched; a school whose manifest
    cannot be read is left alone (exit status 1). Prints KEY and age in days
    per deleted file on stdout.
    """
    sessions, store, now = app.sessions(), app.store(), app.now()
    plan = find_garbage(sessions, store, now, keep_days)
    for key, reason in sorted(plan.unreadable.items()):
        error(f"Error: {key}: {reason}; its school folder was left alone")
    deleted = [s.key for s in plan.delete]
    failure = None
    if not dry_run:
        result = delete_garbage(sessions, store, plan)
        deleted, failure = list(result.deleted), result.error
    if failure is not None:
        error(f"Error: {failure}")
    ages = {s.key: (now - s.modified).total_seconds() / 86400 for s in plan.delete}
    if as_json:
        print_json(_gc_document(plan, deleted, ages, dry_run, keep_days))
    else:
        for key in deleted:
            click.echo(f"{key}\t{ages[key]:.1f}")
    for key, why in plan.kept:
        detail(f"{key}\tkept: {why}")
    if not as_json:
        say(_gc_line(plan, len(deleted), keep_days, dry_run))
    sys.exit(1 if plan.unreadable or failure else 0)


def _gc_line(plan: GcPlan, deleted: int, keep_days: int, dry_run: bool) -> str:
    verb = "would delete" if dry_run else "deleted"
    return f"{plan.describe(keep_days)}; {verb} {deleted}"


def _gc_document(
    plan: GcPlan, deleted: list[str], ages: dict[str, float], dry_run: bool, keep_days: int
) -> dict[str, Any]:
    """The `gc --json` document (docs/json.md); in a dry run, `deleted` is what would be."""
    counts = {"deleted": len(deleted), "unreadable": len(plan.unreadable), **plan.counts()}
    return {
        "dry_run": dry_run,
        "keep_days": keep_days,
        "deleted": [{"key": key, "age_days": round(ages[key], 3)} for key in deleted],
        "unreadable": failures(plan.unreadable, name="key"),
        "counts": counts,
    }


COMMANDS = [verify_command, gc_command]
