"""Benchmark: how each cost of publishing grows from 2,000 to 20,000 schools, SQLite and PostgreSQL.

    .venv/bin/python -m bench.publish_scale [--sizes 2000,20000] [--days 7]
        [--databases sqlite,postgresql] [--postgres-url postgresql+psycopg://...]

For each database, demo schools are loaded up to the first size and measured,
then loaded up to the next size (the first ones stay) and measured again. Each
measurement runs the real command line (`cli.py publish --all`) against a fresh
moto server on 127.0.0.1 that counts every request (`s3_counter.py`), in this
order:

1. the full publish of every school into an empty bucket;
2. the raw ceiling: the same objects, taken from the server's memory, uploaded
   again by a boto3 pool of 16 threads into another empty bucket (`publish_s3`'s
   `phase_raw`), right after ours, so both meet the same machine;
3. a run with nothing to do, over the whole process;
4. a run after 1% of the schools got a notice on one date;
5. a run with nothing to do and `--full`, which builds and compares every school.

`--days 7` gives 8 dates per school (today and the 7 days after). The server
runs in this process, pinned to one CPU, every client on the others, as in
`publish_s3.py`. PostgreSQL is the server at `--postgres-url` (a database
`publisher_scale_bench` is created there and dropped at the end), or one that
`pgserver` starts for the run. Loading happens in a fresh process per step, 200
schools per transaction, and is timed too, though no target is set for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.publish_s3 import (
    CLI,
    CONCURRENCY,
    CREDENTIALS,
    Row,
    pair_ratios,
    phase_change,
    phase_load,
    phase_raw,
    run_command,
)
from bench.s3_counter import CountingMotoServer

BUCKETS = ("ours", "raw")
DATABASE_NAME = "publisher_scale_bench"


@dataclass
class Measured:
    """One database at one size: the rows of each run, by name."""

    database: str
    schools: int
    load_seconds: float
    objects: int = 0
    rows: dict[str, Row] = field(default_factory=dict)
    changed: int = 0


class Scale:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.cpus = sorted(os.sched_getaffinity(0))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(CREDENTIALS)
        self.env.pop("PUBLISHER_TARGET", None)
        self.env["AWS_CONFIG_FILE"] = str(work / "no-aws-config")
        self.env["AWS_SHARED_CREDENTIALS_FILE"] = str(work / "no-aws-credentials")
        self.today = dt.datetime.now(dt.UTC).date()

    def client_cpus(self) -> None:
        """Run in each client process before it starts: every CPU but the server's."""
        if len(self.cpus) >= 2:
            os.sched_setaffinity(0, self.cpus[1:])

    def phase(self, name: str, **options: Any) -> dict[str, Any]:
        argv = [sys.executable, "-m", __spec__.name, "--phase", name]
        for key, value in options.items():
            argv += [f"--{key.replace('_', '-')}", str(value)]
        finished = run_command(argv, self.env, self.client_cpus)
        return dict(json.loads(finished.stdout), seconds=finished.seconds)

    def publish(self, url: str, server: CountingMotoServer, name: str, *extra: str) -> Row:
        argv = [sys.executable, str(CLI), "publish", "--all", *extra, "--json"]
        argv += ["--days", str(self.args.days), "--database", url, "--target", "s3://ours"]
        argv += ["--endpoint-url", server.endpoint, "--concurrency", str(CONCURRENCY)]
        server.reset()
        finished = run_command(argv, self.env, self.client_cpus)
        row = Row(name, "publisher publish --all " + " ".join(extra), finished.seconds)
        row.counts, row.rss_mib = server.reset(), finished.rss_mib
        row.inside = json.loads(finished.stdout)["seconds"]
        row.client_cpu, row.server_cpu = finished.cpu, finished.server_cpu
        return row

    def raw(self, server: CountingMotoServer, tree: Path) -> Row:
        server.reset()
        argv = [sys.executable, "-m", __spec__.name, "--phase", "raw"]
        argv += ["--endpoint", server.endpoint, "--tree", str(tree)]
        finished = run_command(argv, self.env, self.client_cpus)
        result = json.loads(finished.stdout)
        row = Row("raw ceiling", "boto3 put_object x16", result["seconds"], server.reset())
        row.client_cpu, row.server_cpu = result["cpu"], finished.server_cpu
        return row

    def measure(self, database: str, url: str, schools: int, load_seconds: float) -> Measured:
        measured = Measured(database, schools, load_seconds)
        rows = measured.rows
        server = CountingMotoServer()
        server.start()
        try:
            import boto3

            client = boto3.session.Session(
                aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1"
            ).client("s3", endpoint_url=server.endpoint)
            for bucket in BUCKETS:
                client.create_bucket(Bucket=bucket)
            step = f"{database}, {schools:,} schools"
            print(f"{step}: full publish ...", file=sys.stderr)
            rows["full"] = self.publish(url, server, "full publish")
            tree = self.work / "tree"
            measured.objects = dump_bucket("ours", tree)
            print(f"{step}: raw upload of {measured.objects:,} objects ...", file=sys.stderr)
            rows["raw"] = self.raw(server, tree)
            shutil.rmtree(tree)
            rows["no-op"] = self.publish(url, server, "nothing changed")
            count = max(1, schools // 100)
            tomorrow = self.today + dt.timedelta(days=1)
            changed = self.phase("change", url=url, count=count, date=tomorrow)
            measured.changed = changed["changed"]
            rows["1%"] = self.publish(url, server, "1% of schools changed")
            print(f"{step}: --full ...", file=sys.stderr)
            rows["--full"] = self.publish(url, server, "nothing changed, --full", "--full")
        finally:
            server.stop()
            forget_buckets()
        return measured

    def databases(self) -> list[tuple[str, str]]:
        chosen = []
        for name in self.args.databases.split(","):
            if name == "sqlite":
                chosen.append((name, f"sqlite:///{self.work / 'scale.db'}"))
            elif name == "postgresql":
                chosen.append((name, self.postgres_database()))
            else:
                raise SystemExit(f"--databases: unknown database {name!r}")
        return chosen

    def postgres_database(self) -> str:
        from sqlalchemy import create_engine, make_url, text

        server_url = self.args.postgres_url
        if server_url is None:
            import pgserver

            self.pgserver = pgserver.get_server(self.work / "pg", cleanup_mode="stop")
            server_url = self.pgserver.get_uri().replace("postgresql://", "postgresql+psycopg://")
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {DATABASE_NAME}"))
        admin.dispose()
        self.postgres_admin = server_url
        url = make_url(server_url).set(database=DATABASE_NAME)
        return url.render_as_string(hide_password=False)

    def drop_postgres(self) -> None:
        from sqlalchemy import create_engine, text

        admin = create_engine(self.postgres_admin, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)"))
        admin.dispose()
        if getattr(self, "pgserver", None) is not None:
            self.pgserver.cleanup()

    def main(self) -> None:
        sizes = sorted(int(size) for size in self.args.sizes.split(","))
        load_start = os.getloadavg()[0]
        databases = self.databases()  # first: a PostgreSQL server started here is a client's
        if len(self.cpus) >= 2:
            os.sched_setaffinity(0, self.cpus[:1])  # the S3 server's CPU, for it alone
        results: list[Measured] = []
        for database, url in databases:
            loaded = 0
            try:
                for schools in sizes:
                    print(
                        f"{database}: loading schools {loaded + 1} to {schools} ...",
                        file=sys.stderr,
                    )
                    load = self.phase(
                        "load", url=url, first=loaded + 1, schools=schools, today=self.today
                    )
                    loaded = schools
                    results.append(self.measure(database, url, schools, load["seconds"]))
            finally:
                if database == "postgresql":
                    self.drop_postgres()
        report(results, self.args, load_start)


def dump_bucket(bucket: str, folder: Path) -> int:
    """Write every object of `bucket` on the moto server running in this process to `folder`."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    count = 0
    for key, stored in s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[bucket].keys.items():
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stored.value)
        count += 1
    return count


def forget_buckets() -> None:
    """Empty the in-process moto backend, which outlives its server, and free its memory."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    s3_backends[DEFAULT_ACCOUNT_ID]["aws"].reset()


def report(results: list[Measured], args: argparse.Namespace, load_start: float) -> None:
    print(
        f"{os.cpu_count()} CPUs; {args.days + 1} dates per school; load average at the start "
        f"{load_start:.1f}, at the end {os.getloadavg()[0]:.1f}"
    )
    for database in dict.fromkeys(m.database for m in results):
        mine = [m for m in results if m.database == database]
        print(f"\n{database}")
        header = ["run", *(f"{m.schools:,} schools" for m in mine), "growth"]
        print("| " + " | ".join(header) + " |")
        print("|---|" + "---:|" * (len(header) - 1))
        lines = [
            ("objects in the bucket", lambda m: m.objects, "{:,}"),
            ("load, s", lambda m: m.load_seconds, "{:.0f}"),
        ]
        for key, name in (("full", "full publish"), ("no-op", "nothing changed")):
            lines += figures(key, name)
        lines.append(("raw ceiling, s", lambda m: m.rows["raw"].seconds, "{:.1f}"))
        lines.append(("full publish / raw ceiling, as the store saw the PUTs", ratio(2), "{:.0%}"))
        lines.append(("full publish / raw ceiling, whole process", ratio(0), "{:.0%}"))
        lines += figures("1%", "1% of schools changed")
        lines.append(("1%: schools changed", lambda m: m.changed, "{:,}"))
        lines += figures("--full", "nothing changed, --full")
        for name, value, style in lines:
            values = [value(m) for m in mine]
            growth = f"{values[-1] / values[0]:.1f}x" if values[0] else "-"
            print(f"| {name} | " + " | ".join(style.format(v) for v in values) + f" | {growth} |")
    print()
    for measured in results:
        rows = measured.rows
        store_ratio = pair_ratios(rows["full"], rows["raw"])[2]
        verdicts = [
            ("no-op within 5 s", rows["no-op"].seconds <= 5 and rows["no-op"].requests == 0),
            ("full publish at 90% of the raw ceiling", store_ratio >= 0.9),
            ("1% changed writes one day file and one manifest per changed school",
             rows["1%"].counts["PUT"] == 2 * measured.changed),
        ]  # fmt: skip
        for name, passed in verdicts:
            verdict = "PASS" if passed else "FAIL"
            print(f"{measured.database}, {measured.schools:,} schools: {name}: {verdict}")


def figures(key: str, name: str) -> list[tuple[str, Any, str]]:
    """A run's wall seconds, PUTs, other requests and peak RSS, as table lines."""
    return [
        (f"{name}, s", lambda m: m.rows[key].seconds, "{:.2f}"),
        (f"{name}: PUTs", lambda m: m.rows[key].counts["PUT"], "{:,}"),
        (
            f"{name}: other requests",
            lambda m: m.rows[key].requests - m.rows[key].counts["PUT"],
            "{:,}",
        ),
        (f"{name}: peak RSS MiB", lambda m: m.rows[key].rss_mib, "{:.0f}"),
    ]


def ratio(which: int) -> Any:
    return lambda m: pair_ratios(m.rows["full"], m.rows["raw"])[which]


def run_phase(args: argparse.Namespace) -> dict[str, Any]:
    if args.phase == "load":
        return phase_load(args.url, args.schools, args.today, first=args.first)
    if args.phase == "change":
        return phase_change(args.url, args.count, args.date)
    if args.phase == "raw":
        return phase_raw(args.endpoint, "raw", args.tree)
    raise SystemExit(f"unknown phase {args.phase}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000", help="numbers of schools, ascending")
    parser.add_argument("--days", type=int, default=7, help="days after today (7: 8 dates)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", help="a server to create the database on")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    hidden = argparse.SUPPRESS
    parser.add_argument("--phase", help=hidden)
    parser.add_argument("--url", help=hidden)
    parser.add_argument("--first", type=int, help=hidden)
    parser.add_argument("--schools", type=int, help=hidden)
    parser.add_argument("--today", type=dt.date.fromisoformat, help=hidden)
    parser.add_argument("--date", type=dt.date.fromisoformat, help=hidden)
    parser.add_argument("--count", type=int, help=hidden)
    parser.add_argument("--endpoint", help=hidden)
    parser.add_argument("--tree", type=Path, help=hidden)
    args = parser.parse_args()

    if args.phase:
        print(json.dumps(run_phase(args)))
        return
    with tempfile.TemporaryDirectory(prefix="publisher-bench-scale-") as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        Scale(args, work).main()


if __name__ == "__main__":
    main()
