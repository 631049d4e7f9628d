"""Benchmark: the load of a fleet of display screens on the nginx edge and the store, over a day.

    .venv/bin/python -m bench.screens_load [--schools 200] [--screens 10] [--speed 60]

2,000 screens (10 in each of 200 demo schools, in Riyadh and London) play the
display page's real polling schedule (bench/screen_model.py, checked against
the page in Chromium by tests/test_bench_screen_model.py) against Debian's
nginx running the shipped infra/nginx/publisher-edge.conf, in front of a moto
S3 server that logs every request it receives. The simulated day runs from
03:00 UTC, before the first Riyadh bell, to 00:30 UTC the next day, through
Riyadh's midnight (21:00 UTC) and London's (00:00 UTC) and every bell of every
school. Meanwhile the publisher runs as `publisher watch` would: a full pass
every simulated hour, with an admin's edit of a few schools at mid-day, each
followed by a refresh of the edge (`publisher.cdn.edges.refresh_edges`).

Time is compressed: the simulated clock runs `--speed` times faster than real
time, and the one thing the edge is told differently is its hour for manifests
and pages (`proxy_cache_valid 200 1h;` becomes 3600/speed seconds). Everything
is reported per simulated second and minute, beside the real rates the machine
handled. Processes: this one (the screens' asyncio client, on a fixed pool of
keep-alive connections), nginx, the moto server (`--phase origin`) and the
publisher (`--phase publisher`, niced: in production it runs on another host).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.edge_client import EdgeClient
from bench.screen_fleet import (
    Fleet,
    School,
    SimClock,
    Tally,
    local_midnights,
    make_school,
    make_screens,
)
from bench.screen_model import PageTiming
from bench.screens_report import Pass, Run, print_report, write_minutes
from testsupport.edge import EDGE_CONF, start_edge

ROOT = Path(__file__).resolve().parent.parent

BUCKET = "screens"
PREFIX = "site"
BATCH = 200
EDGE_LIFETIME = "proxy_cache_valid 200 1h;"
"""The shipped edge's hour for manifests, pages and sw.js: the one line scaled by `--speed`."""
NOTICE = "Benchmark notice: assembly moves to the hall today."
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
DEFAULT_START = "2026-11-23T03:00:00+00:00"  # a Monday: school in Riyadh and in London
DEFAULT_END = "2026-11-24T00:30:00+00:00"


# The edge: the shipped file, with its hour shortened to match the simulated clock.


def scaled_edge(conf: str, speed: float) -> str:
    """The shipped configuration with the edge's hour made 3600/speed real seconds.

    Only that lifetime is scaled: day files and assets are kept for a year
    either way, and the other timeouts concern the real network.
    """
    found = conf.count(EDGE_LIFETIME)
    if found != 1:
        raise SystemExit(
            f"{EDGE_CONF}: the line {EDGE_LIFETIME!r} (how long the edge keeps manifests and "
            f"pages) occurs {found} times, not once: this benchmark scales that hour to its "
            "simulated clock and cannot run against this configuration"
        )
    return conf.replace(EDGE_LIFETIME, f"proxy_cache_valid 200 {round(3600 / speed)}s;")


# `--phase origin`: the moto server, in a process of its own.


def phase_origin() -> None:
    """Serve S3 on 127.0.0.1 and log every request; print the endpoint, then obey stdin.

    `dump PATH` writes the requests received so far to PATH (JSON lines) and
    answers `done`; the end of stdin stops the server. A process of its own,
    so moto's interpreter does not compete with the screens' for one lock.
    """
    from bench.s3_counter import CountingMotoServer

    server = CountingMotoServer()
    server.start()
    print(server.endpoint, flush=True)
    for line in sys.stdin:
        command, _, path = line.strip().partition(" ")
        if command == "dump":
            with open(path, "w") as out:
                for received in list(server.counts.received):
                    out.write(json.dumps(dataclasses.asdict(received)) + "\n")
            print("done", flush=True)
    server.stop()


# `--phase publisher`: the publisher, answering one JSON command per line.


class PublisherWorker:
    """The library's publish run and edge refresh, as `publisher watch --refresh-edge` does them.

    Long-lived, so that each hourly pass costs what a watcher's pass costs and
    not an interpreter's start-up.
    """

    def __init__(self, database: Path, endpoint: str, edge_url: str) -> None:
        from publisher.config import PublishSettings
        from publisher.db import init_schema, open_engine, session_factory
        from publisher.page.build import current_page_build
        from publisher.stores import StoreOptions
        from publisher.stores.s3 import S3Store

        engine = open_engine(f"sqlite:///{database}")
        init_schema(engine)
        self.sessions = session_factory(engine)
        self.endpoint = endpoint
        self.edge_url = edge_url
        self.store = S3Store.open(
            f"s3://{BUCKET}/{PREFIX}", StoreOptions(endpoint_url=endpoint, path_style=True)
        )
        self.settings = PublishSettings()  # the defaults: 7 days, poll 60 s, max-age 60 s
        self.page = current_page_build()

    def load(self, schools: int, today: dt.date) -> dict[str, Any]:
        """`schools` demo schools for the week of `today`, and a bucket anyone may read."""
        from sqlalchemy import select

        from publisher.db import transaction
        from publisher.db.models import School as SchoolRow
        from publisher.db.save import save_schools
        from publisher.demo import demo_school

        for start in range(1, schools + 1, BATCH):
            batch = [demo_school(n, today) for n in range(start, min(start + BATCH, schools + 1))]
            with transaction(self.sessions) as session:
                save_schools(session, batch)
        self._make_bucket()
        with self.sessions() as session:
            rows = session.execute(select(SchoolRow.slug, SchoolRow.public_key, SchoolRow.timezone))
            found = [{"slug": s, "key": k, "timezone": z} for s, k, z in rows]
        return {"schools": found}

    def _make_bucket(self) -> None:
        """The bucket, readable by anyone, as a CDN's origin is (docs/deploy-self-hosted.md)."""
        client = self.store.client
        client.create_bucket(Bucket=BUCKET)
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
        policy = {"Version": "2012-10-17", "Statement": [statement]}
        client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))

    def publish(self, now: dt.datetime, slugs: Sequence[str] | None) -> dict[str, Any]:
        """One pass at simulated `now` over every school (or those named), then the refresh."""
        from sqlalchemy import select

        from publisher.cdn.edges import refresh_edges
        from publisher.db.load import all_school_ids
        from publisher.db.models import School as SchoolRow
        from publisher.errors import PublisherError
        from publisher.publish.run import publish

        with self.sessions() as session:
            if slugs is None:
                ids = all_school_ids(session)
            else:
                ids = list(session.scalars(select(SchoolRow.id).where(SchoolRow.slug.in_(slugs))))
        started = time.time()
        summary = publish(self.sessions, self.store, ids, now, self.settings, page=self.page)
        published = time.time()
        error = None
        if summary.mutable_written:
            try:
                refresh_edges([self.edge_url], summary.mutable_written)
            except PublisherError as problem:
                error = str(problem)
        return {
            "published": len(summary.published),
            "unchanged": len(summary.unchanged),
            "failed": summary.failed,
            "objects_written": summary.objects_written,
            "refreshed": len(set(summary.mutable_written)),
            "refresh_error": error,
            "started": started,
            "published_at": published,
            "ended": time.time(),
        }

    def edit(self, count: int, now: dt.datetime) -> dict[str, Any]:
        """An admin adds a notice for today to `count` schools spread over the list."""
        from publisher.build.source import AnnouncementRow
        from publisher.db import transaction
        from publisher.db.load import all_school_ids, load_schools
        from publisher.db.save import save_schools

        with transaction(self.sessions) as session:
            ids = all_school_ids(session)
            chosen = ids[:: max(1, len(ids) // count)][:count]
            edited = []
            for school in load_schools(session, chosen):
                today = now.astimezone(dt.UTC).astimezone(_zone(school.timezone)).date()
                notice = AnnouncementRow(NOTICE, today, today)
                announcements = (*school.announcements, notice)
                edited.append(dataclasses.replace(school, announcements=announcements).normalized())
            save_schools(session, edited)
        return {"slugs": [school.slug for school in edited]}


def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def phase_publisher(args: argparse.Namespace) -> None:
    """Answer each command line on stdin with one JSON line on stdout."""
    os.nice(10)  # in production the publisher has a host of its own: yield to the screens
    worker = PublisherWorker(args.database, args.endpoint, args.edge_url)
    for line in sys.stdin:
        command = json.loads(line)
        if command["do"] == "load":
            reply = worker.load(command["schools"], dt.date.fromisoformat(command["today"]))
        elif command["do"] == "publish":
            now = dt.datetime.fromisoformat(command["now"])
            reply = worker.publish(now, command.get("slugs"))
        elif command["do"] == "edit":
            reply = worker.edit(command["count"], dt.datetime.fromisoformat(command["now"]))
        else:
            raise SystemExit(f"unknown command {command!r}")
        print(json.dumps(reply), flush=True)


# The run: processes, edge, screens, publisher passes.


class Child:
    """A phase of this script in a process of its own, spoken to one line at a time."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, phase: str, *options: str, env: dict[str, str]) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __spec__.name,
            "--phase",
            phase,
            *options,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        return cls(process)

    async def line(self) -> str:
        assert self.process.stdout is not None
        answer = await self.process.stdout.readline()
        if not answer:
            raise SystemExit(
                f"a benchmark process ended early (status {await self.process.wait()})"
            )
        return answer.decode().strip()

    async def say(self, text: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode() + b"\n")
        await self.process.stdin.drain()
        return await self.line()

    async def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(await self.say(json.dumps(command)))
        return answer

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()


class LoadBench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.start = args.start.timestamp()
        self.end = args.end.timestamp()
        self.timing = PageTiming.from_page()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(CREDENTIALS)
        self.passes: list[Pass] = []

    async def main(self) -> Run:
        conf = scaled_edge(EDGE_CONF.read_text(), self.args.speed)  # fails before starting anything
        origin = await Child.start("origin", env=self.env)
        endpoint = await origin.line()
        with start_edge(
            endpoint,
            f"/{BUCKET}/{PREFIX}",
            self.work / "edge",
            transform=lambda _: conf,
            # Every client connection may land on one worker, besides its connections to the store.
            worker_connections=self.args.connections + 512,
        ) as edge:
            options = ["--database", str(self.work / "bench.db"), "--endpoint", endpoint]
            publisher = await Child.start(
                "publisher", *options, "--edge-url", edge.url, env=self.env
            )
            try:
                run = await self.run(publisher, edge.url)
            finally:
                await publisher.stop()
            run.origin_log = await self.origin_log(origin)
            await origin.stop()
            run.edge_log = edge.folder / "access.log"
            run.finish()  # reads the edge's log while its folder is still there
        return run

    async def run(self, publisher: Child, edge_url: str) -> Run:
        args = self.args
        progress(f"loading {args.schools} demo schools for {args.start.date()}")
        loaded = await publisher.ask(
            {"do": "load", "schools": args.schools, "today": args.start.date().isoformat()}
        )
        schools = [
            make_school(s["key"], s["slug"], s["timezone"], self.timing) for s in loaded["schools"]
        ]
        progress("first publish (every school, then the edge refreshed)")
        first = await publisher.ask({"do": "publish", "now": args.start.isoformat()})
        self.passes.append(Pass.from_reply(self.start, "first publish", first))
        screens = make_screens(schools, args.screens, self.start, args.warmup * 60, args.seed)
        warmup_end = self.start + args.warmup * 60
        tally = Tally(self.start, int(self.end - self.start), warmup_end)
        host, port = edge_url.removeprefix("http://").split(":")
        client = EdgeClient(host, int(port), args.connections)
        clock = SimClock(self.start, time.time(), args.speed)
        fleet = Fleet(client, clock, self.timing, tally, screens, self.end, self.assets())
        real_started = time.time()
        load_before = os.getloadavg()[0]
        progress(
            f"{len(screens)} screens from {args.start:%H:%M} to {args.end:%H:%M} UTC at "
            f"{args.speed:g} x: about {(self.end - self.start) / args.speed / 60:.0f} min"
        )
        publishing = asyncio.create_task(self.drive_publisher(publisher, clock))
        reporting = asyncio.create_task(report_progress(clock, tally, self.end))
        await fleet.run(self.check_instants(schools))
        await publishing
        reporting.cancel()
        client.close()
        return Run(
            args=args,
            clock=clock,
            tally=tally,
            screens=screens,
            schools=schools,
            passes=self.passes,
            timing=self.timing,
            real_seconds=time.time() - real_started,
            versions=versions(),
            load=(load_before, os.getloadavg()[0]),
        )

    def assets(self) -> list[str]:
        """Every asset of the page's build: the page loads some, and sw.js precaches them all."""
        from publisher.page import asset_build_hash, asset_files

        files = asset_files()
        build = asset_build_hash(files)
        return [f"/assets/{build}/{path}" for path in sorted(files)]

    def check_instants(self, schools: Sequence[School]) -> list[float]:
        """Every simulated minute, and the first instant of each local midnight in the span."""
        minutes = [float(t) for t in range(int(self.start) + 60, int(self.end), 60)]
        return sorted(set(minutes) | set(local_midnights(schools, self.start, self.end)))

    async def drive_publisher(self, publisher: Child, clock: SimClock) -> None:
        """A full pass every `--full-interval` simulated seconds, and the admin's edit."""
        args = self.args
        events = [
            (t, "pass")
            for t in range(int(self.start) + args.full_interval, int(self.end), args.full_interval)
        ]
        if args.edits:
            events.append((int(self.start + args.edit_after * 3600), "edit"))
        for at, what in sorted(events):
            await clock.sleep_until(at)
            now = dt.datetime.fromtimestamp(at, dt.UTC).isoformat()
            if what == "edit":
                edited = await publisher.ask({"do": "edit", "count": args.edits, "now": now})
                reply = await publisher.ask({"do": "publish", "now": now, "slugs": edited["slugs"]})
                self.passes.append(Pass.from_reply(at, f"admin edit of {args.edits}", reply))
            else:
                reply = await publisher.ask({"do": "publish", "now": now})
                self.passes.append(Pass.from_reply(at, "full pass", reply))

    async def origin_log(self, origin: Child) -> list[dict[str, Any]]:
        path = self.work / "origin.jsonl"
        await origin.say(f"dump {path}")
        with path.open() as lines:
            return [json.loads(line) for line in lines]


async def report_progress(clock: SimClock, tally: Tally, end: float) -> None:
    """A line on stderr every simulated hour, so a long run shows it is alive."""
    hour = 3600.0
    at = clock.start + hour
    while at < end:
        await clock.sleep_until(at)
        second = tally.second(at)
        requests = sum(tally.per_second[second - 3600 : second])
        lags = sorted(tally.lags[tally.phase(at)][-5000:]) or [0.0]
        progress(
            f"{dt.datetime.fromtimestamp(at, dt.UTC):%H:%M} UTC: {requests / 3600:.1f} edge "
            f"requests/s in the last simulated hour; recent lag p99 "
            f"{lags[int(len(lags) * 0.99)]:.2f} simulated s; {len(tally.blank)} blank"
        )
        at += hour


def progress(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def versions() -> str:
    import boto3
    import moto

    nginx = subprocess.run(["/usr/sbin/nginx", "-v"], capture_output=True, text=True).stderr
    return (
        f"Python {platform.python_version()}, boto3 {boto3.__version__}, moto {moto.__version__}, "
        f"{nginx.strip().removeprefix('nginx version: ')}, {os.cpu_count()} CPUs"
    )


def utc(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text}: give a time zone, e.g. {DEFAULT_START}")
    return value.astimezone(dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=200, help="demo schools")
    parser.add_argument("--screens", type=int, default=10, help="screens per school")
    parser.add_argument(
        "--speed", type=float, default=60.0, help="simulated seconds per real second"
    )
    parser.add_argument("--start", type=utc, default=utc(DEFAULT_START), help="simulated start")
    parser.add_argument("--end", type=utc, default=utc(DEFAULT_END), help="simulated end")
    parser.add_argument(
        "--warmup", type=float, default=20.0, help="simulated minutes over which screens switch on"
    )
    parser.add_argument(
        "--full-interval",
        type=int,
        default=3600,
        help="simulated seconds between the publisher's passes over every school",
    )
    parser.add_argument("--edits", type=int, default=5, help="schools the admin edits (0: none)")
    parser.add_argument(
        "--edit-after", type=float, default=6.5, help="simulated hours from the start to the edit"
    )
    parser.add_argument(
        "--connections", type=int, default=1024, help="keep-alive connections the screens share"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the screens' random draws")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--minutes", type=Path, help="also write every simulated minute's rates to this CSV file"
    )
    hidden = argparse.SUPPRESS
    parser.add_argument("--phase", help=hidden)
    parser.add_argument("--database", type=Path, help=hidden)
    parser.add_argument("--endpoint", help=hidden)
    parser.add_argument("--edge-url", help=hidden)
    args = parser.parse_args()

    if args.phase == "origin":
        phase_origin()
        return
    if args.phase == "publisher":
        phase_publisher(args)
        return
    if args.end <= args.start:
        parser.error("--end must come after --start")
    with tempfile.TemporaryDirectory(prefix="publisher-bench-screens-") as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        started = time.time()
        run = asyncio.run(LoadBench(args, work).main())
        run.wall_seconds = time.time() - started
        print_report(run)
        if args.minutes:
            write_minutes(run, args.minutes)


if __name__ == "__main__":
    main()
