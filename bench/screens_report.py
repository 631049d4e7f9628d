"""The figures of a `screens_load.py` run, printed as Markdown tables.

Everything is counted on the simulated clock: the screens' requests by the
simulated second they were sent in, the store's log of requests by its real
arrival time placed on the same clock. Requests the store received are split
by who caused them: the screens (through the edge: their User-Agent reaches
the store), the publisher's edge refresh (the edge passes `X-Publisher-Refresh`
on), and the publisher's own writes (excluded from the origin's load).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.edge_client import USER_AGENT
from bench.screen_fleet import School, Screen, SimClock, Tally, kind_of, local_times
from bench.screen_model import PageTiming
from publisher.build import WINDOW_MOVES_AT

KINDS = ("manifest", "page", "day", "asset", "sw")
RENEWED = ("manifest", "page", "sw")  # rewritten in place: the edge keeps them an hour
FROM_CACHE = ("HIT", "STALE", "UPDATING")  # answered from the edge's copy, without waiting
BELL_WINDOW = 10  # simulated seconds after a bell in which its requests would come
TRUSTED_LAG_P99 = 2.0  # simulated seconds: well inside the page's 15 s jitter
OLD = {
    "peak": "400 requests/s at countdown zero",
    "hit": "85%",
    "blank": "5-10 minutes blank after midnight",
}


@dataclass(frozen=True)
class Pass:
    """One run of the publisher during the benchmark, from its worker's reply."""

    at: float  # simulated instant it was started for (its `now`)
    label: str
    published: int
    unchanged: int
    failed: int
    objects_written: int
    refreshed: int
    refresh_error: str | None
    publish_seconds: float  # real
    refresh_seconds: float  # real

    @classmethod
    def from_reply(cls, at: float, label: str, reply: dict[str, Any]) -> Pass:
        return cls(
            at=at,
            label=label,
            published=reply["published"],
            unchanged=reply["unchanged"],
            failed=len(reply["failed"]),
            objects_written=reply["objects_written"],
            refreshed=reply["refreshed"],
            refresh_error=reply["refresh_error"],
            publish_seconds=reply["published_at"] - reply["started"],
            refresh_seconds=reply["ended"] - reply["published_at"],
        )

    @property
    def new_immutable(self) -> int:
        """Day files (and assets) this pass wrote: each is a miss for the first screen asking."""
        return self.objects_written - self.refreshed


@dataclass
class Origin:
    """GETs the edge sent to the store, per simulated second of the span, by cause."""

    renewed: array  # screens': manifests and pages whose copy at the edge was past its hour
    fetched: array  # screens': day files and assets the edge did not hold yet
    refresh: array  # the publisher's refreshes, passed on by the edge
    screens_by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)  # (phase, kind)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)  # (cause, status)
    before_start: Counter[str] = field(default_factory=Counter)  # cause -> count
    publisher_requests: Counter[str] = field(default_factory=Counter)  # kind -> count
    screens: array = field(default_factory=lambda: array("I"))  # renewed + fetched


@dataclass
class Run:
    """What the benchmark produced; `finish` reads the store's and the edge's logs."""

    args: argparse.Namespace
    clock: SimClock
    tally: Tally
    screens: Sequence[Screen]
    schools: Sequence[School]
    passes: list[Pass]
    timing: PageTiming
    real_seconds: float
    versions: str
    load: tuple[float, float]  # the machine's 1-minute load average when the span began, ended
    origin_log: list[dict[str, Any]] = field(default_factory=list)
    edge_log: Path | None = None
    wall_seconds: float = 0.0
    origin: Origin | None = None
    edge_lines: Counter[str] = field(default_factory=Counter)

    def finish(self) -> None:
        self.origin = split_origin(self.origin_log, self.clock, self.tally)
        if self.edge_log is not None and self.edge_log.exists():
            self.edge_lines = read_edge_log(self.edge_log)


def split_origin(log: Iterable[dict[str, Any]], clock: SimClock, tally: Tally) -> Origin:
    seconds = len(tally.per_second)
    origin = Origin(
        renewed=array("I", bytes(4 * seconds)),
        fetched=array("I", bytes(4 * seconds)),
        refresh=array("I", bytes(4 * seconds)),
    )
    for received in log:
        if received["kind"] != "GET" or not (
            received["refresh"] or received["user_agent"] == USER_AGENT
        ):
            origin.publisher_requests[received["kind"]] += 1
            continue
        cause = "refresh" if received["refresh"] else "screens"
        origin.statuses[(cause, received["status"])] += 1
        instant = clock.sim(received["at"])
        if instant < clock.start:
            origin.before_start[cause] += 1
            continue
        second = tally.second(instant)
        kind = kind_of("/" + received["key"].split("/", 2)[2])  # bucket/prefix/key
        if cause == "refresh":
            origin.refresh[second] += 1
        elif kind in RENEWED:
            origin.renewed[second] += 1
        else:
            origin.fetched[second] += 1
        if cause == "screens":
            origin.screens_by_kind[(tally.phase(instant), kind)] += 1
    origin.screens = array("I", map(sum, zip(origin.renewed, origin.fetched, strict=True)))
    return origin


def read_edge_log(path: Path) -> Counter[str]:
    """How many lines the edge logged, how many asked the store, how many were refreshes."""
    counts: Counter[str] = Counter()
    with path.open(errors="replace") as lines:
        for line in lines:
            counts["lines"] += 1
            if "upstream_status=- " not in line:
                counts["to the store"] += 1
            if "cache=BYPASS " in line:
                counts["refreshes"] += 1
    return counts


def write_minutes(run: Run, path: Path) -> None:
    """Every simulated minute of the span as a CSV row, with the report's minute columns."""
    tally = run.tally
    minutes = range((len(tally.per_second) + 59) // 60)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(MINUTE_HEADERS)
        writer.writerows(minute_rows(run, tally.start, minutes, stamp=when_dated))


# Printing.


def print_report(run: Run) -> None:
    out = Printer()
    summary(out, run)
    edge_section(out, run)
    origin_section(out, run)
    hit_ratio_section(out, run)
    hours_section(out, run)
    midnight_section(out, run)
    noon_section(out, run)
    edit_section(out, run)
    bells_section(out, run)
    passes_section(out, run)
    health_section(out, run)
    checks_section(out, run)
    targets_section(out, run)


class Printer:
    def line(self, text: str = "") -> None:
        print(text)

    def heading(self, text: str) -> None:
        print(f"\n### {text}\n")

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|")
        for row in rows:
            print("| " + " | ".join(str(cell) for cell in row) + " |")


def when(instant: float) -> str:
    return dt.datetime.fromtimestamp(instant, dt.UTC).strftime("%H:%M")


def when_dated(instant: float) -> str:
    return dt.datetime.fromtimestamp(instant, dt.UTC).strftime("%Y-%m-%d %H:%M")


def when_s(instant: float) -> str:
    return dt.datetime.fromtimestamp(instant, dt.UTC).strftime("%H:%M:%S")


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "-"


def window(values: array, start: int, stop: int) -> int:
    return sum(values[max(0, start) : max(0, stop)])


def minute_totals(values: array) -> list[int]:
    return [sum(values[m : m + 60]) for m in range(0, len(values), 60)]


def summary(out: Printer, run: Run) -> None:
    args, tally = run.args, run.tally
    zones = Counter(school.zone.key for school in run.schools)
    out.heading("Run")
    out.line(
        f"{len(run.screens):,} screens ({args.screens} in each of {len(run.schools)} schools: "
        + ", ".join(f"{n} in {zone}" for zone, n in sorted(zones.items()))
        + f"), {when(run.clock.start)} to {when(tally.start + len(tally.per_second) - 1)} UTC "
        f"simulated ({(len(tally.per_second) - 1) / 3600:.1f} h), switched on over the first "
        f"{args.warmup:g} simulated minutes; {args.speed:g} simulated seconds per real second: "
        f"the span took {run.real_seconds / 60:.1f} real minutes ({run.wall_seconds / 60:.1f} "
        f"with set-up and report). {run.versions}; load average {run.load[0]:.1f} when the "
        f"span began, {run.load[1]:.1f} when it ended."
    )


def answers(tally: Tally, phase: str | None = None) -> Counter[tuple[str, str, int]]:
    found: Counter[tuple[str, str, int]] = Counter()
    for (p, kind, cache, status), n in tally.answers.items():
        if phase is None or p == phase:
            found[(kind, cache, status)] += n
    return found


def cache_columns(counted: Counter[tuple[str, str, int]]) -> list[str]:
    """Requests, then how the edge answered them, for the edge's table."""
    caches: Counter[str] = Counter()
    for (_, cache, status), n in counted.items():
        caches[f"{cache} {status}" if cache == "HIT" else cache] += n
    shown = ("HIT 200", "HIT 304", "STALE", "UPDATING", "MISS", "EXPIRED", "REVALIDATED")
    requests = sum(counted.values())
    return [
        f"{requests:,}",
        f"{caches['HIT 200']:,}",
        f"{caches['HIT 304']:,}",
        f"{caches['STALE'] + caches['UPDATING']:,}",
        f"{caches['MISS']:,}",
        f"{caches['EXPIRED'] + caches['REVALIDATED']:,}",
        f"{requests - sum(caches[c] for c in shown):,}",
    ]


def edge_section(out: Printer, run: Run) -> None:
    tally = run.tally
    out.heading("Edge: the screens' requests")
    rows = []
    for phase in ("warm-up", "after"):
        counted = answers(tally, phase)
        for kind in KINDS:
            mine = Counter({k: n for k, n in counted.items() if k[0] == kind})
            if mine:
                rows.append([phase, kind, *cache_columns(mine)])
        rows.append([phase, "all", *cache_columns(counted)])
    rows.append(["whole span", "all", *cache_columns(answers(tally))])
    out.table(
        ["phase", "kind", "requests", "HIT 200", "HIT 304", "STALE/UPDATING", "MISS",
         "EXPIRED/REVALIDATED", "other"],
        rows,
    )  # fmt: skip
    failures = Counter({reason: n for (_, reason), n in tally.failures.items()})
    out.line()
    out.line(
        "Failed requests: "
        + (", ".join(f"{reason} x {n}" for reason, n in failures.most_common()) or "none")
        + "."
    )


def origin_section(out: Printer, run: Run) -> None:
    origin = run.origin
    assert origin is not None
    out.heading("Origin: GETs the edge sent to the store")
    rows = []
    for phase in ("warm-up", "after"):
        for kind in KINDS:
            n = origin.screens_by_kind[(phase, kind)]
            if n:
                rows.append([phase, kind, f"{n:,}"])
    rows.append(["whole span", "all, for screens", f"{sum(origin.screens):,}"])
    rows.append(["whole span", "refreshes after publishing", f"{sum(origin.refresh):,}"])
    before = origin.before_start["refresh"]
    rows.append(["before the screens", "the first publish's refreshes", f"{before:,}"])
    out.table(["phase", "cause / kind", "GETs"], rows)
    statuses = ", ".join(
        f"{cause} {status}: {n:,}" for (cause, status), n in sorted(origin.statuses.items())
    )
    publisher = ", ".join(f"{kind} {n:,}" for kind, n in sorted(origin.publisher_requests.items()))
    out.line()
    out.line(f"Statuses: {statuses}. The publisher's own requests (not counted): {publisher}.")


def ratios(run: Run, phase: str | None) -> tuple[int, int, int, int, int]:
    """(edge requests, HIT answers, from cache, origin GETs for screens, refresh GETs)."""
    tally, origin = run.tally, run.origin
    assert origin is not None
    counted = answers(tally, phase)
    edge = sum(counted.values())
    hits = sum(n for (_, cache, _), n in counted.items() if cache == "HIT")
    cached = sum(n for (_, cache, _), n in counted.items() if cache in FROM_CACHE)
    start, stop = 0, len(origin.screens)
    if phase == "warm-up":
        stop = tally.second(tally.warmup_end)
    elif phase == "after":
        start = tally.second(tally.warmup_end)
    screens = window(origin.screens, start, stop)
    return edge, hits, cached, screens, window(origin.refresh, start, stop)


def hit_ratio_section(out: Printer, run: Run) -> None:
    out.heading("Hit ratio")
    rows = []
    for phase in ("after", None):
        edge, hits, cached, screens, refresh = ratios(run, phase)
        rows.append(
            [
                "after warm-up" if phase else "whole span",
                f"{edge:,}",
                percent(hits, edge),
                percent(cached, edge),
                f"{screens:,}",
                percent(edge - screens, edge),
                percent(edge - screens - refresh, edge),
            ]
        )
    out.table(
        ["phase", "edge requests", "X-Cache-Status HIT", "HIT+STALE+UPDATING",
         "origin GETs (screens)", "1 - origin/edge", "1 - (origin+refresh)/edge"],
        rows,
    )  # fmt: skip


def hours_section(out: Printer, run: Run) -> None:
    tally, origin = run.tally, run.origin
    assert origin is not None
    out.heading("Per simulated hour (requests per simulated second)")
    edge_minutes = minute_totals(tally.per_second)
    origin_minutes = minute_totals(origin.screens)
    refresh_minutes = minute_totals(origin.refresh)
    rows = []
    for hour in range(0, len(edge_minutes), 60):
        edge_hour = edge_minutes[hour : hour + 60]
        origin_hour = origin_minutes[hour : hour + 60]
        seconds = 60 * len(edge_hour)
        rows.append(
            [
                when(tally.start + hour * 60),
                f"{sum(edge_hour):,}",
                f"{sum(edge_hour) / seconds:.1f}",
                f"{max(edge_hour) / 60:.1f}",
                f"{sum(origin_hour):,}",
                f"{sum(origin_hour) / seconds:.3f}",
                f"{max(origin_hour)}",
                f"{sum(refresh_minutes[hour : hour + 60]):,}",
            ]
        )
    out.table(
        ["hour (UTC)", "edge requests", "edge req/s", "busiest minute req/s", "origin GETs",
         "origin req/s", "busiest origin minute", "refresh GETs"],
        rows,
    )  # fmt: skip
    after = tally.second(tally.warmup_end) // 60
    peak = max(range(after, len(origin_minutes)), key=lambda m: origin_minutes[m], default=after)
    both = [s + r for s, r in zip(origin_minutes, refresh_minutes, strict=True)]
    peak_both = max(range(after, len(both)), key=lambda m: both[m], default=after)
    background = statistics.median(origin_minutes[after:]) if origin_minutes[after:] else 0
    out.line()
    out.line(
        f"Peak origin GETs per simulated minute after warm-up: {origin_minutes[peak]} for screens "
        f"(at {when(tally.start + peak * 60)}), {both[peak_both]} counting refreshes (at "
        f"{when(tally.start + peak_both * 60)}); the median minute has {background:g}. "
        f"Warm-up's busiest minute: {max(origin_minutes[:after], default=0)}."
    )


def minute_rows(
    run: Run, first: float, minutes: Sequence[int], stamp: Callable[[float], str] = when
) -> list[list[Any]]:
    """Per simulated minute from `first` + m for m in `minutes`: edge and origin by cause."""
    tally, origin = run.tally, run.origin
    assert origin is not None
    rows = []
    for m in minutes:
        start = tally.second(first + 60 * m)
        stop = start + 60
        rows.append(
            [
                stamp(first + 60 * m),
                f"{window(tally.per_second, start, stop) / 60:.1f}",
                window(tally.not_from_cache, start, stop),
                window(origin.renewed, start, stop),
                window(origin.fetched, start, stop),
                window(origin.refresh, start, stop),
            ]
        )
    return rows


MINUTE_HEADERS = ["minute (UTC)", "edge req/s", "edge answers not from cache",
                  "origin: copies past their hour", "origin: new objects",
                  "origin: refreshes"]  # fmt: skip


AFTER = 15  # simulated minutes shown after a midnight or a noon: time for a pass and its refreshes


def local_moments(run: Run, at: dt.time) -> list[tuple[float, list[str]]]:
    """Each instant of the span when some schools' clocks read `at`, with their zones."""
    tally = run.tally
    moments = []
    for instant in local_times(run.schools, tally.start, tally.start + len(tally.per_second), at):
        zones = {
            s.zone.key
            for s in run.schools
            if dt.datetime.fromtimestamp(instant, s.zone).time() == at
        }
        moments.append((instant, sorted(zones)))
    return moments


def origin_causes(origin: Origin, start: int, stop: int) -> str:
    """The origin's GETs between two simulated seconds, by cause, in words."""
    return (
        f"{window(origin.renewed, start, stop)} renewals of copies past their hour, "
        f"{window(origin.fetched, start, stop)} new objects, "
        f"{window(origin.refresh, start, stop)} refreshes"
    )


def midnight_section(out: Printer, run: Run) -> None:
    tally, origin = run.tally, run.origin
    assert origin is not None
    for midnight, zones in local_moments(run, dt.time()):
        out.heading(f"Midnight in {', '.join(zones)} ({when(midnight)} UTC)")
        out.table(MINUTE_HEADERS, minute_rows(run, midnight, range(-2, AFTER)))
        second = tally.second(midnight)
        after = second + 60 * AFTER
        out.line()
        out.line(
            f"Edge requests in the simulated minute before midnight: "
            f"{window(tally.per_second, second - 60, second):,}; in the minute after: "
            f"{window(tally.per_second, second, second + 60):,}, "
            f"{max(tally.per_second[second : second + 60], default=0)} in its busiest second. "
            f"Origin GETs in the {AFTER} simulated minutes from midnight: "
            f"{origin_causes(origin, second, after)}; in the same minutes an hour earlier: "
            f"{origin_causes(origin, second - 3600, after - 3600)}."
        )


def noon_section(out: Printer, run: Run) -> None:
    """Each school's window of dates moves on at its local noon: the pass after it."""
    tally, origin = run.tally, run.origin
    assert origin is not None
    for noon, zones in local_moments(run, WINDOW_MOVES_AT):
        out.heading(f"Windows move on: noon in {', '.join(zones)} ({when(noon)} UTC)")
        out.table(MINUTE_HEADERS, minute_rows(run, noon, range(-2, AFTER)))
        second = tally.second(noon)
        out.line()
        out.line(
            f"Origin GETs in the {AFTER} simulated minutes from noon: "
            f"{origin_causes(origin, second, second + 60 * AFTER)}."
        )


def edit_section(out: Printer, run: Run) -> None:
    edits = [p for p in run.passes if p.label.startswith("admin edit")]
    for edit in edits:
        out.heading(f"Admin edit at {when(edit.at)} UTC ({edit.published} schools republished)")
        out.table(MINUTE_HEADERS, minute_rows(run, edit.at, range(-2, 5)))


@dataclass(frozen=True)
class Bells:
    """What happened in the BELL_WINDOW simulated seconds after each bell, and in general."""

    instants: int
    school_bells: int
    edge_ratio_mean: float  # edge rate after a bell / the rate of the hour around it
    edge_ratio_max: float
    edge_peak: int  # the busiest simulated second after any bell
    renewed: int  # origin GETs after bells: copies past their hour
    fetched: int  # origin GETs after bells: new objects
    renewed_control: float  # the same, in the same seconds an hour before and after (mean)
    fetched_control: float
    origin_peak: int  # the busiest simulated second at the origin after any bell


def bell_figures(run: Run) -> Bells | None:
    tally, origin = run.tally, run.origin
    assert origin is not None
    bells = {t: keys for t, keys in tally.bells.items() if t >= tally.warmup_end}
    if not bells:
        return None
    ratios = []
    renewed = fetched = edge_peak = origin_peak = 0
    renewed_control = fetched_control = 0.0
    first = tally.second(tally.warmup_end)
    for instant in bells:
        second = tally.second(instant)
        stop = second + BELL_WINDOW
        hour = window(tally.per_second, second - 1800, second + 1800) / 3600
        if hour:
            ratios.append(window(tally.per_second, second, stop) / BELL_WINDOW / hour)
        renewed += window(origin.renewed, second, stop)
        fetched += window(origin.fetched, second, stop)
        edge_peak = max(edge_peak, max(tally.per_second[second:stop]))
        origin_peak = max(origin_peak, max(origin.screens[second:stop]))
        # The edge's copies expire an hour after they were cached, bell or no bell: the
        # same seconds an hour away show what the origin gets there anyway.
        others = [s for s in (second - 3600, second + 3600) if first <= s < len(origin.screens)]
        for other in others:
            renewed_control += window(origin.renewed, other, other + BELL_WINDOW) / len(others)
            fetched_control += window(origin.fetched, other, other + BELL_WINDOW) / len(others)
    return Bells(
        instants=len(bells),
        school_bells=sum(len(keys) for keys in bells.values()),
        edge_ratio_mean=statistics.mean(ratios),
        edge_ratio_max=max(ratios),
        edge_peak=edge_peak,
        renewed=renewed,
        fetched=fetched,
        renewed_control=renewed_control,
        fetched_control=fetched_control,
        origin_peak=origin_peak,
    )


def bells_section(out: Printer, run: Run) -> None:
    tally, origin = run.tally, run.origin
    assert origin is not None
    out.heading("Countdown zero: every bell after warm-up")
    figures = bell_figures(run)
    if figures is None:
        out.line("No bell in the span.")
        return
    busiest = max(tally.per_second[tally.second(tally.warmup_end) :], default=0)
    out.line(
        f"Distinct bell instants: {figures.instants} ({figures.school_bells:,} school bells). "
        f"Edge requests in the {BELL_WINDOW} simulated seconds after a bell, against the mean "
        f"of the hour around it: {figures.edge_ratio_mean:.2f} x on average, "
        f"{figures.edge_ratio_max:.2f} x at most; the busiest second after a bell had "
        f"{figures.edge_peak} requests (the busiest of all after warm-up: {busiest}). "
        f"Screens' origin GETs in those {BELL_WINDOW} seconds after all bells: "
        f"{figures.renewed} renewals of copies past their hour and {figures.fetched} new "
        f"objects; in the same seconds an hour before and after (mean): "
        f"{figures.renewed_control:.0f} and {figures.fetched_control:.0f}. The busiest second at "
        f"the origin after a bell had {figures.origin_peak}."
    )
    bells = {t: keys for t, keys in tally.bells.items() if t >= tally.warmup_end}
    sample = sorted(bells, key=lambda t: (-len(bells[t]), t))[:8]
    rows = []
    for instant in sorted(sample):
        second = tally.second(instant)
        rows.append(
            [
                when_s(instant),
                len(bells[instant]),
                f"{window(tally.per_second, second - BELL_WINDOW, second) / BELL_WINDOW:.1f}",
                f"{window(tally.per_second, second, second + BELL_WINDOW) / BELL_WINDOW:.1f}",
                f"{window(tally.per_second, second - 1800, second + 1800) / 3600:.1f}",
                window(origin.screens, second - BELL_WINDOW, second),
                window(origin.screens, second, second + BELL_WINDOW),
            ]
        )
    out.line()
    out.line("The bells rung by the most schools at once:")
    out.line()
    out.table(
        ["bell (UTC)", "schools", f"edge req/s, {BELL_WINDOW} s before",
         f"edge req/s, {BELL_WINDOW} s after", "edge req/s, hour around",
         f"origin GETs, {BELL_WINDOW} s before", f"origin GETs, {BELL_WINDOW} s after"],
        rows,
    )  # fmt: skip


def passes_section(out: Printer, run: Run) -> None:
    out.heading("Publisher passes")
    rows = []
    for p in run.passes:
        rows.append(
            [
                when(p.at),
                p.label,
                p.published,
                p.unchanged,
                p.failed,
                f"{p.objects_written:,}",
                p.refreshed,
                f"{p.publish_seconds:.1f} + {p.refresh_seconds:.1f}",
                p.refresh_error or "",
            ]
        )
    shown = [r for r in rows if r[5] != "0" or r[1] != "full pass"]
    quiet = len(rows) - len(shown)
    out.table(
        ["at (UTC)", "pass", "published", "unchanged", "failed", "objects written",
         "edge refreshes", "real s (publish + refresh)", "refresh error"],
        shown,
    )  # fmt: skip
    out.line()
    out.line(f"And {quiet} full passes that wrote nothing (so refreshed nothing).")


def health_section(out: Printer, run: Run) -> None:
    tally = run.tally
    speed = run.args.speed
    out.heading("Blank screens, lag, real rates")
    out.line(
        f"Blank screens: {len(tally.blank)} in {tally.checks:,} checks (every switched-on "
        "screen at every simulated minute and at each local midnight's first second)."
    )
    for instant, number, why in tally.blank[:10]:
        out.line(f"- {when_s(instant)} screen {number}: {why}")
    for phase in ("warm-up", "after"):
        lags = sorted(tally.lags[phase])
        if lags:
            out.line(lag_line(phase, lags, speed))
    waits = sorted(tally.waits)
    if waits:
        scaled = min(run.timing.poll_timeout_ms, run.timing.first_timeout_ms) / 1000 / speed
        slow = sum(1 for wait in waits if wait > scaled)
        out.line(
            f"Answers took (real ms, request sent to body read): median "
            f"{quantile(waits, 0.5) * 1000:.1f}, p99 {quantile(waits, 0.99) * 1000:.1f}, max "
            f"{waits[-1] * 1000:.0f}; {slow:,} took longer than {scaled * 1000:.0f} ms, the "
            f"page's shorter timeout compressed {speed:g} x (timeouts apply in real time here)."
        )
    total = sum(tally.per_second)
    step = max(1, int(speed))
    real_seconds = [
        (sum(tally.per_second[s : s + step]), s) for s in range(0, len(tally.per_second), step)
    ]
    real_peak, peak_at = max(real_seconds)
    origin = run.origin
    assert origin is not None
    origin_total = sum(origin.screens) + sum(origin.refresh)
    out.line(
        f"Real rates the machine handled: {total / run.real_seconds:,.0f} edge requests/s on "
        f"average, {real_peak:,} in the busiest real second (simulated "
        f"{when(tally.start + peak_at)}); {origin_total / run.real_seconds:.1f} origin GETs/s "
        "on average."
    )


def lag_line(phase: str, lags: Sequence[float], speed: float) -> str:
    """How late requests went out, and whether the per-second figures can be trusted.

    After warm-up, a p99 lag within TRUSTED_LAG_P99 simulated seconds is small
    next to the 15 s the page's jitter spreads each school's screens over.
    """
    p50, p99, p999 = (quantile(lags, q) for q in (0.5, 0.99, 0.999))
    late = sum(1 for lag in lags if lag > TRUSTED_LAG_P99)
    if phase == "warm-up":
        verdict = "warm-up is reported apart, its lag does not weigh on the figures after it"
    elif p99 <= TRUSTED_LAG_P99:
        verdict = "small next to the page's 15 s jitter: the timing figures hold"
    else:
        verdict = "LARGE: requests went out late, so the per-second figures are NOT trustworthy"
    return (
        f"Scheduling lag, {phase} (sent versus due, simulated seconds; real ms at {speed:g} x): "
        f"median {p50:.2f} ({p50 / speed * 1000:.1f} ms), p99 {p99:.2f} "
        f"({p99 / speed * 1000:.1f} ms), p99.9 {p999:.2f}, max {lags[-1]:.2f}; {late:,} of "
        f"{len(lags):,} requests more than {TRUSTED_LAG_P99:g} s late. {verdict}."
    )


def quantile(ordered: Sequence[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def expected_polls(run: Run) -> tuple[float, float]:
    """About how many manifest polls and page re-reads the page's schedule makes in the span."""
    end = run.tally.start + len(run.tally.per_second) - 1
    jitter_s = run.timing.poll_jitter_ms / 1000 / 2  # the mean of random() x jitter
    build_check_s = run.timing.build_check_ms / 1000
    polls = pages = 0.0
    for screen in run.screens:
        period = 60 + screen.school.offset_ms / 1000 + jitter_s
        on = end - screen.switch_on
        polls += on / period
        pages += 1 + on / (build_check_s + period / 2)  # at the first poll, then past 10 min
    return polls, pages


def checks_section(out: Printer, run: Run) -> None:
    tally, origin = run.tally, run.origin
    assert origin is not None
    out.heading("Consistency")
    counted = answers(tally)
    by_kind = Counter({kind: 0 for kind in KINDS})
    for (kind, _, _), n in counted.items():
        by_kind[kind] += n
    polls, pages = expected_polls(run)
    out.line(
        f"- Manifest requests: {by_kind['manifest']:,}; the schedule makes about {polls:,.0f} "
        f"(each screen's time on / (60 s + its school's offset + 7.5 s mean jitter))."
    )
    out.line(
        f"- Page requests: {by_kind['page']:,}; about {len(run.screens) + pages:,.0f} expected "
        "(one load per screen, then a re-read at the first poll after each 10 minutes)."
    )
    # The first publish's day files and assets, but for yesterday's day files (a window
    # holds yesterday before local noon), which no screen asks for.
    yesterdays = sum(
        1
        for school in run.schools
        if dt.datetime.fromtimestamp(tally.start, school.zone).time() < WINDOW_MOVES_AT
    )
    days = run.passes[0].new_immutable - yesterdays
    later_days = sum(p.new_immutable for p in run.passes[1:])
    hours = (len(tally.per_second) - 1) / 3600
    expiries = 2 * len(run.schools) * hours  # a manifest and a page per school, once an hour
    expected = days + later_days + expiries
    measured = sum(origin.screens)
    out.line(
        f"- Origin GETs for screens: {measured:,}; expected about {expected:,.0f} = "
        f"{days:,} objects of the first publish that are not refreshed (day files from "
        f"today on, assets) + "
        f"{later_days} day files written later + about {expiries:,.0f} hourly expiries "
        f"(a manifest and a page per school per simulated hour)."
    )
    refreshed = sum(p.refreshed for p in run.passes)
    seen = sum(origin.refresh) + origin.before_start["refresh"]
    out.line(f"- Refresh GETs at the origin: {seen:,}; the publisher refreshed {refreshed:,} keys.")
    if run.edge_lines:
        edge_total = sum(counted.values())
        out.line(
            f"- The edge's access log: {run.edge_lines['lines']:,} lines = {edge_total:,} screen "
            f"requests + {run.edge_lines['refreshes']:,} refreshes + background updates; "
            f"{run.edge_lines['to the store']:,} lines asked the store, against "
            f"{measured + seen:,} GETs the store logged from the edge."
        )


def targets_section(out: Printer, run: Run) -> None:
    tally, origin = run.tally, run.origin
    assert origin is not None
    edge, hits, cached, screens, refresh = ratios(run, "after")
    bells = bell_figures(run)
    bell_row = "no bell in the span"
    if bells is not None:
        bell_row = (
            f"origin: {bells.renewed + bells.fetched} GETs in the {BELL_WINDOW} s after "
            f"{bells.instants} bells ({bells.renewed} renewals, {bells.fetched} new objects; "
            f"{bells.renewed_control + bells.fetched_control:.0f} in the same seconds an hour "
            f"away), busiest second {bells.origin_peak}; edge: {bells.edge_ratio_mean:.2f} x "
            f"its hourly rate after a bell, busiest second {bells.edge_peak} requests"
        )
    midnight_rows = []
    for midnight, _zones in local_moments(run, dt.time()):
        second = tally.second(midnight)
        after = second + 60 * AFTER
        midnight_rows.append(
            f"{when(midnight)}: {window(origin.screens, second - 600, second)} in the 10 min "
            f"before; {origin_causes(origin, second, after)} in the {AFTER} min after"
        )
    out.heading("Against the old system and the targets")
    out.table(
        ["figure", "old system (BACKGROUND.md)", "target", "this run (simulated time)"],
        [
            [
                "requests at countdown zero",
                OLD["peak"] + " (at the origin)",
                "origin: zero beyond the steady background",
                bell_row,
            ],
            [
                "origin requests around midnight",
                "every key missed at once",
                "zero beyond the steady background",
                "; ".join(midnight_rows),
            ],
            [
                "cache hit rate (after warm-up)",
                OLD["hit"],
                "above 99% at the edge",
                f"{percent(hits, edge)} X-Cache-Status HIT; {percent(edge - screens, edge)} = "
                f"1 - origin/edge ({percent(edge - screens - refresh, edge)} with refreshes)",
            ],
            [
                "blank screens",
                OLD["blank"],
                "none at any moment",
                f"{len(tally.blank)} in {tally.checks:,} checks",
            ],
        ],
    )
    sys.stdout.flush()
