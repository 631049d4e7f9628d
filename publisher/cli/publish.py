"""`publisher publish` and `publisher status`: the publish run and what it left behind."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import (
    concurrency_option,
    database_option,
    invalidate_option,
    metrics_file_option,
    refresh_edge_option,
    settings_options,
    target_options,
)
from publisher.cli.output import (
    detail,
    error,
    failures,
    output_options,
    print_json,
    say,
    show_progress,
)
from publisher.cli.signals import stop_on_signals
from publisher.cli.status_view import (
    school_state,
    status_counts,
    status_summary,
    status_table,
    unhealthy,
)
from publisher.config import BATCH_SIZE, PublishSettings

if TYPE_CHECKING:  # the rooms below are imported where a command runs, not for --help
    from sqlalchemy.orm import Session, sessionmaker

    from publisher.cdn import CdnReport, CdnTargets
    from publisher.db.runs import RunRecord
    from publisher.db.status import SchoolStatus
    from publisher.db.watchers import Heartbeat
    from publisher.page.build import PageBuild
    from publisher.publish import Due, PlannedWrite, PlanningProcess, RunSummary


@click.command("publish")
@click.option("--all", "all_schools", is_flag=True, help="Publish every active school (cron).")
@click.option(
    "--school",
    "school_keys",
    multiple=True,
    metavar="KEY",
    help="Publish this school now (id, slug or public key); repeat for several.",
)
@click.option(
    "--changed", is_flag=True, help="Only schools whose revision moved since their last publish."
)
@click.option("--dry-run", is_flag=True, help="Print the plan (what would be written, and why).")
@click.option(
    "--full",
    is_flag=True,
    help="Build and compare every school, even those whose inputs have not changed since "
    "their last publish to this target.",
)
@concurrency_option
@invalidate_option
@refresh_edge_option
@metrics_file_option
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@settings_options
@database_option
@target_options
@output_options
@pass_app
def publish_command(
    app: App,
    all_schools: bool,
    school_keys: tuple[str, ...],
    changed: bool,
    dry_run: bool,
    full: bool,
    as_json: bool,
) -> None:
    """Build each school's day snapshots and publish what changed.

    Day files are written before the manifest that names them; a school that
    fails is named on stderr and keeps its previous manifest while the others
    publish (exit status 1). Running again with nothing changed writes nothing.

    A school is not even built when nothing its files are built from has
    changed since its last publish to this target: its revision, its window of
    dates, these settings, the page and the publisher's own build code. --full
    builds and compares every school with what the target holds.
    """
    from publisher.db.changes import settle_changes
    from publisher.db.claims import CLAIM_SECONDS
    from publisher.page.build import current_page_build
    from publisher.publish import Due, due_schools

    if sum([all_schools, bool(school_keys), changed]) != 1:
        raise click.UsageError("choose exactly one of --all, --school KEY or --changed")
    sessions = app.sessions()
    # What was published is known per target: plans compare with its records only.
    identity = app.target_identity()
    with sessions() as session, session.begin():
        if not dry_run:  # edits made with plain SQL get their new revision first
            settle_changes(session)
        school_ids = _select(session, identity, all_schools, school_keys, changed)
    now = app.now()
    started = time.monotonic()
    page = current_page_build(app.settings.public_url)
    due = (
        Due(school_ids)
        if full
        else due_schools(sessions, identity, school_ids, now, app.settings, page)
    )
    if dry_run:
        failed = _print_plan(sessions, identity, due, now, app.settings, page, as_json)
        sys.exit(1 if failed else 0)
    cdns = app.cdns()
    # Named schools wait for another publisher to finish with them.
    summary = _run(app, due.school_ids, now, page, CLAIM_SECONDS if school_keys else 0.0)
    summary.add_unbuilt(due.unchanged)
    told, problems = _tell_cdns(cdns, summary)
    seconds = time.monotonic() - started
    _print_summary(app, summary, told, problems, seconds, as_json)
    _record_run(app, identity, summary, seconds)
    sys.exit(1 if problems else 0)


def _record_run(app: App, target: str, summary: RunSummary, seconds: float) -> None:
    """Remember the run's figures for `status --json`, and write them to the metrics
    file when asked.

    A metrics file that cannot be written is one line on stderr and does not
    change the exit status: the schools were published, and failing the run
    for its report would have cron retry work that is done. Monitoring notices
    anyway: the file's figures, and node_exporter's own time of the file, go stale.
    """
    from publisher.metrics import MetricsError, render_metrics, write_metrics_file
    from publisher.publish import record_run

    run = record_run(app.sessions(), target, summary, app.now(), seconds)
    if app.metrics_file is None:
        return
    try:
        write_metrics_file(app.metrics_file, render_metrics(target, run))
    except MetricsError as failure:
        error(f"Warning: {failure}")


def _run(
    app: App, school_ids: list[int], now: dt.datetime, page: PageBuild, wait_for_busy: float
) -> RunSummary:
    """Publish the schools, with a progress bar on a terminal, stopping cleanly on a signal."""
    from publisher.publish import publish

    sessions, store, settings = app.sessions(), app.store(), app.settings
    with (
        _progress(len(school_ids)) as advance,
        stop_on_signals() as stop,
        _planning(app, store.identity(), len(school_ids), now, page) as planner,
    ):
        return publish(
            sessions,
            store,
            school_ids,
            now,
            settings,
            advance,
            page=page,
            stop=stop,
            wait_for_busy=wait_for_busy,
            planner=planner.plan if planner else None,
        )


def _tell_cdns(cdns: CdnTargets, summary: RunSummary) -> tuple[CdnReport | None, list[str]]:
    """Tell the CDNs what the run rewrote; what the run reports as problems, this included."""
    from publisher.cdn import InvalidationError

    problems = list(summary.failed.values())
    if not (cdns and summary.mutable_written):
        return None, problems
    try:
        return cdns.tell(summary.mutable_written), problems
    except InvalidationError as failure:
        return None, [*problems, str(failure)]


def _print_summary(
    app: App,
    summary: RunSummary,
    told: CdnReport | None,
    problems: list[str],
    seconds: float,
    as_json: bool,
) -> None:
    """Failures always; each write with -v; then the summary line, or the --json document."""
    for problem in problems:
        error(f"Error: {problem}")
    for label, key, reason in summary.written:
        detail(f"{label}\t{key}\t{reason}")
    if as_json:
        from publisher.db.lookup import school_slugs

        sessions = app.sessions()
        with sessions() as session:
            busy = school_slugs(session, summary.busy)
        print_json(summary.document(busy, told, seconds))
    else:  # the document holds the summary
        say(summary.describe(app.store().describe(), seconds))
        if told:
            say(told.describe())


def _select(
    session: Session, target: str, all_schools: bool, keys: Sequence[str], changed: bool
) -> list[int]:
    from publisher.db.load import all_school_ids
    from publisher.db.lookup import resolve_active_schools
    from publisher.db.records import changed_school_ids

    if all_schools:
        return all_school_ids(session)
    if changed:
        return changed_school_ids(session, target)
    return resolve_active_schools(session, keys, "; activate it to publish it")


@contextmanager
def _planning(
    app: App, target: str, schools: int, now: dt.datetime, page: PageBuild | None
) -> Iterator[PlanningProcess | None]:
    """A planning process for runs of more than one batch (its start costs a
    fraction of a second), when it can open the database."""
    from publisher.publish import PlanningProcess, can_plan_elsewhere

    if schools <= BATCH_SIZE or not can_plan_elsewhere(app.database_url):
        yield None
        return
    sessions, settings = app.sessions(), app.settings
    with PlanningProcess(app.database_url, sessions, target, now, settings, page) as planner:
        yield planner


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; nothing at all under cron."""
    if not show_progress() or total <= 1:
        yield lambda _count: None
        return
    with click.progressbar(length=total, label="Publishing", file=sys.stderr) as bar:
        yield bar.update


def _print_plan(
    sessions: sessionmaker[Session],
    target: str,
    due: Due,
    now: dt.datetime,
    settings: PublishSettings,
    page: PageBuild,
    as_json: bool,
) -> bool:
    """Print every planned write with its reason; True when some school cannot publish.

    Schools whose inputs have not changed are counted as planned, with nothing to write.
    """
    from publisher.publish import plan_schools_in_batches, plan_shared_objects_for_target

    rows: list[dict[str, Any]] = []  # for --json: what is planned, without the bytes
    failed: dict[str, str] = {}
    schools = len(due.unchanged)
    school_ids = due.school_ids

    def show(label: str, write: PlannedWrite) -> None:
        if as_json:
            rows.append(_plan_row(label, write))
        else:
            click.echo(f"{label}\t{write.key}\t{write.reason}")

    for write in plan_shared_objects_for_target(sessions, target, page, settings):
        show("-", write)
    for slug in due.unchanged:
        detail(f"{slug}: nothing it is built from has changed; not built")
    for plans in plan_schools_in_batches(sessions, target, school_ids, now, settings, page=page):
        for plan in plans:
            schools += 1
            if plan.error is not None:
                failed[plan.label] = plan.error
                error(f"Error: {plan.error}")
            for write in plan.writes:
                show(plan.label, write)
            detail(f"{plan.label}: {len(plan.writes)} objects to write")
    if as_json:
        total = sum(row["bytes"] for row in rows)
        counts = {"schools": schools, "writes": len(rows), "bytes": total, "failed": len(failed)}
        print_json({"writes": rows, "failed": failures(failed), "counts": counts})
    else:
        say(f"dry run: {schools} schools planned, {len(failed)} failed; nothing was written")
    return bool(failed)


def _plan_row(label: str, write: PlannedWrite) -> dict[str, Any]:
    """A planned write in the `publish --dry-run --json` document: its size, not its bytes."""
    return {"key": write.key, "school": label, "reason": write.reason, "bytes": len(write.content)}


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the schools and watchers as JSON.")
@database_option
@target_options
@output_options
@pass_app
def status_command(app: App, as_json: bool) -> None:
    """What is published in the target for each school, the last error if any,
    and each running watcher's heartbeat and last action.

    Publish state is kept per target: a school never published to this one
    shows as never published, whatever other targets hold.

    Prints a table on stdout: one row per school with its state (published,
    behind, failed, not published, or inactive), revisions, dates and last
    error, then one row per watcher; a summary line on stderr. Exit status 1
    when some active school is not published, behind or failed, or a watcher's
    heartbeat is overdue, so monitoring can alert on it.
    """
    from publisher.db.status import read_status

    sessions = app.sessions()
    identity = app.target_identity()
    now = app.now()
    with sessions() as session:
        status = read_status(session, identity)
    documents = [_status_document(school, identity) for school in status.schools]
    beats = [_watcher_document(watcher, now) for watcher in status.watchers]
    counts = status_counts(documents, beats)
    if as_json:
        print_json(
            {
                "target": identity,
                "schools": documents,
                "watchers": beats,
                "counts": counts,
                "last_run": _run_document(status.last_run),
            }
        )
    else:
        click.echo(f"target {identity}")
        for line in status_table(documents, beats):
            click.echo(line)
    for doc in documents:
        detail(
            f"{doc['slug']}: screen schools/{doc['key']}/index.html, "
            f"last attempt {doc['attempted_at'] or 'never'}"
        )
    if not as_json:
        say(status_summary(counts))
    sys.exit(1 if unhealthy(counts) else 0)


def _watcher_document(watcher: Heartbeat, now: dt.datetime) -> dict[str, Any]:
    """A watcher's heartbeat is overdue after three missed intervals and two minutes' grace."""
    age = (now - watcher.beat_at).total_seconds()
    return {
        "owner": watcher.owner,
        "started_at": _iso(watcher.started_at),
        "beat_at": _iso(watcher.beat_at),
        "seconds_since_beat": round(age),
        "overdue": age > 3 * watcher.interval_seconds + 120,
        "last_action": watcher.last_action,
        "last_action_at": _iso(watcher.last_action_at),
        "last_error": watcher.last_error,
    }


def _run_document(run: RunRecord | None) -> dict[str, Any] | None:
    """The target's last run in `status --json`: the figures of the metrics file."""
    if run is None:
        return None
    return {
        "finished_at": _iso(run.finished_at),
        "seconds": round(run.seconds, 3),
        "succeeded": run.succeeded,
        "last_success_at": _iso(run.last_success_at),
        "counts": {
            "published": run.published,
            "unchanged": run.unchanged,
            "failed": run.failed,
            "objects_written": run.objects_written,
            "bytes_written": run.bytes_written,
            "built": run.build_count,
        },
        "build_seconds": {
            "sum": round(run.build_seconds_sum, 6),
            "p95": round(run.build_seconds_p95, 6),
        },
    }


def _status_document(school: SchoolStatus, target: str) -> dict[str, Any]:
    published = school.published_revision
    document = {
        "target": target,
        "id": school.id,
        "slug": school.slug,
        "key": school.public_key,
        "active": school.active,
        "revision": school.revision,
        "published_revision": published,
        "behind": published != school.revision or school.edited_outside,
        "first_date": _iso(school.first_date),
        "last_date": _iso(school.last_date),
        "published_at": _iso(school.published_at),
        "attempted_at": _iso(school.attempted_at),
        "last_error": school.last_error,
    }
    return {**document, "state": school_state(document)}


def _iso(value: dt.date | None) -> str | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat() if value is not None else None


COMMANDS = [publish_command, status_command]
