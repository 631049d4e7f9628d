"""Thousands of simulated display screens on one simulated clock, and what they did.

Each screen is an asyncio task that does what publisher/site/js/main.js does, on the
rules of `screen_model`: load its page once, then poll its manifest, fetch the
day files it lacks, and re-read its page every ten minutes for a new build.
Time is simulated and runs `speed` times faster than real time, so a school
day fits in minutes; the network (and the edge) stays real. Every response is
counted by the simulated second it was sent in (`Tally`), and every screen is
checked for a blank moment every simulated minute and at each local midnight.

Not modelled, because they add no request in a simulated day: the page's
clock correction from `Date` headers (the simulated clock is exact), its
once-a-day reload (the span is shorter than a day), and the service worker's
cache (without a reload it holds nothing the page did not fetch itself, and it
answers pages and manifests from it only when the network fails). The page's
timeouts apply in real time (see `Fleet.get`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import math
import random
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bench.edge_client import EdgeClient, RequestFailed, Response
from bench.screen_model import (
    Entry,
    PageTiming,
    keep_days,
    local_date,
    manifest_entries,
    poll_delay,
    retry_delay,
    school_offset,
    wanted_entries,
)

BELL_KINDS = ("starts_at", "ends_at")
LOADING_GRACE = 60.0  # simulated seconds a screen may take to show its first day after power-on


@dataclass(frozen=True)
class SimClock:
    """Simulated epoch seconds: `start` at the real instant `real_start`, then `speed` x faster.

    Real instants are `time.time()`, which every process on the machine
    shares: the store's log of requests is placed on the same simulated clock.
    """

    start: float
    real_start: float
    speed: float

    def now(self) -> float:
        return self.sim(time.time())

    def sim(self, real: float) -> float:
        return self.start + (real - self.real_start) * self.speed

    def real(self, sim: float) -> float:
        return self.real_start + (sim - self.start) / self.speed

    async def sleep_until(self, sim: float) -> None:
        await asyncio.sleep(max(0.0, (sim - self.now()) / self.speed))


@dataclass(frozen=True)
class School:
    key: str  # the public key: the school's folder and the page's `school_key`
    slug: str
    zone: ZoneInfo
    offset_ms: int  # backoff.js schoolOffset(key, poll_offset_window_ms)


@dataclass
class Screen:
    """What one screen's page holds between polls (main.js `state`)."""

    number: int
    school: School
    switch_on: float  # simulated instant the screen is turned on
    random: random.Random
    page_etag: str | None = None
    manifest_etag: str | None = None
    entries: list[Entry] | None = None  # the manifest held; None before the first
    interval_s: float = 60.0
    held: dict[str, str] = field(default_factory=dict)  # day file path -> its local date
    failures: int = 0
    loaded: bool = False
    last_build_check: float = -math.inf

    def holds_today(self, today: str) -> bool:
        return today in self.held.values()


class PollFailed(Exception):
    """A request of a poll failed: the screen keeps what it holds and retries with backoff."""


def kind_of(path: str) -> str:
    """What a path on the edge is: manifest, page, day file, asset or service worker."""
    if path.endswith("/manifest.json"):
        return "manifest"
    if path.endswith("/index.html"):
        return "page"
    if "/days/" in path:
        return "day"
    if path == "/sw.js":
        return "sw"
    return "asset"


class Tally:
    """Every screen request, counted by the simulated second it was sent in, and the checks."""

    def __init__(self, start: float, seconds: int, warmup_end: float) -> None:
        self.start = start
        self.warmup_end = warmup_end
        self.per_second = array("I", bytes(4 * (seconds + 1)))
        self.not_from_cache = array("I", bytes(4 * (seconds + 1)))  # MISS, EXPIRED, ...
        self.answers: Counter[tuple[str, str, str, int]] = Counter()  # (phase, kind, cache, status)
        self.failures: Counter[tuple[str, str]] = Counter()  # (phase, reason)
        self.lags = {"warm-up": array("d"), "after": array("d")}  # simulated s sent after due
        self.waits = array("d")  # real seconds from sending a request to its whole answer
        self.blank: list[tuple[float, int, str]] = []  # (instant, screen, why)
        self.checks = 0  # screen x moment checks made
        self.bells: dict[float, set[str]] = {}  # instant -> keys of the schools ringing then
        self.seen_days: set[str] = set()

    def phase(self, instant: float) -> str:
        return "warm-up" if instant < self.warmup_end else "after"

    def second(self, instant: float) -> int:
        return min(max(0, int(instant - self.start)), len(self.per_second) - 1)

    def answered(self, sent: float, kind: str, response: Response) -> None:
        cache = response.cache or "-"
        self.answers[(self.phase(sent), kind, cache, response.status)] += 1
        second = self.second(sent)
        self.per_second[second] += 1
        if cache not in ("HIT", "STALE", "UPDATING"):
            self.not_from_cache[second] += 1

    def failed(self, sent: float, kind: str, reason: str) -> None:
        self.failures[(self.phase(sent), f"{kind}: {reason}")] += 1

    def note_day(self, school: School, body: bytes, start: float, end: float) -> None:
        """The bells (each period's start and end) of a day file seen for the first time."""
        for period in json.loads(body).get("periods", []):
            for name in BELL_KINDS:
                instant = dt.datetime.fromisoformat(period[name]).timestamp()
                if start <= instant < end:
                    self.bells.setdefault(instant, set()).add(school.key)


@dataclass
class Fleet:
    """The screens, the client they share, and the simulated span they run over."""

    client: EdgeClient
    clock: SimClock
    timing: PageTiming
    tally: Tally
    screens: Sequence[Screen]
    end: float  # simulated instant the span ends: no poll starts after it
    assets: Sequence[str]  # the page's assets, each fetched once per screen

    async def run(self, checks: Iterable[float]) -> None:
        """Every screen, and the blank checks at `checks` (simulated instants), to the end."""
        tasks = [asyncio.create_task(self.run_screen(screen)) for screen in self.screens]
        await self.check_blank(sorted(checks))
        await asyncio.gather(*tasks)

    # One screen.

    async def run_screen(self, screen: Screen) -> None:
        """main.js from switch-on: the page and its assets, then `poll` until the span ends."""
        due = screen.switch_on
        await self.clock.sleep_until(due)
        while not await self.open_page(screen, due):
            screen.failures += 1
            due = self.clock.now() + self.retry_s(screen)
            await self.clock.sleep_until(due)
        screen.failures = 0
        due = self.clock.now()
        while due < self.end:
            try:
                await self.sync(screen, due)
            except PollFailed:
                screen.failures += 1
                delay_s = self.retry_s(screen)
            else:
                screen.failures = 0
                screen.loaded = True
                delay_s = self.poll_s(screen)
                await self.maybe_check_build(screen)
            due = self.clock.now() + delay_s
            await self.clock.sleep_until(due)

    def poll_s(self, screen: Screen) -> float:
        interval_ms = screen.interval_s * 1000
        jitter_ms = self.timing.poll_jitter_ms
        delay_ms = poll_delay(
            interval_ms, screen.school.offset_ms, jitter_ms, screen.random.random()
        )
        return delay_ms / 1000

    def retry_s(self, screen: Screen) -> float:
        return retry_delay(screen.failures, screen.random.random(), self.timing.backoff) / 1000

    async def open_page(self, screen: Screen, due: float) -> bool:
        """The page as a browser first loads it: index.html, its assets, sw.js (which precaches
        every asset of the build). Assets are immutable and kept, so each is fetched once."""
        page = f"/schools/{screen.school.key}/index.html"
        try:
            response = await self.get(page, {}, self.timing.first_timeout_ms, due)
            screen.page_etag = response.etag
            for path in [*self.assets, "/sw.js"]:
                await self.get(path, {}, self.timing.first_timeout_ms, self.clock.now())
        except PollFailed:
            return False
        return True

    async def sync(self, screen: Screen, due: float) -> None:
        """main.js `sync`: the manifest (revalidated), then every wanted day file not held."""
        timeout_ms = self.timing.poll_timeout_ms if screen.loaded else self.timing.first_timeout_ms
        folder = f"/schools/{screen.school.key}/"
        headers = {"Cache-Control": "max-age=0"}  # what fetch() adds for cache: "no-cache"
        if screen.manifest_etag:
            headers["If-None-Match"] = screen.manifest_etag
        response = await self.get(folder + "manifest.json", headers, timeout_ms, due)
        if response.status == 200:
            try:
                manifest = json.loads(response.body)
                entries = manifest_entries(manifest)
                interval_s = float(manifest["poll_interval"])
            except (ValueError, KeyError, TypeError) as error:
                raise PollFailed(f"manifest: {error}") from None
            screen.entries, screen.interval_s = entries, interval_s
            screen.manifest_etag = response.etag
        if screen.entries is None:
            raise PollFailed("manifest: 304 without a copy")
        today = local_date(dt.datetime.fromtimestamp(self.clock.now(), dt.UTC), screen.school.zone)
        failure: PollFailed | None = None
        for entry in wanted_entries(screen.entries, today):
            if entry.path in screen.held:
                continue
            try:
                await self.fetch_day(screen, folder + entry.path, entry, timeout_ms)
            except PollFailed as error:
                failure = failure or error
        screen.held = keep_days(screen.entries, screen.held, today)
        if failure is not None:
            raise failure

    async def fetch_day(self, screen: Screen, path: str, entry: Entry, timeout_ms: int) -> None:
        response = await self.get(path, {}, timeout_ms, self.clock.now())
        if hashlib.sha256(response.body).hexdigest() != entry.sha256:
            self.tally.failed(self.clock.now(), "day", "hash differs from the manifest's")
            raise PollFailed(f"{path}: hash")
        screen.held[entry.path] = entry.date
        if path not in self.tally.seen_days:
            self.tally.seen_days.add(path)
            self.tally.note_day(screen.school, response.body, self.clock.start, self.end)

    async def maybe_check_build(self, screen: Screen) -> None:
        """main.js `maybeReload`: every build_check_ms, the page again, past every cache but
        the edge's. The build never changes during the run, so no reload follows."""
        now = self.clock.now()
        if (now - screen.last_build_check) * 1000 < self.timing.build_check_ms:
            return
        screen.last_build_check = now
        headers = {"Cache-Control": "max-age=0"}
        if screen.page_etag:
            headers["If-None-Match"] = screen.page_etag
        path = f"/schools/{screen.school.key}/index.html"
        try:
            response = await self.get(path, headers, self.timing.poll_timeout_ms, now)
        except PollFailed:
            return  # fetchPageBuild(...).catch(() => null): no reload, no failure
        if response.status == 200:
            screen.page_etag = response.etag

    async def get(
        self, path: str, headers: dict[str, str], timeout_ms: int, due: float
    ) -> Response:
        """One request, counted; PollFailed unless the edge answered 200 or 304 in time.

        The page's timeouts apply in real seconds: the network is not
        compressed, and a 200 ms answer is as harmless to a screen here as in
        a school. (Compressed like the rest, 9 s would be 150 ms at 60 x, and
        every slow miss at the store would count as a failure no screen sees.)
        How long answers took is recorded, and the report says how many would
        have missed the compressed timeout.
        """
        kind = kind_of(path)
        try:
            response = await self.client.get(path, headers, timeout_ms / 1000)
        except TimeoutError:
            self.tally.failed(self.clock.now(), kind, "timeout")
            raise PollFailed(f"{path}: timeout") from None
        except RequestFailed as error:
            self.tally.failed(self.clock.now(), kind, f"connection: {error}")
            raise PollFailed(f"{path}: {error}") from None
        self.tally.waits.append(time.time() - response.sent_at)
        sent = self.clock.sim(response.sent_at)
        self.tally.lags[self.tally.phase(sent)].append(max(0.0, sent - due))
        self.tally.answered(sent, kind, response)
        if response.status not in (200, 304):
            self.tally.failed(sent, kind, f"HTTP {response.status}")
            raise PollFailed(f"{path}: HTTP {response.status}")
        return response

    # Blank screens.

    async def check_blank(self, instants: Sequence[float]) -> None:
        """At each instant, every switched-on screen must show a day: hold one for its date.

        A screen switched on less than LOADING_GRACE ago whose first poll has
        not finished is loading, as after any power-on; later, it is blank.
        """
        for instant in instants:
            await self.clock.sleep_until(instant)
            now = self.clock.now()
            utc = dt.datetime.fromtimestamp(now, dt.UTC)
            today = {zone: local_date(utc, zone) for zone in {s.school.zone for s in self.screens}}
            for screen in self.screens:
                if screen.switch_on > now:
                    continue
                self.tally.checks += 1
                if not screen.loaded and now - screen.switch_on < LOADING_GRACE:
                    continue
                if screen.entries is None:
                    self.tally.blank.append((now, screen.number, "no manifest yet"))
                elif not screen.holds_today(today[screen.school.zone]):
                    self.tally.blank.append((now, screen.number, "no day file for its date"))


def make_screens(
    schools: Sequence[School], per_school: int, start: float, warmup_s: float, seed: int
) -> list[Screen]:
    """`per_school` screens for each school, switched on in a shuffled order over the warm-up."""
    draw = random.Random(seed)
    screens = [
        Screen(number=0, school=school, switch_on=0.0, random=random.Random(draw.random()))
        for school in schools
        for _ in range(per_school)
    ]
    draw.shuffle(screens)
    step = warmup_s / max(1, len(screens))
    for number, screen in enumerate(screens):
        screen.number = number
        screen.switch_on = start + number * step
    return screens


def make_school(key: str, slug: str, zone: str, timing: PageTiming) -> School:
    return School(key, slug, ZoneInfo(zone), school_offset(key, timing.poll_offset_window_ms))


def local_midnights(schools: Sequence[School], start: float, end: float) -> list[float]:
    """The instants in [start, end) when some school's local date changes."""
    return local_times(schools, start, end, dt.time())


def local_times(schools: Sequence[School], start: float, end: float, at: dt.time) -> list[float]:
    """The instants in [start, end) when some school's local clock reads `at`."""
    found = set()
    for zone in {school.zone for school in schools}:
        day = dt.datetime.fromtimestamp(start, zone).date() - dt.timedelta(days=1)
        while True:
            day += dt.timedelta(days=1)
            instant = dt.datetime.combine(day, at, zone).timestamp()
            if instant >= end:
                break
            if instant >= start:
                found.add(instant)
    return sorted(found)
