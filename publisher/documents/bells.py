"""Validating the time structure of a school document: bell schedules, the week and the calendar."""

from __future__ import annotations

from typing import Any

from publisher.build.source import PERIOD_KINDS, WEEKDAYS, BellScheduleRow, CalendarRow, PeriodRow
from publisher.documents import limits
from publisher.documents.fields import (
    At,
    choice,
    clock,
    date,
    describe,
    integer,
    records,
    text,
    time,
    weekday,
)
from publisher.errors import QUOTED_LENGTH, quote


def bell_schedules(value: Any, at: At) -> tuple[BellScheduleRow, ...]:
    """Named lists of periods, each ending after it starts, none overlapping another."""
    if not isinstance(value, dict):
        at.fail(f"expected a mapping of schedule names to periods, found {describe(value)}")
    if len(value) > limits.BELL_SCHEDULES:
        at.fail(f"has {len(value)} bell schedules; at most {limits.BELL_SCHEDULES} are allowed")
    schedules = []
    for name, periods in value.items():
        if not isinstance(name, str):
            at.fail(f"a bell schedule's name must be text, found {describe(name)}")
        where = at.key(name)
        _name(name, where)
        schedules.append(BellScheduleRow(name, _periods(periods, where)))
    return tuple(schedules)


def _periods(value: Any, at: At) -> tuple[PeriodRow, ...]:
    periods: list[tuple[At, PeriodRow]] = []
    fields = ("index", "kind", "start", "end")
    for where, row in records(value, at, fields, ("label",), max_items=limits.PERIODS):
        period = PeriodRow(
            index=integer(row["index"], where.key("index")),
            kind=choice(row["kind"], where.key("kind"), PERIOD_KINDS),
            label=text(row.get("label", ""), where.key("label"), allow_empty=True),
            start=time(row["start"], where.key("start")),
            end=time(row["end"], where.key("end")),
        )
        if period.end <= period.start:
            relation = "when" if period.end == period.start else "before"
            where.key("end").fail(
                f"ends at {clock(period.end)}, {relation} it starts at {clock(period.start)}"
            )
        for earlier_at, earlier in periods:
            if earlier.index == period.index:
                where.key("index").fail(
                    f"index {period.index} is already used by {earlier_at.path}"
                )
            if period.start < earlier.end and earlier.start < period.end:
                where.fail(
                    f"{clock(period.start)}-{clock(period.end)} overlaps {earlier_at.path}"
                    f" ({clock(earlier.start)}-{clock(earlier.end)})"
                )
        periods.append((where, period))
    return tuple(period for _, period in periods)


def _name(value: Any, at: At) -> str:
    return text(value, at, max_length=limits.SHORT_NAME_LENGTH, identifier=True)


def schedule_name(value: Any, at: At, schedules: tuple[BellScheduleRow, ...]) -> str:
    """The name of one of `schedules`."""
    name = _name(value, at)
    known = [s.name for s in schedules]
    if name not in known:
        listed = ", ".join(known) or "none"
        if len(listed) > QUOTED_LENGTH:
            listed = f"{listed[:QUOTED_LENGTH]}…"
        at.fail(f"unknown bell schedule {quote(name)} (known: {listed})")
    return name


def week_plan(
    value: Any, at: At, schedules: tuple[BellScheduleRow, ...], weekend: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """Weekday -> bell schedule name: every school day has one, no weekend day does."""
    if not isinstance(value, dict):
        at.fail(f"expected a mapping of weekdays to bell schedule names, found {describe(value)}")
    week = []
    for day, name in value.items():
        weekday(day, at)
        if day in weekend:
            at.key(day).fail(f"{day} is a weekend day, which has no bell schedule")
        week.append((day, schedule_name(name, at.key(day), schedules)))
    for day in WEEKDAYS:
        if day not in weekend and day not in value:
            at.fail(f"{day} is not a weekend day but has no bell schedule")
    return tuple(week)


def calendar(value: Any, at: At, schedules: tuple[BellScheduleRow, ...]) -> tuple[CalendarRow, ...]:
    """Holidays, and special days that use another bell schedule, over ranges of dates."""
    rows = []
    fields = ("kind", "first", "last")
    optional = ("label", "schedule")
    for where, row in records(value, at, fields, optional, max_items=limits.CALENDAR_ENTRIES):
        kind = choice(row["kind"], where.key("kind"), ("holiday", "special"))
        first = date(row["first"], where.key("first"))
        last = date(row["last"], where.key("last"))
        if last < first:
            where.key("last").fail(f"{last} is before the first date {first}")
        schedule = None
        if kind == "special":
            if "schedule" not in row:
                where.key("schedule").fail("a special day needs the bell schedule it uses")
            schedule = schedule_name(row["schedule"], where.key("schedule"), schedules)
        elif "schedule" in row:
            where.key("schedule").fail("a holiday has no bell schedule (use kind: special)")
        label = text(row.get("label", ""), where.key("label"), allow_empty=True)
        rows.append(CalendarRow(kind, first, last, label, schedule))
    return tuple(rows)
