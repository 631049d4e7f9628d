"""Benchmark: publishing demo schools to a local moto S3 server, beside aws, rclone and raw boto3.

    .venv/bin/python -m bench.publish_s3 [--schools 2000] [--days 3] [--pairs 3]

Our runs go through the real command line (`cli.py publish --all`) against a
moto server on 127.0.0.1 that counts every request it receives. The same
database is also published to a folder, and that tree is uploaded with
`aws s3 sync`, `rclone sync --checksum` and a plain boto3 thread pool (the
server's ceiling), each into its own bucket on the same server.

Scenarios, in this order: full publish (ours and the raw upload back to back,
`--pairs` times, each into an empty bucket: a shared machine's speed drifts by
tens of percent within minutes, so the verdict is the median of the pairs);
no-op; (sync tools) the tree rendered again from scratch, same bytes with new
mtimes; 1% of schools changed on one date; (ours) the nightly re-import of
unchanged data, every revision bumped with the content unchanged, and the
publish record lost. Every step that needs
the library (load, change, re-import) runs in a fresh process, so memory stays
that of one batch and the server's process only serves requests.

The command line reads the clock: a run that crosses a school's local midnight
shifts its window and is reported as invalid.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from bench.s3_counter import CountingMotoServer, Counts

ROOT = Path(__file__).resolve().parent.parent

CLI = ROOT / "cli.py"
BATCH = 200
CONCURRENCY = 16
SKIPPED = "skipped (not installed: apt-get install awscli rclone)"
NOTICE = "Benchmark notice: the canteen opens late today."
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_PAGER": "",
}
BUCKETS = {"ours": "bench1", "aws": "bench2", "rclone": "bench3", "raw": "bench4"}


# Steps that use the library, each run in its own process (`--phase NAME`).


def phase_load(url: str, schools: int, today: dt.date, first: int = 1) -> dict[str, Any]:
    """Demo schools `first` to `schools` into the database at `url`, 200 per transaction;
    from the first, the schema too."""
    from publisher.db import init_schema, open_engine, session_factory, transaction
    from publisher.db.save import save_schools
    from publisher.demo import demo_school

    engine = open_engine(url)
    if first == 1:
        init_schema(engine)
    sessions = session_factory(engine)
    for start in range(first, schools + 1, BATCH):
        batch = [demo_school(n, today) for n in range(start, min(start + BATCH, schools + 1))]
        with transaction(sessions) as session:
            save_schools(session, batch)
    return {"schools": schools}


def with_notice(data: Any, date: dt.date) -> Any:
    """A school with one more announcement, shown on `date` only: one day file changes."""
    from publisher.build.source import AnnouncementRow

    notice = AnnouncementRow(NOTICE, date, date)
    return dataclasses.replace(data, announcements=(*data.announcements, notice)).normalized()


def phase_change(url: str, count: int, date: dt.date) -> dict[str, Any]:
    """Give `count` schools, spread over the id range, a notice on `date`."""
    from sqlalchemy import select

    from publisher.db import open_engine, session_factory, transaction
    from publisher.db.load import all_school_ids, load_schools
    from publisher.db.models import School
    from publisher.db.save import save_schools

    sessions = session_factory(open_engine(url))
    with transaction(sessions) as session:
        ids = all_school_ids(session)
        chosen = ids[:: max(1, len(ids) // count)][:count]
        saved = save_schools(session, [with_notice(s, date) for s in load_schools(session, chosen)])
        rows = session.execute(select(School.slug, School.public_key).where(School.id.in_(chosen)))
        keys = {slug: key for slug, key in rows}
    return {"changed": saved.changed, "keys": keys, "date": date.isoformat()}


def phase_reimport(
    database: Path, schools: int, today: dt.date, noticed: list[str], date: dt.date
) -> dict[str, Any]:
    """Save every school again as the nightly import would: the same data as already stored."""
    from publisher.db import open_engine, session_factory, transaction
    from publisher.db.save import SaveCounts, save_schools
    from publisher.demo import demo_school

    sessions = session_factory(open_engine(f"sqlite:///{database}"))
    total = SaveCounts()
    for start in range(1, schools + 1, BATCH):
        batch = [demo_school(n, today) for n in range(start, min(start + BATCH, schools + 1))]
        batch = [with_notice(s, date) if s.slug in noticed else s for s in batch]
        with transaction(sessions) as session:
            total += save_schools(session, batch)
    return dataclasses.asdict(total)


def phase_sql(database: Path, statements: list[str]) -> dict[str, Any]:
    with sqlite3.connect(database) as connection:
        changed = [connection.execute(sql).rowcount for sql in statements]
    return {"rows": changed}


def phase_raw(endpoint: str, bucket: str, tree: Path) -> dict[str, Any]:
    """Upload every file of `tree` with put_object from 16 threads sharing one client."""
    import boto3
    from botocore.config import Config

    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, config=Config(max_pool_connections=CONCURRENCY + 4)
    )
    files = [
        (path.relative_to(tree).as_posix(), path.read_bytes())
        for path in sorted(tree.rglob("*"))
        if path.is_file()
    ]

    def put(item: tuple[str, bytes]) -> None:
        client.put_object(Bucket=bucket, Key=item[0], Body=item[1], ContentType="application/json")

    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(put, files))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"objects": len(files), "seconds": seconds, "cpu": cpu}


# The orchestration: server, timed commands, figures.


def pair_ratios(ours: Row, raw: Row) -> tuple[float, float, float]:
    """Our PUT rate over the raw upload's: whole process, command's own time, store's view."""
    raw_rate = raw.counts["PUT"] / raw.seconds  # type: ignore[operator]
    return (
        ours.counts["PUT"] / ours.seconds / raw_rate,  # type: ignore[operator]
        ours.counts["PUT"] / ours.inside / raw_rate,  # type: ignore[operator]
        ours.store_rate / raw.store_rate,
    )


@dataclass
class Row:
    scenario: str
    tool: str
    seconds: float | None = None
    counts: Counts = field(default_factory=Counts)
    rss_mib: float | None = None
    note: str = ""
    inside: float | None = None  # seconds the command line itself reports (no start-up)
    client_cpu: float | None = None  # user + system seconds of the client process
    server_cpu: float | None = None  # of the server (this process, idle otherwise)

    @property
    def put_rate(self) -> float | None:
        """PUT requests per wall second; only where there are enough to make a rate."""
        if not self.seconds or self.counts["PUT"] < 100:
            return None
        return self.counts["PUT"] / self.seconds

    @property
    def put_seconds(self) -> float:
        """From the first PUT to the last, as the server received them."""
        times = [r.at for r in self.counts.received if r.kind == "PUT"]
        return max(times) - min(times)

    @property
    def store_rate(self) -> float:
        """PUT requests per second from the first PUT to the last: the rate the store saw."""
        return self.counts["PUT"] / self.put_seconds

    @property
    def server_busy(self) -> float:
        """The server's share of one CPU from the first PUT to the last."""
        return (self.server_cpu or 0.0) / self.put_seconds

    @property
    def requests(self) -> int:
        return sum(self.counts.kinds.values())


@dataclass
class Finished:
    seconds: float
    stdout: str
    rss_mib: float
    cpu: float
    server_cpu: float


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.database = work / "bench.db"
        self.tree_database = work / "tree.db"
        self.fresh_database = work / "fresh.db"  # as loaded, for the extra full-publish pairs
        self.tree = work / "tree"
        self.server = CountingMotoServer()
        self.rows: list[Row] = []
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "RCLONE_")) and k != "PUBLISHER_TARGET"
        }
        self.env.update(CREDENTIALS)
        self.env["AWS_CONFIG_FILE"] = str(work / "aws-config")
        self.env["AWS_SHARED_CREDENTIALS_FILE"] = str(work / "no-credentials-file")
        (work / "aws-config").write_text(
            f"[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = {CONCURRENCY}\n"
        )
        self.cpus = sorted(os.sched_getaffinity(0))
        self.aws = _tool(args.aws, "aws", ["--version"])
        self.rclone = _tool(args.rclone, "rclone", ["version"])

    # Running things.

    def pin_server(self) -> None:
        """Give the server (this process) one CPU and every client the others.

        On a small machine the server and a client otherwise fight over the
        same cores, and whichever client needs more CPU of its own (ours plans
        while it uploads) is measured against the server's appetite as much as
        its own. Moto serves from one interpreter, so one core is what it uses.
        """
        if len(self.cpus) >= 2:
            os.sched_setaffinity(0, self.cpus[:1])

    def client_cpus(self) -> None:
        """Run in each client process before it starts (`preexec_fn`)."""
        if len(self.cpus) >= 2:
            os.sched_setaffinity(0, self.cpus[1:])

    def run(self, argv: list[str], env: dict[str, str] | None = None) -> Finished:
        return run_command(argv, env or self.env, self.client_cpus)

    def phase(self, name: str, **options: Any) -> dict[str, Any]:
        argv = [sys.executable, "-m", __spec__.name, "--phase", name]
        for key, value in options.items():
            argv += [f"--{key.replace('_', '-')}", str(value)]
        return json.loads(self.run(argv).stdout)  # type: ignore[no-any-return]

    def publish(
        self, database: Path, target: str, select: str = "--all"
    ) -> tuple[Finished, dict[str, Any]]:
        argv = [sys.executable, str(CLI), "publish", select, "--days", str(self.args.days)]
        argv += ["--database", f"sqlite:///{database}", "--target", target, "--json"]
        if target.startswith("s3://"):
            argv += ["--endpoint-url", self.server.endpoint, "--concurrency", str(CONCURRENCY)]
        finished = self.run(argv)
        return finished, json.loads(finished.stdout)

    def counted(self, scenario: str, tool: str, argv: list[str], env: dict[str, str]) -> Row:
        self.server.reset()
        finished = self.run(argv, env)
        row = Row(scenario, tool, finished.seconds, self.server.reset(), finished.rss_mib)
        row.client_cpu, row.server_cpu = finished.cpu, finished.server_cpu
        self.rows.append(row)
        return row

    # The tools.

    def ours(
        self,
        scenario: str,
        note: str = "",
        select: str = "--all",
        database: Path | None = None,
        bucket: str = BUCKETS["ours"],
    ) -> Row:
        self.server.reset()
        finished, summary = self.publish(database or self.database, f"s3://{bucket}", select)
        counts = self.server.reset()
        note = note or f"{summary['counts']['objects_written']} objects written"
        tool = f"publisher publish {select}"
        row = Row(scenario, tool, finished.seconds, counts, finished.rss_mib, note)
        row.inside = summary["seconds"]
        row.client_cpu, row.server_cpu = finished.cpu, finished.server_cpu
        if database is None:
            self.rows.append(row)
        return row

    def aws_sync(self, scenario: str) -> Row | None:
        if self.aws is None:
            self.rows.append(Row(scenario, "aws s3 sync", note=SKIPPED))
            return None
        argv = [self.aws, "s3", "sync", str(self.tree), f"s3://{BUCKETS['aws']}/"]
        argv += ["--endpoint-url", self.server.endpoint, "--only-show-errors", "--no-progress"]
        return self.counted(scenario, "aws s3 sync", argv, self.env)

    def rclone_sync(self, scenario: str, fast_list: bool = False) -> Row | None:
        tool = "rclone sync --checksum" + (" --fast-list" if fast_list else "")
        if self.rclone is None:
            self.rows.append(Row(scenario, tool, note=SKIPPED))
            return None
        env = dict(self.env, RCLONE_CONFIG=str(self.work / "rclone.conf"))
        env.update(
            RCLONE_CONFIG_MOTO_TYPE="s3",
            RCLONE_CONFIG_MOTO_PROVIDER="Other",
            RCLONE_CONFIG_MOTO_ENDPOINT=self.server.endpoint,
            RCLONE_CONFIG_MOTO_ACCESS_KEY_ID=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            RCLONE_CONFIG_MOTO_REGION="us-east-1",
        )
        argv = [self.rclone, "sync", "--checksum", "--transfers", str(CONCURRENCY)]
        argv += ["--fast-list"] if fast_list else []
        argv += [str(self.tree), f"moto:{BUCKETS['rclone']}"]
        return self.counted(scenario, tool, argv, env)

    def raw(self, scenario: str, bucket: str = BUCKETS["raw"]) -> Row:
        self.server.reset()
        server_cpu = time.process_time()
        result = self.phase("raw", endpoint=self.server.endpoint, bucket=bucket, tree=self.tree)
        server_cpu = time.process_time() - server_cpu
        row = Row(
            scenario, "boto3 put_object x16 (ceiling)", result["seconds"], self.server.reset()
        )
        row.note = "wall and client CPU: the upload loop alone (files read beforehand)"
        row.client_cpu, row.server_cpu = result["cpu"], server_cpu
        if bucket == BUCKETS["raw"]:
            self.rows.append(row)
        return row

    def pair(self, number: int) -> tuple[Row, Row]:
        """One more full publish and raw upload, back to back, each into an empty bucket."""
        database = self.work / "pair.db"
        shutil.copyfile(self.fresh_database, database)
        buckets = f"pair{number}-ours", f"pair{number}-raw"
        for bucket in buckets:
            self.client.create_bucket(Bucket=bucket)
        scenario = f"full publish, pair {number}"
        return (
            self.ours(scenario, database=database, bucket=buckets[0]),
            self.raw(scenario, bucket=buckets[1]),
        )

    def render_tree(self) -> None:
        """Publish the tree database to the folder the sync tools upload (not counted)."""
        self.publish(self.tree_database, f"file://{self.tree}")

    # The run.

    def main(self) -> None:
        args = self.args
        today = dt.datetime.now(dt.UTC).date()
        self.load_start = os.getloadavg()[0]
        print(f"Loading {args.schools} demo schools ...", file=sys.stderr)
        loaded = self.run(
            [
                sys.executable,
                "-m",
                __spec__.name,
                "--phase",
                "load",
                "--database",
                str(self.database),
            ]
            + ["--schools", str(args.schools), "--today", today.isoformat()]
        )
        shutil.copyfile(self.database, self.tree_database)
        shutil.copyfile(self.database, self.fresh_database)
        dates_before = self.local_dates()
        minutes, zone = self.minutes_to_midnight()
        if minutes < 30:
            print(
                f"Warning: local midnight in {zone} is {minutes:.0f} minutes away; "
                "a run that crosses it is invalid",
                file=sys.stderr,
            )

        self.pin_server()
        self.server.start()
        try:
            self.measure(today, loaded, dates_before)
        finally:
            self.server.stop()

    def measure(self, today: dt.date, loaded: Finished, dates_before: dict[str, dt.date]) -> None:
        args = self.args
        import boto3

        self.client = boto3.session.Session(
            aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1"
        ).client("s3", endpoint_url=self.server.endpoint)
        for bucket in BUCKETS.values():
            self.client.create_bucket(Bucket=bucket)
        self.server.reset()

        self.render_tree()
        files = [p for p in self.tree.rglob("*") if p.is_file()]
        tree_line = (
            f"{args.schools} schools x {args.days} days: {len(files):,} objects, "
            f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB; load took {loaded.seconds:.0f} s"
        )
        print(tree_line, file=sys.stderr)

        step = "full publish"
        pairs = [(self.ours(step), self.raw(step))]
        self.aws_sync(step)
        self.rclone_sync(step)
        pairs += [self.pair(number) for number in range(2, args.pairs + 1)]

        step = "no-op"
        self.ours(step)
        self.ours(step, select="--changed")
        self.aws_sync(step)
        self.rclone_sync(step)
        self.rclone_sync(step, fast_list=True)

        step = "tree rendered again, same bytes"
        self.forget(self.tree_database)
        shutil.rmtree(self.tree)
        self.render_tree()
        self.aws_sync(step)
        self.rclone_sync(step)

        step = "1% of schools changed"
        count = max(1, args.schools // 100)
        tomorrow = today + dt.timedelta(days=1)
        changed = self.phase("change", database=self.database, count=count, date=tomorrow)
        self.phase("change", database=self.tree_database, count=count, date=tomorrow)
        one_percent = self.ours(step)
        self.render_tree()
        self.aws_sync(step)
        self.rclone_sync(step)

        step = "nightly re-import, unchanged"
        saved = self.phase(
            "reimport", database=self.database, schools=args.schools, today=today,
            noticed=",".join(changed["keys"]), date=tomorrow,
        )  # fmt: skip
        self.ours(step, note=f"re-import saved {saved['changed']} changed schools")

        step = "rebuild: publish record lost"
        self.forget(self.database)
        lost = self.ours(step)

        step = "rebuild: every revision +1"
        self.phase("sql", database=self.database, sql="UPDATE schools SET revision = revision + 1")
        bumped = self.ours(step)

        dates_after = self.local_dates()
        crossed = dates_before != dates_after
        self.report(tree_line, pairs, changed, one_percent, lost, bumped, crossed)

    def forget(self, database: Path) -> None:
        self.phase(
            "sql", database=database,
            sql="DELETE FROM published_objects;DELETE FROM publish_state",
        )  # fmt: skip

    def local_dates(self) -> dict[str, dt.date]:
        with sqlite3.connect(self.database) as connection:
            zones = [z for (z,) in connection.execute("SELECT DISTINCT timezone FROM schools")]
        now = dt.datetime.now(dt.UTC)
        return {zone: now.astimezone(ZoneInfo(zone)).date() for zone in zones}

    def minutes_to_midnight(self) -> tuple[float, str]:
        """Minutes until the next local midnight of any school, and its zone."""
        now = dt.datetime.now(dt.UTC)
        soonest = []
        for zone in self.local_dates():
            local = now.astimezone(ZoneInfo(zone))
            midnight = dt.datetime.combine(
                local.date() + dt.timedelta(days=1), dt.time(), ZoneInfo(zone)
            )
            soonest.append(((midnight - local).total_seconds() / 60, zone))
        return min(soonest)

    # The figures.

    def report(
        self,
        tree_line: str,
        pairs: list[tuple[Row, Row]],
        changed: dict[str, Any],
        one_percent: Row,
        lost: Row,
        bumped: Row,
        midnight_crossed: bool,
    ) -> None:
        print(tree_line)
        print(f"tools: {self.versions()}")
        print(
            f"{os.cpu_count()} CPUs; load average at the start {self.load_start:.1f}, "
            f"at the end {os.getloadavg()[0]:.1f}"
        )
        header = ["scenario", "tool", "wall s", "PUT", "GET", "HEAD", "LIST", "other"]
        header += ["MB sent", "PUT/s", "client CPU s", "server CPU s", "peak RSS MiB"]
        print("| " + " | ".join(header) + " |")
        print("|---|---|" + "---:|" * (len(header) - 2))
        for row in self.rows:
            if row.seconds is None:
                print(f"| {row.scenario} | {row.tool} | {row.note} |" + " |" * (len(header) - 3))
                continue
            c = row.counts
            cells = [
                row.scenario,
                row.tool,
                f"{row.seconds:.1f}",
                *(f"{c[k]:,}" for k in ("PUT", "GET", "HEAD", "LIST")),
                f"{c['DELETE'] + c['other']:,}",
                f"{c.body_bytes / 1e6:.1f}",
                f"{row.put_rate:.0f}" if row.put_rate else "-",
                f"{row.client_cpu:.1f}" if row.client_cpu is not None else "-",
                f"{row.server_cpu:.1f}" if row.server_cpu is not None else "-",
                f"{row.rss_mib:.0f}" if row.rss_mib else "-",
            ]
            print("| " + " | ".join(cells) + " |")
        print()
        for row in self.rows:
            if row.seconds is not None and (row.note or row.counts["other"]):
                odd = {k: v for k, v in row.counts.statuses.items() if k.split()[1][0] != "2"}
                detail = f"; non-2xx responses: {dict(odd)}" if odd else ""
                if row.counts["PUT"]:
                    detail += f"; PUTs: {put_breakdown(row.counts.put_keys)}"
                print(
                    f"{row.scenario} / {row.tool}: {row.note or '-'}; other: "
                    f"{row.counts['other']} + DELETE {row.counts['DELETE']}{detail}"
                )
        print()
        self.report_pairs(pairs)
        print()
        for line in self.targets(pairs, changed, one_percent, lost, bumped):
            print(line)
        if midnight_crossed:
            print(
                "INVALID: a school's local date changed during the run, so its window moved; "
                "run again away from local midnight"
            )

    def report_pairs(self, pairs: list[tuple[Row, Row]]) -> None:
        """Each full publish beside the raw upload run right after it.

        Rates three ways: over our whole process (start-up included) against the
        raw upload loop; over the time our command reports; and as the server
        saw both, from first PUT to last. "Server busy" is the server's CPU
        over that span: how well each client keeps it fed.
        """
        header = ["pair", "ours wall s", "ours command s", "ours first-last PUT s"]
        header += ["raw first-last PUT s", "ours / raw: wall", "command", "first-last PUT"]
        header += ["server busy: ours", "raw"]
        print("| " + " | ".join(header) + " |")
        print("|" + "---:|" * len(header))
        for number, (ours, raw) in enumerate(pairs, 1):
            ratios = pair_ratios(ours, raw)
            cells = [str(number), f"{ours.seconds:.1f}", f"{ours.inside:.1f}"]
            cells += [f"{ours.put_seconds:.1f}", f"{raw.put_seconds:.1f}"]
            cells += [f"{ratio:.0%}" for ratio in ratios]
            cells += [f"{ours.server_busy:.0%}", f"{raw.server_busy:.0%}"]
            print("| " + " | ".join(cells) + " |")

    def find(self, scenario: str, tool: str) -> Row | None:
        for row in self.rows:
            if row.scenario == scenario and row.tool.startswith(tool) and row.seconds is not None:
                return row
        return None

    def targets(
        self,
        pairs: list[tuple[Row, Row]],
        changed: dict[str, Any],
        one_percent: Row,
        lost: Row,
        bumped: Row,
    ) -> list[str]:
        lines = []
        noop = self.find("no-op", "publisher publish --all")
        rclone = self.find("no-op", "rclone sync --checksum")
        fast = self.find("no-op", "rclone sync --checksum --fast-list")
        assert noop is not None
        if rclone is None:
            lines.append(f"no-op: NOTE {noop.requests} requests, {noop.seconds:.1f} s; {SKIPPED}")
        else:
            quiet = noop.requests == 0
            faster = noop.seconds <= rclone.seconds  # type: ignore[operator]
            verdict = "PASS" if quiet and faster else "FAIL"
            line = (
                f"no-op: {verdict}: {noop.requests} requests to the store, {noop.seconds:.1f} s; "
                f"rclone --checksum {rclone.requests} requests ({rclone.counts['LIST']} LIST), "
                f"{rclone.seconds:.1f} s"
            )
            if fast is not None:
                line += (
                    f"; with --fast-list {fast.requests} requests ({fast.counts['LIST']} LIST), "
                    f"{fast.seconds:.1f} s"
                )
            lines.append(line)

        keys = changed["keys"].values()
        date = changed["date"]
        puts = [k.partition("/")[2] for k in one_percent.counts.put_keys]
        days = sorted(k for k in puts if "/days/" in k)
        manifests = sorted(k for k in puts if k.endswith("/manifest.json"))
        expected_manifests = sorted(f"schools/{k}/manifest.json" for k in keys)
        expected_days = all(
            sum(d.startswith(f"schools/{k}/days/{date}-") for d in days) == 1 for k in keys
        )
        exact = (
            expected_days
            and len(days) == len(keys)
            and manifests == expected_manifests
            and len(puts) == len(days) + len(manifests)
            and one_percent.counts["GET"] + one_percent.counts["LIST"] == 0
        )
        lines.append(
            f"1% changed: {'PASS' if exact else 'FAIL'}: {len(puts)} PUTs = {len(days)} day files "
            f"+ {len(manifests)} manifests of the {len(keys)} changed schools; besides: "
            f"{one_percent.counts['HEAD']} HEAD (bucket check), "
            f"{one_percent.counts['other'] + one_percent.counts['DELETE']} requests of the "
            "If-None-Match probe"
        )

        ratios = [pair_ratios(ours, raw) for ours, raw in pairs]
        wall, command, store = (median(r[i] for r in ratios) for i in range(3))
        lines.append(
            f"full publish: {'PASS' if store >= 0.9 else 'FAIL'}: median of {len(pairs)} pairs, "
            f"our PUT rate = {store:.0%} of the raw upload's as the store saw them (first PUT "
            f"to last); {command:.0%} over the time our command reports, {wall:.0%} over our "
            "whole process (interpreter start-up included) against the raw upload loop"
        )

        reimport = self.find("nightly re-import, unchanged", "publisher publish --all")
        aws = self.find("tree rendered again, same bytes", "aws")
        rclone_again = self.find("tree rendered again, same bytes", "rclone")
        assert reimport is not None
        verdict = "PASS" if reimport.counts["PUT"] == 0 else "FAIL"
        line = (
            f"rebuild, unchanged content: {verdict} for the nightly re-import "
            f"({reimport.counts['PUT']} PUTs, {reimport.requests} requests); NOTE revisions "
            f"bumped: {bumped.counts['PUT']} PUTs; NOTE publish record lost: "
            f"{lost.counts['PUT']} PUTs ({lost.counts.statuses['PUT 412']} refused with 412, "
            f"{lost.counts.body_bytes / 1e6:.1f} MB sent)"
        )
        if aws is not None:
            line += f"; aws s3 sync re-sent {aws.counts['PUT']}"
        if rclone_again is not None:
            line += f", rclone --checksum {rclone_again.counts['PUT']}"
        lines.append(line)
        return lines

    def versions(self) -> str:
        import boto3
        import moto

        parts = [f"Python {sys.version.split()[0]}", f"boto3 {boto3.__version__}"]
        parts.append(f"moto {moto.__version__}")
        tools = (("aws", self.aws, "--version"), ("rclone", self.rclone, "version"))
        for name, path, flag in tools:
            if path is None:
                parts.append(f"{name} not installed")
            else:
                output = subprocess.run([path, flag], capture_output=True, text=True, env=self.env)
                parts.append((output.stdout or output.stderr).splitlines()[0].strip())
        return ", ".join(parts)


def run_command(argv: list[str], env: dict[str, str], preexec: Callable[[], None]) -> Finished:
    """Run a command to the end; its wall seconds, stdout, peak RSS and CPU seconds,
    and this process's CPU seconds meanwhile (the server's, when it runs here).

    The peak RSS is read from /proc while the command runs: a child's own
    ru_maxrss starts at this process's size (fork), which the server inflates.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        server_cpu = time.process_time()
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, preexec_fn=preexec)
        peak_kib = 0
        while True:
            peak_kib = max(peak_kib, _peak_rss_kib(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        server_cpu = time.process_time() - server_cpu
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {process.returncode}:\n{stderr[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Finished(seconds, stdout, peak_kib / 1024, cpu, server_cpu)


def put_breakdown(keys: list[str]) -> str:
    """How many of the PUT keys ("bucket/key") were day files, manifests, pages, alert
    objects and shared objects."""
    kinds = dict.fromkeys(("day files", "manifests", "pages", "alert objects"), 0)
    kinds["shared page objects"] = 0
    for key in keys:
        if "/days/" in key:
            kinds["day files"] += 1
        elif key.endswith("/manifest.json"):
            kinds["manifests"] += 1
        elif key.endswith("/index.html"):
            kinds["pages"] += 1
        elif key.endswith("/alert.json"):
            kinds["alert objects"] += 1
        else:
            kinds["shared page objects"] += 1
    return ", ".join(f"{n} {kind}" for kind, n in kinds.items() if n)


def _peak_rss_kib(pid: int) -> int:
    """The process's peak RSS so far (VmHWM), 0 when it has already gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tool(given: str | None, name: str, probe: list[str]) -> str | None:
    """The tool's path when it is installed and runs."""
    path = given or shutil.which(name)
    if path is None:
        return None
    try:
        subprocess.run([path, *probe], capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return path


def run_phase(args: argparse.Namespace) -> dict[str, Any]:
    if args.phase == "load":
        return phase_load(f"sqlite:///{args.database}", args.schools, args.today)
    if args.phase == "change":
        return phase_change(f"sqlite:///{args.database}", args.count, args.date)
    if args.phase == "reimport":
        noticed = args.noticed.split(",") if args.noticed else []
        return phase_reimport(args.database, args.schools, args.today, noticed, args.date)
    if args.phase == "sql":
        return phase_sql(args.database, args.sql.split(";"))
    if args.phase == "raw":
        return phase_raw(args.endpoint, args.bucket, args.tree)
    raise SystemExit(f"unknown phase {args.phase}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument(
        "--pairs", type=int, default=3,
        help="full publishes, each beside a raw upload, whose median is the verdict (default 3)",
    )  # fmt: skip
    parser.add_argument("--aws", help="the aws command to run (default: aws on PATH)")
    parser.add_argument("--rclone", help="the rclone command to run (default: rclone on PATH)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    hidden = argparse.SUPPRESS
    parser.add_argument("--phase", help=hidden)
    parser.add_argument("--database", type=Path, help=hidden)
    parser.add_argument("--today", type=dt.date.fromisoformat, help=hidden)
    parser.add_argument("--date", type=dt.date.fromisoformat, help=hidden)
    parser.add_argument("--count", type=int, help=hidden)
    parser.add_argument("--noticed", help=hidden)
    parser.add_argument("--sql", help=hidden)
    parser.add_argument("--endpoint", help=hidden)
    parser.add_argument("--bucket", help=hidden)
    parser.add_argument("--tree", type=Path, help=hidden)
    args = parser.parse_args()

    if args.phase:
        print(json.dumps(run_phase(args)))
        return
    with tempfile.TemporaryDirectory(prefix="publisher-bench-s3-") as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        Bench(args, work).main()


if __name__ == "__main__":
    main()
