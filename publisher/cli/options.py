"""The options several commands share, each declared once.

They do not reach the command as arguments: each writes its value into the
invocation's `App` (`publisher.cli.app`), which builds from them what the
command asks for (the settings, the database, the store). A command declares
the groups it takes and reads them through `pass_app`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from publisher.cli.app import App
from publisher.config import (
    CHECKSUM_MODES,
    DEFAULT_CONCURRENCY,
    DEFAULT_DATABASE_URL,
    DEFAULT_DAYS,
    DEFAULT_MUTABLE_MAX_AGE,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_STALE_IF_ERROR,
    DEFAULT_STALE_WHILE_REVALIDATE,
    DEFAULT_TARGET,
)
from publisher.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    assert param.name is not None
    ctx.ensure_object(App).given[param.name] = value


def _edge_urls(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> None:
    from publisher.cdn import check_edge_url  # the CDN room loads boto3: only when run

    try:
        _keep(ctx, param, tuple(check_edge_url(url) for url in value))
    except ConfigError as error:
        raise click.BadParameter(str(error)) from None


def shared_option(*names: str, **attrs: Any) -> Callable[[F], F]:
    """A click option kept in the `App`, shown with its environment variable."""
    attrs.setdefault("callback", _keep)
    return click.option(*names, expose_value=False, show_envvar=True, **attrs)


def option_group(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Several options applied as one decorator, listed in `--help` in this order."""

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


database_option = shared_option(
    "--database",
    "database_url",
    envvar="PUBLISHER_DATABASE_URL",
    default=DEFAULT_DATABASE_URL,
    show_default=True,
    metavar="URL",
    help="SQLAlchemy URL of the schedule database (sqlite:///FILE or postgresql+psycopg://...).",
)

concurrency_option = shared_option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    envvar="PUBLISHER_CONCURRENCY",
    help="Schools uploaded at the same time.",
)

invalidate_option = shared_option(
    "--invalidate",
    "distribution_id",
    envvar="PUBLISHER_CLOUDFRONT_DISTRIBUTION",
    metavar="DISTRIBUTION_ID",
    help="Invalidate the objects a run rewrote in place (manifests, pages, alert objects) "
    "in this CloudFront distribution.",
)

refresh_edge_option = shared_option(
    "--refresh-edge",
    "edge_urls",
    multiple=True,
    callback=_edge_urls,
    envvar="PUBLISHER_REFRESH_EDGES",
    metavar="URL",
    help="Refresh the objects a run rewrote in place (manifests, pages, alert objects) "
    "at this nginx edge "
    "(infra/nginx); repeat for several, or separate them with spaces in the variable.",
)

metrics_file_option = shared_option(
    "--metrics-file",
    envvar="PUBLISHER_METRICS_FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PATH",
    help="After each run, write its figures here in Prometheus text format, atomically, "
    "for node_exporter's textfile collector (name it *.prom). A failure to write it is "
    "reported and fails nothing.",
)

target_options = option_group(
    shared_option(
        "--target",
        envvar="PUBLISHER_TARGET",
        default=DEFAULT_TARGET,
        show_default=True,
        metavar="URL",
        help="Where to publish: file://PATH (a local folder) or s3://BUCKET/PREFIX.",
    ),
    shared_option(
        "--endpoint-url",
        envvar="PUBLISHER_ENDPOINT_URL",
        metavar="URL",
        help="S3 endpoint for MinIO, R2 and other stores (AWS_ENDPOINT_URL_S3 works too).",
    ),
    shared_option(
        "--path-style",
        is_flag=True,
        envvar="PUBLISHER_PATH_STYLE",
        help="Address the bucket in the path (MinIO-like stores), not the host name.",
    ),
    shared_option(
        "--checksum",
        type=click.Choice(CHECKSUM_MODES),
        default="when_supported",
        show_default=True,
        envvar="PUBLISHER_CHECKSUM",
        help="When boto3 adds CRC checksum headers; when_required for stores that reject them.",
    ),
)
"""--target and the options that say how to reach an S3-compatible store."""


def _seconds(name: str, envvar: str, default: int, what: str) -> Callable[[F], F]:
    """A Cache-Control duration of manifests and pages."""
    return shared_option(
        name,
        type=click.IntRange(0),
        default=default,
        show_default=True,
        envvar=envvar,
        help=f"Cache-Control {what} of manifests and pages, in seconds.",
    )


settings_options = option_group(
    shared_option(
        "--days",
        type=click.IntRange(1, 366),
        default=DEFAULT_DAYS,
        show_default=True,
        envvar="PUBLISHER_DAYS",
        help="Local dates published per school: its today through today+N-1, and"
        " one more (yesterday before local noon, today+N from noon on).",
    ),
    shared_option(
        "--poll-interval",
        type=click.IntRange(5, 3600),
        default=DEFAULT_POLL_INTERVAL,
        show_default=True,
        envvar="PUBLISHER_POLL_INTERVAL",
        help="Seconds between a screen's manifest polls, written into each manifest.",
    ),
    _seconds("--max-age", "PUBLISHER_MAX_AGE", DEFAULT_MUTABLE_MAX_AGE, "max-age"),
    _seconds(
        "--stale-while-revalidate",
        "PUBLISHER_STALE_WHILE_REVALIDATE",
        DEFAULT_STALE_WHILE_REVALIDATE,
        "stale-while-revalidate",
    ),
    _seconds(
        "--stale-if-error", "PUBLISHER_STALE_IF_ERROR", DEFAULT_STALE_IF_ERROR, "stale-if-error"
    ),
    shared_option(
        "--public-url",
        envvar="PUBLISHER_PUBLIC_URL",
        metavar="URL",
        help="Public base URL of the target's prefix; by default pages use relative URLs.",
    ),
)
"""The options that decide what a school's window holds and its headers (`App.settings`)."""
