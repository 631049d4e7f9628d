"""What every command prints: the --json documents match docs/json.md, and -q and -v
mean the same on every command."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from schools import riyadh_school, save
from sqlalchemy import text

from publisher.cli import main
from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.db.models import WatcherState
from publisher.publish.run import publish
from publisher.stores import open_store
from testsupport import CHECKOUT

ROOT = CHECKOUT
DOCS = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")


def documented() -> dict[str, Any]:
    """Each `## \\`publisher ...\\`` section's JSON example, by its command line."""
    sections = re.findall(r"^## `publisher (.+?)`\n(.*?)```json\n(.*?)```", DOCS, re.S | re.M)
    return {command: json.loads(example) for command, _prose, example in sections}


def same_shape(documented: Any, actual: Any, where: str = "") -> None:
    """The same keys at every level; lists of objects compared by their first item."""
    assert type(actual) is type(documented) or {type(actual), type(documented)} <= {
        int,
        float,
        str,
        bool,
        type(None),
    }, where
    if isinstance(documented, dict):
        assert sorted(actual) == sorted(documented), where
        for key, value in documented.items():
            same_shape(value, actual[key], f"{where}.{key}")
    elif isinstance(documented, list) and documented and actual:
        same_shape(documented[0], actual[0], f"{where}[0]")


def test_every_command_with_json_output_is_documented():
    with_json = {
        f"{name} --json"
        for name, command in main.commands.items()
        if any(isinstance(p, click.Option) and "--json" in p.opts for p in command.params)
    }
    assert with_json | {"publish --dry-run --json"} == set(documented())


def test_every_example_has_a_format_and_integer_counts():
    for command, example in documented().items():
        assert next(iter(example)) == "format" and example["format"] == 1, command
        assert all(isinstance(n, int) for n in example["counts"].values()), command


@pytest.fixture
def published(cli, sessions, now):
    """alpha published 40 days ago and today, beta failing, a watcher beating, alpha's
    manifest gone: every list in every document has something in it."""
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    store = open_store(f"file://{cli.target}")
    publish(sessions, store, ids[:1], dt.datetime.now(dt.UTC) - dt.timedelta(days=40),
            PublishSettings())  # fmt: skip
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Nowhere/Land' WHERE slug = 'beta'"))
        moment = dt.datetime.now(dt.UTC)
        session.add(WatcherState(owner="host:1:x", started_at=moment, beat_at=moment,
                                 interval_seconds=10, last_action="started",
                                 last_action_at=moment))  # fmt: skip
    return store


def run_json(cli, *args: str) -> dict[str, Any]:
    result = cli(*args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_each_document_has_exactly_the_documented_keys(cli, published, sessions):
    docs = documented()
    dry = run_json(cli, "publish", "--all", "--dry-run", "--json")
    assert dry["writes"] and dry["failed"]
    same_shape(docs["publish --dry-run --json"], dry)

    run = run_json(cli, "publish", "--all", "--json")
    assert run["published"] and run["failed"]
    same_shape(docs["publish --json"], run)

    assert cli("alert", "--all", "Fire drill", "--for", "30m").exit_code == 0
    alerts = run_json(cli, "alert", "--list", "--json")
    assert alerts["alerts"]
    same_shape(docs["alert --json"], alerts)

    status = run_json(cli, "status", "--json")
    assert status["schools"] and status["watchers"]
    same_shape(docs["status --json"], status)

    manifest = next(cli.target.glob("schools/*/manifest.json"))
    manifest.unlink()
    verified = run_json(cli, "verify", "--repair", "--json")
    assert verified["problems"] and verified["repaired"] and verified["failed"]
    same_shape(docs["verify --json"], verified)

    collected = run_json(cli, "gc", "--dry-run", "--keep-days", "0", "--json")
    assert collected["deleted"]
    same_shape(docs["gc --json"], collected)


# -q and -v on every command. Each case: the arguments, and something to do first.


def _rename(sessions) -> None:
    """A change to alpha, so that the next publish writes something."""
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET name = name || '.' WHERE slug = 'alpha'"))


EXAMPLE = str(ROOT / "examples" / "school.yaml")
CASES: list[tuple[list[str], Callable[[Any], None] | None]] = [
    (["db", "init"], None),
    (["demo", "--schools", "5"], None),
    (["import", EXAMPLE], None),
    (["export", "--school", "alpha"], None),
    (["publish", "--all"], _rename),
    (["publish", "--all", "--dry-run"], _rename),
    (["status"], None),
    (["verify"], None),
    (["gc", "--dry-run"], None),
]


@pytest.mark.parametrize(
    ("args", "before"), CASES, ids=[" ".join(a for a in c[0] if a != EXAMPLE) for c in CASES]
)
def test_quiet_silences_stderr_and_verbose_adds_lines(cli, sessions, args, before):
    save(sessions, riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0

    def run(*flags: str):
        if before:
            before(sessions)
        result = cli(*args, *flags)
        assert result.exit_code == 0, result.output
        return result

    normal, quiet, verbose = run(), run("-q"), run("-v")
    assert quiet.stderr == ""
    normal_lines = normal.stderr.splitlines()
    verbose_lines = verbose.stderr.splitlines()
    assert len(verbose_lines) > len(normal_lines)
    if args[0] != "export":  # export says nothing unless asked: its output is the document
        assert normal_lines, "no summary line"
    # stdout is the same at every level (a publish after each change writes alike)
    assert len(quiet.stdout.splitlines()) == len(normal.stdout.splitlines())


def test_the_options_work_before_the_command_too(cli, sessions):
    save(sessions, riyadh_school("alpha"))
    assert cli("-q", "status").stderr == ""
    assert "alpha: screen schools/" in cli("-v", "status").stderr


def test_quiet_and_verbose_together_are_a_usage_error(cli):
    result = cli("-q", "status", "-v")
    assert result.exit_code == 2
    assert "-q and -v cannot be used together" in result.stderr


def test_quiet_still_shows_errors(cli, sessions):
    save(sessions, riyadh_school("alpha"))
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Nowhere/Land'"))
    result = cli("publish", "--all", "-q")
    assert result.exit_code == 1
    assert result.stderr == "Error: school alpha: unknown time zone 'Nowhere/Land'\n"


def test_verbose_publish_names_each_object_written(cli, sessions):
    save(sessions, riyadh_school("alpha"))
    result = cli("publish", "--all", "-v")
    written = [line.split("\t") for line in result.stderr.splitlines() if "\t" in line]
    assert len(written) == len(list(cli.target.rglob("*.*")))
    assert {reason for _school, _key, reason in written} == {"not yet published"}
    assert {school for school, _key, _reason in written} == {"-", "alpha"}


def _watch(database_url: str, target: Path, *flags: str) -> list[str]:
    """Run `publisher watch` until alpha's manifest exists, stop it, return its stderr lines."""
    env = {**os.environ, "PUBLISHER_DATABASE_URL": database_url, "PUBLISHER_TARGET":
           f"file://{target}", "PUBLISHER_DAYS": "2"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "cli.py", "watch", "--interval", "1", *flags],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(target.glob("schools/*/manifest.json")) and time.monotonic() < deadline:
        assert process.poll() is None
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0
    return stderr.decode().splitlines()


def test_quiet_watch_logs_only_warnings_and_errors(database_url, sessions, tmp_path):
    save(sessions, riyadh_school("alpha"))
    assert any(" info " in line for line in _watch(database_url, tmp_path / "a"))
    assert _watch(database_url, tmp_path / "b", "-q") == []
