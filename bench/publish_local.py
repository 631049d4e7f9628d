"""Benchmark: load, first publish and no-op publish of many demo schools on SQLite and a folder.

    python -m bench.publish_local [--schools 2000] [--days 7]

Each phase runs in a fresh process so that its peak memory is its own. Prints
a table of wall seconds, SQL statements issued, objects written and peak RSS.
"""

from __future__ import annotations

import argparse
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
from publisher.db.load import all_school_ids
from publisher.db.save import save_schools
from publisher.demo import demo_schools
from publisher.publish.run import publish
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
    started = time.perf_counter()
    written = 0
    if phase == "load":
        init_schema(engine)
        with transaction(sessions) as session:
            save_schools(session, demo_schools(NOW.date(), schools))
    else:
        with sessions() as session:
            ids = all_school_ids(session)
        store = open_store(f"file://{workdir / 'public'}")
        summary = publish(sessions, store, ids, NOW, PublishSettings(days=days))
        written = summary.objects_written
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "phase": phase,
        "seconds": round(seconds, 2),
        "statements": statements,
        "objects_written": written,
        "peak_rss_mib": round(peak_mib, 1),
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
        for phase in ("load", "first publish", "no-op publish"):
            output = subprocess.run(
                [sys.executable, "-m", __spec__.name, "--phase", phase, "--workdir", folder]
                + ["--schools", str(args.schools), "--days", str(args.days)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(output))
        size = sum(p.stat().st_size for p in Path(folder, "public").rglob("*") if p.is_file())

    print(f"{args.schools} schools x {args.days} days, SQLite + local folder")
    print(f"{'phase':<15} {'seconds':>8} {'SQL':>7} {'written':>8} {'peak RSS MiB':>13}")
    for row in rows:
        print(
            f"{row['phase']:<15} {row['seconds']:>8} {row['statements']:>7} "
            f"{row['objects_written']:>8} {row['peak_rss_mib']:>13}"
        )
    print(f"published tree: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
