"""Benchmark: how long an urgent alert takes to reach 2,000 screens through the nginx edge.

    .venv/bin/python -m bench.alert_latency [--schools 200] [--screens 10] [--rounds 2]

200 demo schools are published to a moto S3 server, behind Debian's nginx
running the shipped infra/nginx/publisher-edge.conf unchanged (it keeps alert
objects an hour, like manifests). 2,000 simulated screens, in real time, poll
their school's alert object as the page does (every `alert_poll_ms` plus up to
`alert_jitter_ms`, whole, past any cache) and their manifest every
`poll_interval` plus the school's offset and jitter (revalidated by ETag).
After a warm-up, the real command runs, as an operator would type it:

    publisher alert --all TEXT --refresh-edge EDGE     (then, later, --clear --all)

and each screen's latency is the time from the command's exit to the answer of
its first poll that carries the new state: the page draws the takeover (or
takes it down) as that answer arrives. The figures are per event: median, p90,
p99 and the slowest screen. Meanwhile every request is counted at the edge (its
X-Cache-Status) and at the store (the edge's GETs, split into those made for
screens and the publisher's refreshes), so the report also gives what the
alert poll costs in requests per second and the edge's hit ratio with it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.edge_client import EdgeClient, RequestFailed
from bench.screens_load import BUCKET, CREDENTIALS, PREFIX, Child
from testsupport.edge import start_edge

TEXTS = ("Lockdown: stay in your classrooms", "Fire drill: leave by the nearest exit")


@dataclass
class Screen:
    key: str  # its school's public key
    number: int
    offset_s: float  # the school's manifest offset, as the page computes it
    seen: bytes = b""  # the last alert object's body


@dataclass
class Event:
    """One command and when each screen saw its result."""

    name: str
    expect: str  # the alert text the screens must show; "" for a clear
    started: float = 0.0
    exited: float = 0.0
    status: int = 0
    seen_at: dict[int, float] = field(default_factory=dict)  # screen index -> answer time


@dataclass
class Tally:
    """The screens' requests by (kind, X-Cache-Status), after the warm-up and in all."""

    warmup_end: float
    after: Counter[tuple[str, str]] = field(default_factory=Counter)
    whole: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    def add(self, sent: float, kind: str, cache: str) -> None:
        self.whole[(kind, cache)] += 1
        if sent >= self.warmup_end:
            self.after[(kind, cache)] += 1


class AlertBench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        from publisher.page import TIMING

        self.args = args
        self.work = work
        self.timing = TIMING
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PUBLISHER_"))}
        self.env.update(CREDENTIALS)
        self.events: list[Event] = []
        self.current: Event | None = None
        self.random = random.Random(args.seed)

    async def main(self) -> None:
        origin = await Child.start("origin", env=self.env)
        endpoint = await origin.line()
        with start_edge(
            endpoint,
            f"/{BUCKET}/{PREFIX}",
            self.work / "edge",
            transform=follow_max_age if self.args.follow_max_age else None,
            worker_connections=self.args.connections + 512,
        ) as edge:
            database = self.work / "bench.db"
            options = ["--database", str(database), "--endpoint", endpoint]
            publisher = await Child.start(
                "publisher", *options, "--edge-url", edge.url, env=self.env
            )
            today = dt.datetime.now(dt.UTC)
            progress(f"loading and publishing {self.args.schools} demo schools")
            loaded = await publisher.ask(
                {"do": "load", "schools": self.args.schools, "today": today.date().isoformat()}
            )
            await publisher.ask({"do": "publish", "now": today.isoformat()})
            await publisher.stop()
            keys = [school["key"] for school in loaded["schools"]]
            command = [
                sys.executable, "-m", "publisher", "alert", "--all", "-q",
                "--database", f"sqlite:///{database}",
                "--target", f"s3://{BUCKET}/{PREFIX}", "--endpoint-url", endpoint, "--path-style",
                "--refresh-edge", edge.url,
            ]  # fmt: skip
            self.load_before = os.getloadavg()[0]
            await self.run(edge.url, keys, command)
            self.load_after = os.getloadavg()[0]
            self.origin = await origin_log(origin, self.work / "origin.jsonl")
            await origin.stop()
        self.report()

    async def run(self, edge_url: str, keys: list[str], command: list[str]) -> None:
        args = self.args
        host, port = edge_url.removeprefix("http://").split(":")
        client = EdgeClient(host, int(port), args.connections)
        self.started = time.time()
        self.tally = Tally(self.started + args.warmup)
        screens = [
            Screen(key, n, school_offset_s(key)) for key in keys for n in range(args.screens)
        ]
        self.stop_at = float("inf")
        tasks = [asyncio.create_task(self.screen(client, i, s)) for i, s in enumerate(screens)]
        await asyncio.sleep(args.warmup)
        progress(f"{len(screens)} screens polling; warm-up over")
        for round_number in range(args.rounds):
            text = f"{TEXTS[round_number % len(TEXTS)]} ({round_number + 1})"
            await self.event(f"alert {round_number + 1}", text, [*command, text], len(screens))
            await asyncio.sleep(args.pause)
            clear = [*command[:4], "--clear", *command[4:]]
            await self.event(f"clear {round_number + 1}", "", clear, len(screens))
            await asyncio.sleep(args.pause)
        self.stop_at = time.time()
        self.ended = self.stop_at
        await asyncio.gather(*tasks)
        client.close()

    async def event(self, name: str, expect: str, command: list[str], screens: int) -> None:
        """Run the command, then wait until every screen has seen its result (or a minute)."""
        event = Event(name, expect)
        self.events.append(event)
        event.started = time.time()
        done = await asyncio.create_subprocess_exec(*command, env=self.env)
        event.status = await done.wait()
        event.exited = time.time()
        self.current = event
        deadline = event.exited + 60
        while len(event.seen_at) < screens and time.time() < deadline:
            await asyncio.sleep(0.5)
        self.current = None
        progress(
            f"{name}: exit {event.status} after {event.exited - event.started:.2f} s; "
            f"{len(event.seen_at)} of {screens} screens within {time.time() - event.exited:.0f} s"
        )

    async def screen(self, client: EdgeClient, index: int, screen: Screen) -> None:
        """One screen's two polls, from a random instant in its first cycle."""
        alert_path = f"/schools/{screen.key}/alert.json"
        manifest_path = f"/schools/{screen.key}/manifest.json?screen={index:016x}&build=b&rev=1"
        timing = self.timing
        alert_gap = timing["alert_poll_ms"] / 1000
        alert_jitter = timing["alert_jitter_ms"] / 1000
        manifest_gap = 60.0  # the manifest's poll_interval by default
        manifest_jitter = timing["poll_jitter_ms"] / 1000
        next_alert = time.time() + self.random.uniform(0, alert_gap + alert_jitter)
        next_manifest = time.time() + self.random.uniform(0, manifest_gap + manifest_jitter)
        etag: str | None = None
        while True:
            now = time.time()
            if now >= self.stop_at:
                return
            if next_alert <= next_manifest:
                await asyncio.sleep(max(0.0, next_alert - now))
                await self.poll_alert(client, index, screen, alert_path)
                gap = alert_gap + self.random.uniform(0, alert_jitter)
                next_alert = time.time() + gap
            else:
                await asyncio.sleep(max(0.0, next_manifest - now))
                headers = {"If-None-Match": etag} if etag else None
                answer = await self.get(client, "manifest", manifest_path, headers)
                if answer is not None and answer.etag:
                    etag = answer.etag
                gap = manifest_gap + screen.offset_s + self.random.uniform(0, manifest_jitter)
                next_manifest = time.time() + gap

    async def poll_alert(self, client: EdgeClient, index: int, screen: Screen, path: str) -> None:
        answer = await self.get(client, "alert", path, None)
        if answer is None or answer.status != 200:
            return
        received = time.time()
        screen.seen = answer.body
        event = self.current
        if event is not None and index not in event.seen_at and answer.sent_at >= event.exited:
            texts = [a["text"] for a in json.loads(answer.body)["alerts"]]
            if texts == ([event.expect] if event.expect else []):
                event.seen_at[index] = received

    async def get(self, client: EdgeClient, kind: str, path: str, headers: dict[str, str] | None):
        try:
            answer = await client.get(path, headers, timeout=9.0)
        except (RequestFailed, TimeoutError) as failure:
            self.tally.failures[f"{kind}: {type(failure).__name__}"] += 1
            return None
        self.tally.add(answer.sent_at, kind, f"{answer.cache or '-'} {answer.status}")
        return answer

    def report(self) -> None:
        args = self.args
        screens = args.schools * args.screens
        print("### Run\n")
        print(
            f"{screens:,} screens ({args.screens} in each of {args.schools} demo schools), real "
            f"time; warm-up {args.warmup:g} s, then {args.rounds} alert(s) for every school, "
            f"each cleared {args.pause:g} s later. The edge keeps alert objects "
            f"{'their max-age (5 s)' if args.follow_max_age else 'an hour (as shipped)'}. "
            f"Python {platform.python_version()}, "
            f"{nginx_version()}, {os.cpu_count()} CPUs; load average {self.load_before:.1f} "
            f"before the first alert, {self.load_after:.1f} at the end.\n"
        )
        print("### Latency: from the command's exit to the screen's answer\n")
        print("| event | command took | screens reached | median | p90 | p99 | slowest |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for event in self.events:
            late = sorted(t - event.exited for t in event.seen_at.values())
            cells = [f"{q:.1f} s" for q in quantiles(late)] if late else ["-"] * 4
            print(
                f"| {event.name} (exit {event.status}) | {event.exited - event.started:.2f} s | "
                f"{len(late):,} of {screens:,} | " + " | ".join(cells) + " |"
            )
        print()
        after = self.ended - self.tally.warmup_end
        print(f"### Requests after the warm-up ({after:.0f} s)\n")
        print("| kind | edge requests | per second | HIT | other answers |")
        print("|---|---:|---:|---:|---|")
        for kind in ("alert", "manifest", "all"):
            counts = {k: v for k, v in self.tally.after.items() if kind == "all" or k[0] == kind}
            total = sum(counts.values())
            hits = sum(v for k, v in counts.items() if k[1].startswith("HIT"))
            others: Counter[str] = Counter()
            for (_, cache), v in counts.items():
                if not cache.startswith("HIT"):
                    others[cache] += v
            other = ", ".join(f"{c}: {n:,}" for c, n in sorted(others.items())) or "none"
            print(
                f"| {kind} | {total:,} | {total / after:.1f} | {hits / max(total, 1):.2%} | "
                f"{other} |"
            )
        print()
        failures = ", ".join(f"{k}: {v}" for k, v in sorted(self.tally.failures.items()))
        print(f"Failed requests: {failures or 'none'}.\n")
        gets = [r for r in self.origin if r["kind"] == "GET" and r["at"] >= self.tally.warmup_end]
        alert_gets = [r for r in gets if r["key"].endswith("/alert.json")]
        refreshes = [r for r in alert_gets if r["refresh"]]
        for_screens = [r for r in alert_gets if not r["refresh"]]
        print("### At the store: the edge's GETs of alert objects after the warm-up\n")
        print("| cause | GETs | per second | per alert or clear |")
        print("|---|---:|---:|---:|")
        events = max(len(self.events), 1)
        for cause, found in (
            ("for screens", for_screens),
            ("the publisher's refreshes", refreshes),
        ):
            print(
                f"| {cause} | {len(found):,} | {len(found) / after:.3f} | "
                f"{len(found) / events:,.0f} |"
            )
        other_gets = [r for r in gets if not r["key"].endswith("/alert.json") and not r["refresh"]]
        print(f"\nOther GETs for screens after the warm-up (manifests): {len(other_gets):,}.")
        edge_total = sum(self.tally.after.values())
        origin_total = len(for_screens) + len(refreshes) + len(other_gets)
        print(
            f"Hit ratio after the warm-up, counting every GET the store saw (the refreshes "
            f"included) as a miss: 1 - {origin_total:,} / {edge_total:,} = "
            f"{1 - origin_total / max(edge_total, 1):.2%}."
        )
        # The refreshes come with the alerts; the screens' GETs at the rate measured.
        per_event = len(refreshes) / events
        hourly = edge_total / after * 3600
        screens_hourly = (len(for_screens) + len(other_gets)) / after * 3600
        for count in (1, 4, 12):
            store = count * per_event + screens_hourly
            print(
                f"- In an hour with {count} alert(s) or clear(s) at these rates: "
                f"1 - {store:,.0f} / {hourly:,.0f} = {1 - store / hourly:.3%}."
            )


KEPT_AN_HOUR = "manifest\\.json|index\\.html|alert\\.json"
"""The objects the shipped edge keeps an hour, in its location's pattern."""


def follow_max_age(conf: str) -> str:
    """The shipped edge, but keeping alert objects only their max-age (5 s), for comparison."""
    if conf.count(KEPT_AN_HOUR) != 1:
        raise SystemExit(f"the edge's pattern {KEPT_AN_HOUR!r} is not in its configuration once")
    return conf.replace(KEPT_AN_HOUR, "manifest\\.json|index\\.html")


def school_offset_s(key: str) -> float:
    """The page's per-school offset of the manifest poll (FNV-1a of the key, mod 30 s)."""
    from bench.screen_model import school_offset
    from publisher.page import TIMING

    return school_offset(key, TIMING["poll_offset_window_ms"]) / 1000


def quantiles(values: list[float]) -> list[float]:
    """Median, p90, p99 and the largest of sorted `values`."""
    if len(values) == 1:
        return values * 4
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return [statistics.median(values), cuts[89], cuts[98], values[-1]]


async def origin_log(origin: Child, path: Path) -> list[dict]:
    await origin.say(f"dump {path}")
    with path.open() as lines:
        return [json.loads(line) for line in lines]


def nginx_version() -> str:
    found = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
    return found.stderr.strip().removeprefix("nginx version: ") or "nginx"


def progress(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=200, help="demo schools")
    parser.add_argument("--screens", type=int, default=10, help="screens per school")
    parser.add_argument("--rounds", type=int, default=2, help="alerts, each then cleared")
    parser.add_argument("--warmup", type=float, default=45.0, help="seconds before the first alert")
    parser.add_argument("--pause", type=float, default=20.0, help="seconds between the events")
    parser.add_argument(
        "--connections", type=int, default=256, help="keep-alive connections the screens share"
    )
    parser.add_argument(
        "--follow-max-age",
        action="store_true",
        help="let the edge keep alert objects only their 5 s max-age (the design it replaced)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the screens' random draws")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publisher-bench-alert-") as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        asyncio.run(AlertBench(args, work).main())


if __name__ == "__main__":
    main()
