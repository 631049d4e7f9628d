"""Creating the schema and bringing an older one up to date, with the migrations in the package.

The migrations (`publisher/db/migrations/versions`) are Alembic revisions run
from here, never through the `alembic` command, so they work from an installed
wheel. A database records its revision in `alembic_version`; one made before
migrations existed has none and is upgraded from the baseline, which creates
only what it lacks. Every command but `db init` and `db upgrade` checks the
revision first (`require_schema`): one query, against `SCHEMA_REVISION`, without
loading Alembic, which only creating or upgrading a schema needs (it costs a
fifth of a second of every command's start-up).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, column, inspect, select, table
from sqlalchemy.exc import DBAPIError

from publisher.db.changes import install_triggers
from publisher.db.models import Base
from publisher.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "alembic_version"
SCHEMA_REVISION = "0008_publish_inputs"
"""The revision this version of the publisher expects: the head of its migrations
(`head_revision`; a test checks they agree). A new migration moves it."""


@dataclass(frozen=True)
class Upgrade:
    """What `upgrade_schema` did: the revision found (None: no schema) and the one left."""

    before: str | None
    after: str
    legacy: bool = False  # made before migrations existed (no revision recorded)

    @property
    def changed(self) -> bool:
        return self.before != self.after


def migration_config(legacy_target: str | None = None) -> Config:
    """Alembic's configuration, pointing into the package; a command run with it also
    needs `attributes["connection"]`, the connection to migrate."""
    from alembic.config import Config

    config = Config()
    location = resources.files("publisher.db") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["legacy_target"] = legacy_target
    return config


@functools.cache
def head_revision() -> str:
    """The head of the migrations in the package, as Alembic finds it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(migration_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's recorded revision; None when it has none (no schema, or older).

    Read as Alembic records it (one row in `alembic_version`), without Alembic.
    """
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        versions = table(VERSION_TABLE, column("version_num"))
        found = connection.execute(select(versions.c.version_num)).scalar()
        return str(found) if found is not None else None


def init_schema(engine: Engine, legacy_target: str | None = None) -> Upgrade:
    """Create the schema in an empty database; on an existing one, the same as
    `upgrade_schema`, or, without a `legacy_target`, `require_schema` (callers that
    do not name a target, such as `demo`, never upgrade a database).

    An empty database gets every table at once from the models and is marked
    as being at the head revision (quicker than replaying each migration).
    """
    if inspect(engine).get_table_names():
        if legacy_target is None:
            require_schema(engine)
            return Upgrade(head_revision(), head_revision())
        return upgrade_schema(engine, legacy_target)
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        MigrationContext.configure(connection).stamp(
            ScriptDirectory.from_config(migration_config()), head_revision()
        )
    install_triggers(engine)
    return Upgrade(None, head_revision())


def upgrade_schema(engine: Engine, legacy_target: str | None = None) -> Upgrade:
    """Bring the schema to the head revision, keeping every row; install the triggers.

    `legacy_target` is the identity (`Store.identity`) of the target that records
    made before records named their target are attributed to.
    """
    from alembic import command

    before = current_revision(engine)
    legacy = before is None and inspect(engine).has_table("schools")
    if before != head_revision():
        try:
            with engine.begin() as connection:
                config = migration_config(legacy_target)
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except DBAPIError as error:
            shown = engine.url.render_as_string(hide_password=True)
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise ConfigError(
                f"database {shown}: the upgrade to revision {head_revision()} stopped: {reason}"
            ) from None
    install_triggers(engine)
    return Upgrade(before, head_revision(), legacy)


def table_names(engine: Engine) -> list[str]:
    """The database's tables, sorted by name."""
    return sorted(inspect(engine).get_table_names())


def require_schema(engine: Engine) -> None:
    """Fail with one line naming the command to run when the schema is missing or behind.

    Costs one query (the recorded revision); only a database without one is
    inspected further, to tell an empty one from one made before migrations.
    """
    shown = engine.url.render_as_string(hide_password=True)
    try:
        revision = current_revision(engine)
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ConfigError(f"database {shown}: cannot read its schema revision: {reason}") from None
    if revision == SCHEMA_REVISION:
        return
    if revision is None:
        if not inspect(engine).has_table("schools"):
            raise ConfigError(f"database {shown} has no schema yet: run `publisher db init`")
        raise ConfigError(
            f"database {shown} has an older schema: run `publisher db upgrade` to bring it up "
            "to date (its data is kept)"
        )
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migration_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if revision not in known:
        raise ConfigError(
            f"database {shown} is at schema revision {revision}, which this publisher does "
            "not know: upgrade the publisher"
        )
    raise ConfigError(
        f"database {shown} is at schema revision {revision}, behind {head_revision()}: "
        "run `publisher db upgrade` (its data is kept)"
    )
