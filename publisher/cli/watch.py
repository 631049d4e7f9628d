"""`publisher watch`: the long-running publisher."""

from __future__ import annotations

import dataclasses
import logging

import click

from publisher.cli.common import (
    cdn_targets,
    concurrency_option,
    database_option,
    invalidate_option,
    open_database,
    open_target,
    refresh_edge_option,
    settings_options,
    stop_on_signals,
    target_options,
)
from publisher.cli.output import NORMAL, QUIET, output_options, verbosity
from publisher.config import PublishSettings
from publisher.db.changes import listen_url
from publisher.logs import LOG_FORMATS, configure_logging
from publisher.page.build import current_page_build
from publisher.watch import Watcher, WatchOptions


@click.command("watch")
@click.option(
    "--interval",
    type=click.IntRange(1, 3600),
    default=WatchOptions.interval,
    show_default=True,
    envvar="PUBLISHER_WATCH_INTERVAL",
    show_envvar=True,
    help="Seconds between looks for changed schools.",
)
@click.option(
    "--full-interval",
    type=click.IntRange(60, 86400),
    default=WatchOptions.full_interval,
    show_default=True,
    envvar="PUBLISHER_WATCH_FULL_INTERVAL",
    show_envvar=True,
    help="Seconds between passes over every school (keeps each window of days complete).",
)
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default="text",
    show_default=True,
    envvar="PUBLISHER_LOG_FORMAT",
    show_envvar=True,
    help="Log lines on stderr as text, or as JSON objects for a log collector.",
)
@invalidate_option
@refresh_edge_option
@concurrency_option
@settings_options
@database_option
@target_options
@output_options
def watch_command(
    interval: int,
    full_interval: int,
    log_format: str,
    distribution_id: str | None,
    edge_urls: tuple[str, ...],
    concurrency: int,
    settings: PublishSettings,
    database_url: str,
    target: str,
    endpoint_url: str | None,
    path_style: bool,
    checksum: str,
) -> None:
    """Publish on change until stopped (SIGTERM or SIGINT: exit 0 once the
    schools under way are done).

    Every school at start and every --full-interval seconds; in between, every
    --interval seconds, the schools whose data changed, including edits made
    with plain SQL or by other applications (the triggers `db init` installs
    note them). On PostgreSQL a change is also notified and published at once.
    Outages of the database or the store are logged once and retried. With -q,
    only warnings and errors are logged.
    """
    log = configure_logging(log_format)
    if verbosity() != NORMAL:
        log.setLevel(logging.WARNING if verbosity() == QUIET else logging.DEBUG)
    settings = dataclasses.replace(settings, concurrency=concurrency)
    sessions = open_database(database_url)
    store = open_target(target, endpoint_url, path_style, checksum, concurrency)
    options = WatchOptions(interval, full_interval, listen_url(database_url))
    page = current_page_build(settings.public_url)
    cdns = cdn_targets(distribution_id, edge_urls, store, endpoint_url)
    with stop_on_signals(lambda line: log.info(line, extra={"event": "stopping"})) as stop:
        watcher = Watcher(sessions, store, settings, page, options, stop=stop, log=log, cdns=cdns)
        watcher.run()


COMMANDS = [watch_command]
