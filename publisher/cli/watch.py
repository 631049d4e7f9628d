"""`publisher watch`: the long-running publisher."""

from __future__ import annotations

import logging

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
from publisher.cli.output import NORMAL, QUIET, output_options, verbosity
from publisher.cli.signals import stop_on_signals
from publisher.config import (
    DEFAULT_WATCH_COMPARE_INTERVAL,
    DEFAULT_WATCH_FULL_INTERVAL,
    DEFAULT_WATCH_INTERVAL,
)
from publisher.logs import LOG_FORMATS, configure_logging


@click.command("watch")
@click.option(
    "--interval",
    type=click.IntRange(1, 3600),
    default=DEFAULT_WATCH_INTERVAL,
    show_default=True,
    envvar="PUBLISHER_WATCH_INTERVAL",
    show_envvar=True,
    help="Seconds between looks for changed schools.",
)
@click.option(
    "--full-interval",
    type=click.IntRange(60, 86400),
    default=DEFAULT_WATCH_FULL_INTERVAL,
    show_default=True,
    envvar="PUBLISHER_WATCH_FULL_INTERVAL",
    show_envvar=True,
    help="Seconds between passes over every school (keeps each window of days complete).",
)
@click.option(
    "--compare-interval",
    type=click.IntRange(3600, 7 * 86400),
    default=DEFAULT_WATCH_COMPARE_INTERVAL,
    show_default=True,
    envvar="PUBLISHER_WATCH_COMPARE_INTERVAL",
    show_envvar=True,
    help="Seconds between full comparisons: every school built and compared with the "
    "target, whatever its inputs (also at start).",
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
@metrics_file_option
@concurrency_option
@settings_options
@database_option
@target_options
@output_options
@pass_app
def watch_command(
    app: App, interval: int, full_interval: int, compare_interval: int, log_format: str
) -> None:
    """Publish on change until stopped (SIGTERM or SIGINT: exit 0 once the
    schools under way are done).

    Every school at start and every --compare-interval seconds, built and
    compared with the target; every --full-interval seconds, every school
    whose inputs changed (a new day in its window, an alert ended); in between,
    every --interval seconds, the schools whose data changed, including edits
    made with plain SQL or by other applications (the triggers `db init`
    installs note them). On PostgreSQL a change is also notified and published at once.
    Outages of the database or the store are logged once and retried. With -q,
    only warnings and errors are logged. With --metrics-file, the heartbeat is
    written there too, every --interval seconds.
    """
    from publisher.db.changes import listen_url
    from publisher.page.build import current_page_build
    from publisher.watch import Watcher, WatchOptions

    log = configure_logging(log_format)
    if verbosity() != NORMAL:
        log.setLevel(logging.WARNING if verbosity() == QUIET else logging.DEBUG)
    sessions, store, settings = app.sessions(), app.store(), app.settings
    options = WatchOptions(interval, full_interval, compare_interval, listen_url(app.database_url))
    page = current_page_build(settings.public_url)
    cdns = app.cdns()
    with stop_on_signals(lambda line: log.info(line, extra={"event": "stopping"})) as stop:
        watcher = Watcher(
            sessions,
            store,
            settings,
            page,
            options,
            stop=stop,
            log=log,
            cdns=cdns,
            metrics_file=app.metrics_file,
        )
        watcher.run()


COMMANDS = [watch_command]
