"""Fixtures shared by the whole suite: real databases, a fixed clock, the command line.

Every database test runs twice: on SQLite (a file in the test's temporary folder)
and on a real PostgreSQL server, either `PUBLISHER_TEST_POSTGRES_URL` or one
started for the session by `pgserver`. Each test gets a database of its own (a
PostgreSQL one is dropped afterwards), copied from a template built once per session:
building the schema takes far longer than copying it.

The tests run in parallel, in pytest-xdist's workers (pyproject.toml's addopts): how
many, and which tests must share one, is decided here first. Each worker has its own
temporary folders and starts its own servers (moto, nginx, Chromium) on free ports;
the PostgreSQL server started by `pgserver` is the run's one, where each worker
builds a template of its own.

Where shared things live:
- fixtures used by more than one test module are defined here, once (`cli`,
  `publisher`, `store`, `target`, `two_schools`, ...); a module may override one by name
  (test_publish.py wraps its store in a `RecordingStore`);
- plain helpers only the tests use are modules of this folder, imported by their bare
  names (`from schools import riyadh_school`, `from stores import RecordingStore`,
  `from page_server import ...`): pytest puts this folder on `sys.path`;
- helpers the benchmarks use too (moto's S3 server and fault proxy, the nginx edge,
  `wait_until`) live in `testsupport/` at the top of the checkout, imported as
  `testsupport.x`: pyproject.toml's `pythonpath` puts the checkout on `sys.path`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from moto import mock_aws
from schools import riyadh_school, save
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from publisher.cli import main
from publisher.db import init_schema, open_engine, session_factory
from publisher.stores import open_store
from publisher.stores.protocol import Store

WORKERS_PER_CORE = 2
MAX_WORKERS = 8


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """How many xdist workers `-n auto` (pyproject.toml's addopts) starts: two per core.

    Many tests mostly wait (on nginx's cache expiring, on moto, on a subprocess, on
    Chromium), so a core has room for a second worker; past eight, the servers every
    worker starts for itself (moto, Chromium) cost more memory than they save time.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, WORKERS_PER_CORE * (cores or 1)))


ONE_WORKER_MODULES = {"tests/test_install.py"}
"""Modules whose tests all run on one xdist worker: their module-scoped fixtures (a
build, a fresh environment) cost too much to be made again by every worker."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Puts the tests of `ONE_WORKER_MODULES` first, in their order.

    xdist's `--dist worksteal` (pyproject.toml's addopts) gives each worker an equal run
    of the tests in collection order, and a worker that runs out takes the last half of
    another's remaining run. So tests at the front go to the first worker, which runs
    them first, before anything could be taken from its run. (worksteal rather than
    `load`: on 2 cores, 294 s against 311 s for the whole suite. Each worker starts on
    a different part of the suite, so Chromium, moto and the CLI's subprocesses share
    the cores, rather than four workers all loading pages at once.)
    """
    first = [item for item in items if item.nodeid.split("::", 1)[0] in ONE_WORKER_MODULES]
    rest = [item for item in items if item.nodeid.split("::", 1)[0] not in ONE_WORKER_MODULES]
    items[:] = first + rest


@pytest.fixture(scope="session", autouse=True)
def botocore_reads_its_data_once() -> Iterator[None]:
    """One botocore data loader per data path for the whole run, shared by every session.

    botocore reads its JSON data (the endpoints, S3's model and rule set) afresh for each
    session it makes. A publisher process makes one; a test worker makes thousands (every
    in-process command, every bucket fixture): reading that JSON was a fifth of the CPU
    of tests/cli, maintain, publish and stores. The data is the same each time, and the
    loader caches what it reads.
    """
    import functools

    import botocore.loaders
    import botocore.session

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            botocore.session, "create_loader", functools.cache(botocore.loaders.create_loader)
        )
        yield


@pytest.fixture(scope="session")
def postgres_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL server URL (SQLAlchemy form) for the whole session.

    Under pytest-xdist, every worker is handed the one server the controller started
    (`pytest_configure_node` below): each worker builds its own template on it, so one
    server serves them all without their databases meeting.
    """
    given = os.environ.get("PUBLISHER_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    workerinput = getattr(request.config, "workerinput", {})
    if SHARED_SERVER_URL in workerinput:
        yield workerinput[SHARED_SERVER_URL]
        return
    with _pgserver() as url:
        yield url


SHARED_SERVER_URL = "publisher_postgres_url"
"""The key of the controller's server URL in each xdist worker's `workerinput`."""
_shared_server = pytest.StashKey[contextlib.ExitStack]()  # stops it
_shared_server_url = pytest.StashKey[str]()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """In xdist's controller, before each worker starts: hand it the controller's server.

    One server for the run, started for the first worker and stopped when the run ends
    (`pytest_unconfigure`), rather than one per worker: each would cost a data folder
    and a server's memory and start-up, and they would compete for the same two cores.
    """
    if os.environ.get("PUBLISHER_TEST_POSTGRES_URL"):
        return
    config = node.config
    if _shared_server_url not in config.stash:
        stack = contextlib.ExitStack()
        config.stash[_shared_server_url] = stack.enter_context(_pgserver())
        config.stash[_shared_server] = stack
    node.workerinput[SHARED_SERVER_URL] = config.stash[_shared_server_url]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _shared_server in config.stash:
        config.stash[_shared_server].close()


@contextlib.contextmanager
def _pgserver() -> Iterator[str]:
    """A PostgreSQL server of pgserver's, in a data folder of its own, until the block ends."""
    import pgserver

    # Not under pytest's own temporary folders: pytest deletes old ones, which
    # would pull the data folder from under a server another session runs.
    folder = tempfile.mkdtemp(prefix="publisher-pg-")
    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        _without_waiting_for_the_disk(url)
        yield url
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def _without_waiting_for_the_disk(server_url: str) -> None:
    """Tell the session's own server not to flush to disk at each commit.

    The server and its data are thrown away with the session, so its durability
    across a crash of the machine is worth nothing here, and a test can observe
    the difference no other way; on a busy disk, waiting for it made each commit
    several times slower. A server given by `PUBLISHER_TEST_POSTGRES_URL` is left
    as it is.
    """
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            connection.execute(text(f"ALTER SYSTEM SET {setting} = off"))
        connection.execute(text("SELECT pg_reload_conf()"))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url: str) -> Iterator[str]:
    """A PostgreSQL database with the schema, built once for the session: each test's
    database is a copy of it (`CREATE DATABASE ... TEMPLATE`), which takes a fraction
    of the time `init_schema` does. Nothing connects to it after it is built: PostgreSQL
    copies a template only while no one else is connected to it."""
    name = f"template_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    _with_schema(
        make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    )
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the schema, built once for the session; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "publisher.db"
    _with_schema(f"sqlite:///{path}")
    return path


def _with_schema(url: str) -> None:
    engine = open_engine(url)
    init_schema(engine)
    engine.dispose()


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Makes databases of the test's own: `new_database("sqlite" or "postgresql")`, with the
    schema (a copy of the session's template, as `init_schema` builds it); with
    `schema=False`, empty (for migrations to build one)."""
    dropped: list[tuple[Engine, str]] = []

    def make(kind: str, schema: bool = True) -> str:
        if kind == "sqlite":
            path = tmp_path / f"publisher-{uuid.uuid4().hex[:8]}.db"
            if schema:
                shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            return f"sqlite:///{path}"
        server_url = request.getfixturevalue("postgres_server_url")
        template = request.getfixturevalue("postgres_template") if schema else "template1"
        name = f"test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        dropped.append((admin, name))
        return make_url(server_url).set(database=name).render_as_string(hide_password=False)

    yield make
    for admin, name in dropped:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, new_database: Callable[[str], str]) -> str:
    """An empty database with the schema created: SQLite, then PostgreSQL."""
    return new_database(request.param)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on the test database, with revision tracking installed."""
    engine = open_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and no endpoint override, so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["local", "s3"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A target URL: a local folder, then a bucket prefix in moto (in-process)."""
    if request.param == "local":
        yield f"file://{tmp_path / 'public'}"
        return
    request.getfixturevalue("aws_credentials")
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="screens")
        yield "s3://screens/site"


@pytest.fixture
def now() -> dt.datetime:
    """The fixed "current time" of a test: a Sunday afternoon in Riyadh (UTC+3).

    Past local noon, so a school's window of dates starts at its today.
    """
    return dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@dataclass
class Cli:
    """Runs `publisher` in-process against the test's database and target folder."""

    database_url: str
    target: Path

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        full_env = {
            "PUBLISHER_DATABASE_URL": self.database_url,
            "PUBLISHER_TARGET": f"file://{self.target}",
        }
        full_env.update(env or {})
        return runner.invoke(main, list(args), env=full_env, catch_exceptions=False)


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(database_url=database_url, target=tmp_path / "public")


@pytest.fixture
def publisher(cli: Cli, target: str) -> Callable[..., Result]:
    """`publisher ...` on the command line, against the test's target."""
    return lambda *args: cli(*args, env={"PUBLISHER_TARGET": target})


@pytest.fixture
def store(target: str) -> Store:
    """The test's target opened as a store (a test module may wrap it instead)."""
    return open_store(target)


@pytest.fixture
def two_schools(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Two Riyadh schools saved through the library, "alpha" and "beta": their ids."""
    alpha, beta = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    return {"alpha": alpha, "beta": beta}
