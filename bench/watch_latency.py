"""Benchmark: from an SQL edit to the new manifest in the store, and several publishers at once.

    .venv/bin/python -m bench.watch_latency [--schools 50] [--edits 20] [--big 2000]

Part 1, edit to published: a `publisher watch` process runs against a database
(PostgreSQL from pgserver, then SQLite) and a moto S3 server on 127.0.0.1. Another
connection inserts an announcement for one school with plain SQL and commits;
the clock stops when that school's manifest, read back from the store, carries
the new revision. Twenty edits, one school at a time, each after a random pause
(so they land anywhere in the polling cycle); median and worst.
PostgreSQL is measured with notifications (the watcher's interval set to an
hour, so nothing else can be that quick); SQLite by polling, at the default
10-second interval and at 1 second.

Part 2, publishers at once: `publish --all` of `--big` demo schools on
PostgreSQL, by one process and then by two started together (into a fresh
bucket, with the publish records cleared), counting the requests the store
receives.

The server runs in this process, pinned to one CPU when there are several;
every publisher process gets the others.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.s3_counter import CountingMotoServer

ROOT = Path(__file__).resolve().parent.parent

CLI = ROOT / "cli.py"
PREFIX = "site"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.server = CountingMotoServer()
        self.cpus = sorted(os.sched_getaffinity(0))
        self.lines: list[str] = []

    # Plumbing.

    def client_cpus(self) -> None:
        if len(self.cpus) >= 2:
            os.sched_setaffinity(0, self.cpus[1:])

    def env(self, database_url: str, bucket: str) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PUBLISHER_"))},
            **CREDENTIALS,
            "PUBLISHER_DATABASE_URL": database_url,
            "PUBLISHER_TARGET": f"s3://{bucket}/{PREFIX}",
            "PUBLISHER_ENDPOINT_URL": self.server.endpoint,
            "PUBLISHER_DAYS": "3",
        }

    def client(self) -> Any:
        import boto3

        return boto3.session.Session(
            aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1"
        ).client("s3", endpoint_url=self.server.endpoint)

    def new_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def load(self, database_url: str, schools: int) -> dict[int, str]:
        """Create the schema and `schools` demo schools; their public keys by id."""
        from sqlalchemy import text

        from publisher.db import init_schema, open_engine, session_factory, transaction
        from publisher.db.save import save_schools
        from publisher.demo import demo_school

        engine = open_engine(database_url)
        init_schema(engine)
        sessions = session_factory(engine)
        today = dt.datetime.now(dt.UTC).date()
        for start in range(1, schools + 1, 200):
            batch = [demo_school(n, today) for n in range(start, min(start + 200, schools + 1))]
            with transaction(sessions) as session:
                save_schools(session, batch)
        with transaction(sessions) as session:
            rows = session.execute(text("SELECT id, public_key FROM schools")).all()
            keys: dict[int, str] = {school_id: key for school_id, key in rows}
        engine.dispose()
        return keys

    def revision(self, bucket: str, key: str) -> int | None:
        try:
            body = (
                self.client()
                .get_object(Bucket=bucket, Key=f"{PREFIX}/schools/{key}/manifest.json")["Body"]
                .read()
            )
        except Exception:  # noqa: BLE001 (not there yet)
            return None
        return int(json.loads(body)["revision"])

    # Part 1.

    def latency(self, label: str, database_url: str, edit: Any, interval: int) -> None:
        keys = self.load(database_url, self.args.schools)
        bucket = self.new_bucket(f"latency-{len(self.lines)}")
        command = [sys.executable, str(CLI), "watch", "--interval", str(interval)]
        command += ["--log-format", "json"]
        log = (self.work / f"{bucket}.log").open("w")
        watcher = subprocess.Popen(
            command, env=self.env(database_url, bucket), stderr=log, preexec_fn=self.client_cpus
        )
        try:
            ids = sorted(keys)
            pause = random.Random(len(self.lines))
            wait(lambda: all(self.revision(bucket, keys[i]) for i in ids), 300)
            seconds = []
            for n in range(self.args.edits):
                school = ids[n % len(ids)]
                before = self.revision(bucket, keys[school])
                edit(school, f"Latency edit {n}")
                started = time.perf_counter()
                key = keys[school]
                wait(lambda k=key, b=before: self.revision(bucket, k) != b, 60, step=0.01)
                seconds.append(time.perf_counter() - started)
                # Edits land at random moments of the polling cycle, not just after a poll.
                time.sleep(pause.uniform(0.2, min(interval, 10)))
        finally:
            watcher.terminate()
            watcher.wait(60)
            log.close()
        self.lines.append(
            f"| {label} | {len(seconds)} | {statistics.median(seconds):.2f} | "
            f"{max(seconds):.2f} | {min(seconds):.2f} |"
        )
        print(self.lines[-1], file=sys.stderr)

    # Part 2.

    def publish_all(self, database_url: str, processes: int) -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM published_objects"))
            connection.execute(text("DELETE FROM publish_state"))
        engine.dispose()
        bucket = self.new_bucket(f"all-{processes}")
        command = [sys.executable, str(CLI), "publish", "--all", "--json"]
        self.server.reset()
        started = time.perf_counter()
        running = [
            subprocess.Popen(
                command,
                env=self.env(database_url, bucket),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                preexec_fn=self.client_cpus,
            )
            for _ in range(processes)
        ]
        outputs = [p.communicate() for p in running]
        seconds = time.perf_counter() - started
        counts = self.server.reset()
        summaries = [json.loads(out) for out, _ in outputs]
        shares = " + ".join(str(len(s["published"])) for s in summaries)
        busy = " + ".join(str(len(s["busy"])) for s in summaries)
        line = (
            f"| {processes} | {seconds:.1f} | {shares} | {busy} | {counts['PUT']:,} | "
            f"{sum(len(s['failed']) for s in summaries)} |"
        )
        print(line, file=sys.stderr)
        return line

    def main(self) -> None:
        import pgserver

        if len(self.cpus) >= 2:
            os.sched_setaffinity(0, self.cpus[:1])
        self.server.start()
        pg_folder = self.work / "pg"
        postgres = pgserver.get_server(str(pg_folder), cleanup_mode="stop")
        try:
            self.run(postgres.get_uri())
        finally:
            postgres.cleanup()
            self.server.stop()

    def run(self, pg_uri: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        def pg_database(name: str) -> str:
            with psycopg.connect(pg_uri, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
            url = make_url(pg_uri).set(database=name, drivername="postgresql+psycopg")
            return url.render_as_string(hide_password=False)

        today = dt.datetime.now(dt.UTC).date()
        announcement = (
            "INSERT INTO announcements (school_id, text, first_date, last_date) "
            "VALUES ({school}, '{text}', '{first}', '{last}')"
        )

        def sql(school: int, text: str) -> str:
            return announcement.format(
                school=school,
                text=text,
                first=today - dt.timedelta(days=2),
                last=today + dt.timedelta(days=10),
            )

        url = pg_database("latency")
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

        def pg_edit(school: int, text: str) -> None:
            with psycopg.connect(plain) as connection:
                connection.execute(sql(school, text))

        self.latency("PostgreSQL, LISTEN/NOTIFY (interval 3600 s)", url, pg_edit, 3600)
        for interval in (10, 1):
            path = self.work / f"latency-{interval}.db"

            def sqlite_edit(school: int, text: str, path: Path = path) -> None:
                with sqlite3.connect(path) as connection:
                    connection.execute(sql(school, text))

            self.latency(
                f"SQLite, polling every {interval} s", f"sqlite:///{path}", sqlite_edit, interval
            )

        big = pg_database("many")
        started = time.perf_counter()
        self.load(big, self.args.big)
        loaded = time.perf_counter() - started
        rows = [self.publish_all(big, 1), self.publish_all(big, 2)]

        print(f"{os.cpu_count()} CPUs; load average at the end {os.getloadavg()[0]:.1f}")
        print(f"\nEdit to published, {self.args.schools} schools, {self.args.edits} edits:\n")
        print("| path | edits | median s | worst s | best s |")
        print("|---|---:|---:|---:|---:|")
        print("\n".join(self.lines))
        print(
            f"\n`publish --all`, {self.args.big} schools x 3 days on PostgreSQL "
            f"(loaded in {loaded:.0f} s):\n"
        )
        print("| processes | wall s | schools published by each | busy (skipped) | PUT | failed |")
        print("|---:|---:|---|---|---:|---:|")
        print("\n".join(rows))


def wait(condition: Any, seconds: float, step: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {seconds} s")
        time.sleep(step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--big", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publisher-bench-watch-") as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        try:
            Bench(args, work).main()
        finally:
            if args.keep is None:
                shutil.rmtree(work / "pg", ignore_errors=True)


if __name__ == "__main__":
    main()
