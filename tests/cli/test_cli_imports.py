"""Asking the command line for help loads no heavy library and none of the rooms.

`publisher --help`, `--version` and every `publisher COMMAND --help` answer from
click and the standard library: boto3, SQLAlchemy, Jinja2 and the rest, and the
rooms that use them (build, publish, db, stores...), are imported only by a
command that runs. Each invocation runs in a fresh interpreter under
`python -X importtime -m publisher`, whose report names every module imported.
This checks what is imported, not how long it takes: bench/cli_startup.py times it.
"""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from publisher.cli import main
from testsupport import CHECKOUT

HEAVY = (
    "boto3",
    "botocore",
    "s3transfer",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "jinja2",
    "openpyxl",
    "urllib3",
    "prometheus_client",
    "yaml",
)
"""Libraries a command may need, and `--help` never does."""

LIGHT_MODULES = {"publisher", "publisher.__main__", "publisher.config", "publisher.errors"}
LIGHT_MODULES |= {"publisher.logs"}  # `watch --log-format`'s choices; the standard library only
"""The package's modules outside `publisher.cli` that help may import."""


def imported_modules(*args: str, before: str | None = None) -> set[str]:
    """Every module `python -m publisher ARGS` imports, from `-X importtime`'s report;
    with `before`, the `-c` code run first (to show the report sees it)."""
    if before is None:
        command = [sys.executable, "-X", "importtime", "-m", "publisher", *args]
    else:
        run = "import runpy, sys; sys.argv[1:] = sys.argv[2:]; "
        run += "runpy.run_module('publisher', run_name='__main__')"
        command = [sys.executable, "-X", "importtime", "-c", f"{before}; {run}", "-", *args]
    done = subprocess.run(
        command, cwd=CHECKOUT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    } - {"package"}  # the report's header row


def too_heavy(modules: set[str]) -> list[str]:
    """The modules of `modules` that help must not import."""
    heavy = {name for name in modules if name.split(".")[0] in HEAVY}
    rooms = {
        name
        for name in modules
        if name.startswith("publisher.") and not name.startswith("publisher.cli")
    }
    return sorted(heavy | (rooms - LIGHT_MODULES))


def command_paths(group: click.Group = main, parent: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command below the root group as the words that call it (`db init`)."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append([*parent, name])
        if isinstance(command, click.Group):
            found.extend(command_paths(command, (*parent, name)))
    return found


@pytest.mark.parametrize("option", ["--help", "-h", "--version"])
def test_the_root_options_import_no_heavy_library_nor_room(option):
    modules = imported_modules(option)

    assert "publisher.cli" in modules, "the report lists the command line itself"
    assert too_heavy(modules) == []


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_each_commands_help_imports_no_heavy_library_nor_room(path):
    assert too_heavy(imported_modules(*path, "--help")) == []


def test_every_command_is_checked():
    paths = {" ".join(path) for path in command_paths()}
    assert {"publish", "status", "import", "alert", "serve", "db", "db init"} <= paths


def test_the_check_sees_a_heavy_library_imported_on_the_way():
    modules = imported_modules("--version", before="import sqlalchemy.exc")

    assert "sqlalchemy.exc" in too_heavy(modules)
