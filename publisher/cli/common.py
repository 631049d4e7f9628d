"""Options and helpers shared by the commands: the database and the target."""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import click
from sqlalchemy.orm import Session, sessionmaker

from publisher.cdn import CdnTargets, check_edge_url
from publisher.cli.output import say
from publisher.config import (
    DEFAULT_CONCURRENCY,
    DEFAULT_DATABASE_URL,
    DEFAULT_DAYS,
    DEFAULT_MUTABLE_MAX_AGE,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_STALE_IF_ERROR,
    DEFAULT_STALE_WHILE_REVALIDATE,
    DEFAULT_TARGET,
    CachePolicy,
    PublishSettings,
)
from publisher.db import open_engine, require_schema, session_factory
from publisher.errors import ConfigError
from publisher.stores import CHECKSUM_MODES, Store, StoreOptions, open_store, target_identity

F = TypeVar("F", bound=Callable[..., Any])

database_option = click.option(
    "--database",
    "database_url",
    envvar="PUBLISHER_DATABASE_URL",
    show_envvar=True,
    default=DEFAULT_DATABASE_URL,
    show_default=True,
    metavar="URL",
    help="SQLAlchemy URL of the schedule database (sqlite:///FILE or postgresql+psycopg://...).",
)


concurrency_option = click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    envvar="PUBLISHER_CONCURRENCY",
    show_envvar=True,
    help="Schools uploaded at the same time.",
)


invalidate_option = click.option(
    "--invalidate",
    "distribution_id",
    envvar="PUBLISHER_CLOUDFRONT_DISTRIBUTION",
    show_envvar=True,
    metavar="DISTRIBUTION_ID",
    help="Invalidate the manifests and pages a run rewrote in this CloudFront distribution.",
)


def _edge_urls(_ctx: click.Context, _param: Any, value: tuple[str, ...]) -> tuple[str, ...]:
    try:
        return tuple(check_edge_url(url) for url in value)
    except ConfigError as error:
        raise click.BadParameter(str(error)) from None


refresh_edge_option = click.option(
    "--refresh-edge",
    "edge_urls",
    multiple=True,
    callback=_edge_urls,
    envvar="PUBLISHER_REFRESH_EDGES",
    show_envvar=True,
    metavar="URL",
    help="Refresh the manifests and pages a run rewrote at this nginx edge "
    "(infra/nginx); repeat for several, or separate them with spaces in the variable.",
)


def cdn_targets(
    distribution_id: str | None, edge_urls: tuple[str, ...], store: Store, endpoint_url: str | None
) -> CdnTargets:
    """The CDNs a run tells about the manifests and pages it rewrote."""
    if distribution_id and store.scheme != "s3":
        raise ConfigError("--invalidate needs an s3:// target behind a CloudFront distribution")
    return CdnTargets(distribution_id, edge_urls, store.public_prefix(), endpoint_url)


@contextmanager
def stop_on_signals(announce: Callable[[str], None] | None = None) -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT, so a run can finish what it started and exit 0."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            (announce or say)(
                f"{signal.Signals(signum).name}: finishing the schools under way, then stopping"
            )
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def target_options(command: F) -> F:
    """--target and the options that say how to reach an S3-compatible store."""
    options = [
        click.option(
            "--target",
            envvar="PUBLISHER_TARGET",
            show_envvar=True,
            default=DEFAULT_TARGET,
            show_default=True,
            metavar="URL",
            help="Where to publish: file://PATH (a local folder) or s3://BUCKET/PREFIX.",
        ),
        click.option(
            "--endpoint-url",
            envvar="PUBLISHER_ENDPOINT_URL",
            show_envvar=True,
            metavar="URL",
            help="S3 endpoint for MinIO, R2 and other stores (AWS_ENDPOINT_URL_S3 works too).",
        ),
        click.option(
            "--path-style",
            is_flag=True,
            envvar="PUBLISHER_PATH_STYLE",
            show_envvar=True,
            help="Address the bucket in the path (MinIO-like stores), not the host name.",
        ),
        click.option(
            "--checksum",
            type=click.Choice(CHECKSUM_MODES),
            default="when_supported",
            show_default=True,
            envvar="PUBLISHER_CHECKSUM",
            show_envvar=True,
            help="When boto3 adds CRC checksum headers; when_required for stores that reject them.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def settings_options(command: F) -> F:
    """The options that decide what a school's window holds and its headers.

    `publish` and `verify` must read them alike (a cron job sets them in the
    environment for both); the command receives them as one `settings` value.
    """
    options = [
        click.option(
            "--days",
            type=click.IntRange(1, 366),
            default=DEFAULT_DAYS,
            show_default=True,
            envvar="PUBLISHER_DAYS",
            show_envvar=True,
            help=(
                "Local dates published per school: its today through today+N-1, and"
                " one more (yesterday before local noon, today+N from noon on)."
            ),
        ),
        click.option(
            "--poll-interval",
            type=click.IntRange(5, 3600),
            default=DEFAULT_POLL_INTERVAL,
            show_default=True,
            envvar="PUBLISHER_POLL_INTERVAL",
            show_envvar=True,
            help="Seconds between a screen's manifest polls, written into each manifest.",
        ),
        click.option(
            "--max-age",
            type=click.IntRange(0),
            default=DEFAULT_MUTABLE_MAX_AGE,
            show_default=True,
            envvar="PUBLISHER_MAX_AGE",
            show_envvar=True,
            help="Cache-Control max-age of manifests and pages, in seconds.",
        ),
        click.option(
            "--stale-while-revalidate",
            type=click.IntRange(0),
            default=DEFAULT_STALE_WHILE_REVALIDATE,
            show_default=True,
            envvar="PUBLISHER_STALE_WHILE_REVALIDATE",
            show_envvar=True,
            help="Cache-Control stale-while-revalidate of manifests and pages, in seconds.",
        ),
        click.option(
            "--stale-if-error",
            type=click.IntRange(0),
            default=DEFAULT_STALE_IF_ERROR,
            show_default=True,
            envvar="PUBLISHER_STALE_IF_ERROR",
            show_envvar=True,
            help="Cache-Control stale-if-error of manifests and pages, in seconds.",
        ),
        click.option(
            "--public-url",
            envvar="PUBLISHER_PUBLIC_URL",
            show_envvar=True,
            metavar="URL",
            help="Public base URL of the target's prefix; by default pages use relative URLs.",
        ),
    ]

    @functools.wraps(command)
    def with_settings(
        *args: Any,
        days: int,
        poll_interval: int,
        max_age: int,
        stale_while_revalidate: int,
        stale_if_error: int,
        public_url: str | None,
        **kwargs: Any,
    ) -> Any:
        settings = PublishSettings(
            days=days,
            poll_interval=poll_interval,
            cache=CachePolicy(max_age, stale_while_revalidate, stale_if_error),
            public_url=public_url or None,
        )
        return command(*args, settings=settings, **kwargs)

    wrapped: Any = with_settings
    for option in reversed(options):
        wrapped = option(wrapped)
    return cast(F, wrapped)


def open_target(
    target: str, endpoint_url: str | None, path_style: bool, checksum: str, concurrency: int = 16
) -> Store:
    """The store the target options name (no request is sent yet)."""
    options = StoreOptions(
        endpoint_url=endpoint_url, path_style=path_style, checksum=checksum, concurrency=concurrency
    )
    return open_store(target, options)


DATABASE_SHOWN = "publisher.database"
"""Where the command's context keeps the database it opened (password hidden), so
an error of the database met anywhere later can name it."""


def identify_target(target: str, endpoint_url: str | None, path_style: bool, checksum: str) -> str:
    """The identity (`Store.identity`) of the store the target options name, without
    opening it: the records of what was published are kept per target."""
    options = StoreOptions(endpoint_url=endpoint_url, path_style=path_style, checksum=checksum)
    return target_identity(target, options)


def open_database(url: str, *, need_schema: bool = True) -> sessionmaker[Session]:
    """Open the database; with `need_schema`, fail with the command to run when its
    schema is missing (`db init`) or behind (`db upgrade`)."""
    engine = open_engine(url)
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[DATABASE_SHOWN] = engine.url.render_as_string(hide_password=True)
    if need_schema:
        require_schema(engine)
    return session_factory(engine)
