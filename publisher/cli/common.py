"""Options and helpers shared by the commands: the database and the target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session, sessionmaker

from publisher.config import DEFAULT_DATABASE_URL, DEFAULT_TARGET
from publisher.db import open_engine, require_schema, session_factory
from publisher.upload.s3 import CHECKSUM_MODES, S3Options
from publisher.upload.store import Store
from publisher.upload.targets import open_store

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


def open_target(
    target: str, endpoint_url: str | None, path_style: bool, checksum: str, concurrency: int = 16
) -> Store:
    """The store the target options name (no request is sent yet)."""
    options = S3Options(
        endpoint_url=endpoint_url, path_style=path_style, checksum=checksum, concurrency=concurrency
    )
    return open_store(target, options)


def open_database(url: str, *, need_schema: bool = True) -> sessionmaker[Session]:
    """Open the database; with `need_schema`, fail with a hint when `db init` never ran."""
    engine = open_engine(url)
    if need_schema:
        require_schema(engine)
    return session_factory(engine)


def warn(message: str) -> None:
    """One line on stderr, for problems that do not stop the command."""
    click.echo(message, err=True)
