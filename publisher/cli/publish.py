"""`publisher publish` and `publisher status`: the publish run and what it left behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.orm import Session, sessionmaker

from publisher.cdn import CdnReport, InvalidationError
from publisher.cli.common import (
    cdn_targets,
    concurrency_option,
    database_option,
    identify_target,
    invalidate_option,
    open_database,
    open_target,
    refresh_edge_option,
    settings_options,
    stop_on_signals,
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
from publisher.cli.status_view import (
    school_state,
    status_counts,
    status_summary,
    status_table,
    unhealthy,
)
from publisher.config import BATCH_SIZE, PublishSettings
from publisher.db.changes import settle_changes
from publisher.db.claims import CLAIM_SECONDS
from publisher.db.load import all_school_ids
from publisher.db.lookup import resolve_school, school_slugs
from publisher.db.records import changed_school_ids
from publisher.db.status import SchoolStatus, read_status
from publisher.db.watchers import Heartbeat
from publisher.errors import ConfigError
from publisher.page.build import PageBuild, current_page_build
from publisher.publish import (
    PlannedWrite,
    PlanningProcess,
    RunSummary,
    can_plan_elsewhere,
    plan_schools_in_batches,
    plan_shared_objects_for_target,
    publish,
)


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
@concurrency_option
@invalidate_option
@refresh_edge_option
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
@settings_options
@database_option
@target_options
@output_options
def publish_command(
    all_schools: bool,
    school_keys: tuple[str, ...],
    changed: bool,
    dry_run: bool,
    concurrency: int,
    distribution_id: str | None,
    edge_urls: tuple[str, ...],
    as_json: bool,
    settings: PublishSettings,
    database_url: str,
    target: str,
    endpoint_url: str | None,
    path_style: bool,
    checksum: str,
) -> None:
    """Build each school's day snapshots and publish what changed.

    Day files are written before the manifest that names them; a school that
    fails is named on stderr and keeps its previous manifest while the others
    publish (exit status 1). Running again with nothing changed writes nothing.
    """
    if sum([all_schools, bool(school_keys), changed]) != 1:
        raise click.UsageError("choose exactly one of --all, --school KEY or --changed")
    settings = dataclasses.replace(settings, concurrency=concurrency)
    sessions = open_database(database_url)
    # What was published is known per target: plans compare with its records only.
    identity = identify_target(target, endpoint_url, path_style, checksum)
    with sessions() as session, session.begin():
        if not dry_run:  # edits made with plain SQL get their new revision first
            settle_changes(session)
        school_ids = _select(session, identity, all_schools, school_keys, changed)
    now = dt.datetime.now(dt.UTC)
    page = current_page_build(settings.public_url)
    if dry_run:
        failed = _print_plan(sessions, identity, school_ids, now, settings, page, as_json)
        sys.exit(1 if failed else 0)

    store = open_target(target, endpoint_url, path_style, checksum, concurrency)
    cdns = cdn_targets(distribution_id, edge_urls, store, endpoint_url)
    started = time.monotonic()
    with (
        _progress(len(school_ids)) as advance,
        stop_on_signals() as stop,
        _planning(
            database_url, sessions, store.identity(), len(school_ids), now, settings, page
        ) as planner,
    ):
        summary = publish(
            sessions,
            store,
            school_ids,
            now,
            settings,
            advance,
            page=page,
            stop=stop,
            # Named schools wait for another publisher to finish with them.
            wait_for_busy=CLAIM_SECONDS if school_keys else 0.0,
            planner=planner.plan if planner else None,
        )
    problems = list(summary.failed.values())
    told: CdnReport | None = None
    if cdns and summary.mutable_written:
        try:
            told = cdns.tell(summary.mutable_written)
        except InvalidationError as failure:
            problems.append(str(failure))
    seconds = time.monotonic() - started
    for problem in problems:
        error(f"Error: {problem}")
    for label, key, reason in summary.written:
        detail(f"{label}\t{key}\t{reason}")
    if as_json:
        with sessions() as session:
            busy = school_slugs(session, summary.busy)
        print_json(_summary_document(summary, busy, told, seconds))
    else:  # the document holds the summary
        say(_summary_line(summary, store.describe(), seconds))
        if told:
            say(told.describe())
    sys.exit(1 if problems else 0)


def _select(
    session: Session, target: str, all_schools: bool, keys: Sequence[str], changed: bool
) -> list[int]:
    if all_schools:
        return all_school_ids(session)
    if changed:
        return changed_school_ids(session, target)
    ids = []
    for key in keys:
        school = resolve_school(session, key)
        if not school.active:
            raise ConfigError(f"school {school.slug} is inactive; activate it to publish it")
        ids.append(school.id)
    return sorted(set(ids))


@contextmanager
def _planning(
    database_url: str,
    sessions: sessionmaker[Session],
    target: str,
    schools: int,
    now: dt.datetime,
    settings: PublishSettings,
    page: PageBuild | None,
) -> Iterator[PlanningProcess | None]:
    """A planning process for runs of more than one batch (its start costs a
    fraction of a second), when it can open the database."""
    if schools <= BATCH_SIZE or not can_plan_elsewhere(database_url):
        yield None
        return
    with PlanningProcess(database_url, sessions, target, now, settings, page) as planner:
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
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    page: PageBuild,
    as_json: bool,
) -> bool:
    """Print every planned write with its reason; True when some school cannot publish."""
    rows: list[dict[str, Any]] = []  # for --json: what is planned, without the bytes
    failed: dict[str, str] = {}
    schools = 0

    def show(label: str, write: PlannedWrite) -> None:
        if as_json:
            rows.append(
                {
                    "key": write.key,
                    "school": label,
                    "reason": write.reason,
                    "bytes": len(write.content),
                }
            )
        else:
            click.echo(f"{label}\t{write.key}\t{write.reason}")

    for write in plan_shared_objects_for_target(sessions, target, page, settings):
        show("-", write)
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


def _summary_document(
    summary: RunSummary, busy: list[str], told: CdnReport | None, seconds: float
) -> dict[str, Any]:
    """The `publish --json` document (docs/json.md): lists of schools, then their counts."""
    counts = {
        "published": len(summary.published),
        "unchanged": len(summary.unchanged),
        "failed": len(summary.failed),
        "busy": len(busy),
        "stopped": summary.stopped,
        "objects_written": summary.objects_written,
        "bytes_written": summary.bytes_written,
    }
    return {
        "published": summary.published,
        "unchanged": summary.unchanged,
        "failed": failures(summary.failed),
        "busy": busy,
        "invalidation": told.invalidation if told else None,
        "edges_refreshed": list(told.edges) if told else [],
        "counts": counts,
        "seconds": round(seconds, 3),
    }


def _summary_line(summary: RunSummary, target: str, seconds: float) -> str:
    line = (
        f"{len(summary.published)} published, {len(summary.unchanged)} unchanged, "
        f"{len(summary.failed)} failed: {summary.objects_written} objects "
        f"({summary.bytes_written:,} bytes) written to {target} in {seconds:.1f} s"
    )
    if summary.busy:
        line += f"; {len(summary.busy)} skipped, being published by another publisher"
    if summary.stopped:
        line += f"; stopped early, {summary.stopped} schools left for the next run"
    return line


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the schools and watchers as JSON.")
@database_option
@target_options
@output_options
def status_command(
    as_json: bool,
    database_url: str,
    target: str,
    endpoint_url: str | None,
    path_style: bool,
    checksum: str,
) -> None:
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
    sessions = open_database(database_url)
    identity = identify_target(target, endpoint_url, path_style, checksum)
    now = dt.datetime.now(dt.UTC)
    with sessions() as session:
        status = read_status(session, identity)
    documents = [_status_document(school, identity) for school in status.schools]
    beats = [_watcher_document(watcher, now) for watcher in status.watchers]
    counts = status_counts(documents, beats)
    if as_json:
        print_json({"target": identity, "schools": documents, "watchers": beats, "counts": counts})
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
    beat_at = _as_utc(watcher.beat_at)
    age = (now - beat_at).total_seconds()
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
        return _as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat() if value is not None else None


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; every stored time is UTC.
    return value.replace(tzinfo=value.tzinfo or dt.UTC).astimezone(dt.UTC)


COMMANDS = [publish_command, status_command]
