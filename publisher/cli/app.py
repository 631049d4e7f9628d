"""The application context: what a command works with, built once per invocation.

The root group puts an `App` on click's context object (`ctx.obj`); the shared
options (`publisher.cli.options`) write their values into it, and a command,
decorated with `pass_app`, asks it for what it needs: the settings, the
database's sessions, the store, the time. The database and the store are
opened on first request only, so `--help` opens nothing and a command that
needs no store never reaches one; the database opened is disposed of when the
command's context closes. Their modules are imported on first request too, so
importing the command line loads neither SQLAlchemy nor boto3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from publisher.config import DEFAULT_CONCURRENCY, CachePolicy, PublishSettings
from publisher.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from publisher.cdn import CdnTargets
    from publisher.stores import Store, StoreOptions

DATABASE_SHOWN = "publisher.database"
"""Where the command's context keeps the database it opened (password hidden), so
an error of the database met anywhere later can name it."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class App:
    """The options a command took, and the resources it opened from them.

    `given` holds the shared options' values by parameter name; asking for a
    value whose option the command does not declare is a bug (KeyError).
    """

    def __init__(self, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.clock = clock  # read once per command: the run's `now`
        self.given: dict[str, Any] = {}
        self._sessions: sessionmaker[Session] | None = None
        self._store: Store | None = None

    def now(self) -> dt.datetime:
        return self.clock()

    @property
    def database_url(self) -> str:
        return str(self.given["database_url"])

    @property
    def settings(self) -> PublishSettings:
        """What a school's window holds and its headers: `publish` and `verify`
        read them alike (a cron job sets them in the environment for both)."""
        given = self.given
        return PublishSettings(
            days=given["days"],
            poll_interval=given["poll_interval"],
            cache=CachePolicy(
                given["max_age"], given["stale_while_revalidate"], given["stale_if_error"]
            ),
            public_url=given["public_url"] or None,
            concurrency=self._concurrency(),
        )

    def sessions(self, *, need_schema: bool = True) -> sessionmaker[Session]:
        """The database's sessions, opened on first request; with `need_schema`, fail
        with the command to run when its schema is missing (`db init`) or behind
        (`db upgrade`)."""
        if self._sessions is None:
            from publisher.db import open_engine, require_schema, session_factory

            engine = open_engine(self.database_url)
            context = click.get_current_context()
            context.meta[DATABASE_SHOWN] = engine.url.render_as_string(hide_password=True)
            context.call_on_close(engine.dispose)
            if need_schema:
                require_schema(engine)
            self._sessions = session_factory(engine)
        return self._sessions

    def database_shown(self) -> str:
        """The database opened, as messages name it (password hidden)."""
        from publisher.db.session import engine_of

        return engine_of(self.sessions(need_schema=False)).url.render_as_string(hide_password=True)

    @property
    def metrics_file(self) -> Path | None:
        """Where the run's metrics go (`--metrics-file`), if anywhere."""
        path: Path | None = self.given.get("metrics_file")
        return path

    def target_identity(self) -> str:
        """The identity (`Store.identity`) of the target, without opening it: the
        records of what was published are kept per target."""
        from publisher.stores import target_identity

        return target_identity(self.given["target"], self._store_options())

    def store(self) -> Store:
        """The target's store, made on first request (no request is sent yet)."""
        if self._store is None:
            from publisher.stores import open_store

            self._store = open_store(self.given["target"], self._store_options())
        return self._store

    def cdns(self) -> CdnTargets:
        """The CDNs a run tells about the manifests and pages it rewrote."""
        from publisher.cdn import CdnTargets

        given, store = self.given, self.store()
        if given["distribution_id"] and store.scheme != "s3":
            raise ConfigError("--invalidate needs an s3:// target behind a CloudFront distribution")
        return CdnTargets(
            given["distribution_id"],
            given["edge_urls"],
            store.public_prefix(),
            given["endpoint_url"],
        )

    def _concurrency(self) -> int:
        # Commands without --concurrency (verify, gc) keep the default.
        return int(self.given.get("concurrency", DEFAULT_CONCURRENCY))

    def _store_options(self) -> StoreOptions:
        from publisher.stores import StoreOptions

        return StoreOptions(
            endpoint_url=self.given["endpoint_url"],
            path_style=self.given["path_style"],
            checksum=self.given["checksum"],
            concurrency=self._concurrency(),
        )


pass_app = click.make_pass_decorator(App, ensure=True)
"""Hands a command the `App` of its invocation as its first argument."""
