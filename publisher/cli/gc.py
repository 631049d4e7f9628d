"""`publisher gc`: deleting old day files no manifest names any more."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import database_option, target_options
from publisher.cli.output import detail, error, failures, output_options, print_json, say
from publisher.config import DEFAULT_KEEP_DAYS

if TYPE_CHECKING:  # the maintain room is imported where the command runs, not for --help
    from publisher.maintain.gc import Garbage

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
    from publisher.maintain.gc import delete_garbage, find_garbage

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


def _gc_line(plan: Garbage, deleted: int, keep_days: int, dry_run: bool) -> str:
    verb = "would delete" if dry_run else "deleted"
    return f"{plan.describe(keep_days)}; {verb} {deleted}"


def _gc_document(
    plan: Garbage, deleted: list[str], ages: dict[str, float], dry_run: bool, keep_days: int
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


COMMANDS = [gc_command]
