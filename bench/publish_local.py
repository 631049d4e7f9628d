"""Benchmark: load, first publish and no-op publish of many demo schools on SQLite and a folder.

    python -m bench.publish_local [--schools 2000] [--days 7]

Each phase runs in a fresh process so that its peak memory is its own. Prints
a table of wall seconds, SQL statements issued, objects written, schools built
and peak RSS. The publish phases compose a run as `publisher publish --all`
does (`due_schools`, then `publish` of the schools due, with the page): a
no-op run, the same with `--full` (every school built and compared), and a run
after 1% of the schools were edited. The last row is the real command line
with nothing to do, timed over its whole process, interpreter start-up included.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from publisher.config import PublishSettings
from publisher.db import init_schema, open_engine, session_factory, transaction
from publisher.db.load import all_school_ids, load_schools
from publisher.db.save import save_schools
from publisher.demo import demo_schools
from publisher.page.build import current_page_build
from publisher.publish import Due, due_schools, publish
from publisher.stores import open_store

NOW = dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC)


def run_phase(phase: str, workdir: Path, schools: int, days: int) -> dict[str, object]:
    """One phase in this process; returns its figures."""
    engine = open_engine(f"sqlite:///{workdir / 'bench.db'}")
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    sessions = session_factory(engine)
    if phase == "1% of schools changed":
        edit_schools(sessions, max(1, schools // 100))
    statements = 0  # the edit is not the run's
    started = time.perf_counter()
    written = built = 0
    if phase == "load":
        init_schema(engine)
        with transaction(sessions) as session:
            save_schools(session, demo_schools(NOW.date(), schools))
    else:
        with sessions() as session:
            ids = all_school_ids(session)
        store = open_store(f"file://{workdir / 'public'}")
        settings = PublishSettings(days=days)
        page = current_page_build()
        full = phase in ("first publish", "no-op publish --full")
        due = (
            Due(ids) if full else due_schools(sessions, store.identity(), ids, NOW, settings, page)
        )
        summary = publish(sessions, store, due.school_ids, NOW, settings, page=page)
        written, built = summary.objects_written, len(summary.build_seconds)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "phase": phase,
        "seconds": round(seconds, 2),
        "statements": statements,
        "objects_written": written,
        "built": built,
        "peak_rss_mib": round(peak_mib, 1),
    }


def edit_schools(sessions, count: int) -> None:
    """Rename `count` schools spread over the list, through the library (their revision moves)."""
    with transaction(sessions) as session:
        ids = all_school_ids(session)
        chosen = ids[:: max(1, len(ids) // count)][:count]
        renamed = [
            dataclasses.replace(school, name=f"{school.name} (renamed)")
            for school in load_schools(session, chosen)
        ]
        save_schools(session, renamed)


def command_phase(workdir: Path, days: int) -> dict[str, object]:
    """`publisher publish --all` with nothing to do, timed over its whole process.

    The command runs at the real time, not the phases' fixed instant: it runs
    once to publish that window, and the second run, with nothing to do, is timed.
    """
    command = [sys.executable, "-m", "publisher", "publish", "--all", "--json"]
    command += ["--database", f"sqlite:///{workdir / 'bench.db'}"]
    command += ["--target", f"file://{workdir / 'public'}", "--days", str(days)]
    subprocess.run(command, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = json.loads(done.stdout)
    return {
        "phase": "no-op, whole command",
        "seconds": round(seconds, 2),
        "statements": "-",
        "objects_written": summary["counts"]["objects_written"],
        "built": "-",
        "peak_rss_mib": "-",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        print(json.dumps(run_phase(args.phase, args.workdir, args.schools, args.days)))
        return

    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as folder:
        rows = []
        phases = ("load", "first publish", "no-op publish", "no-op publish --full")
        for phase in (*phases, "1% of schools changed"):
            output = subprocess.run(
                [sys.executable, "-m", __spec__.name, "--phase", phase, "--workdir", folder]
                + ["--schools", str(args.schools), "--days", str(args.days)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(output))
        rows.append(command_phase(Path(folder), args.days))
        size = sum(p.stat().st_size for p in Path(folder, "public").rglob("*") if p.is_file())

    print(f"{args.schools} schools x {args.days} days, SQLite + local folder")
    print("| phase | seconds | SQL statements | objects written | schools built | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['phase']} | {row['seconds']} | {row['statements']} | "
            f"{row['objects_written']} | {row['built']} | {row['peak_rss_mib']} |"
        )
    print(f"published tree: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
