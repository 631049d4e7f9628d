"""A school's hours: from its day's first bell to its last, in its own time zone,
on the days it has lessons (the build room's own `kind_of_day` decides: a weekend
or a holiday has no hours). A screen is only missed while school is on."""

from __future__ import annotations

import datetime as dt

from publisher.build import SchoolData, kind_of_day, school_zone
from publisher.errors import BuildError

HORIZON_DAYS = 366
"""How far back a silence is counted: a screen silent for a year is silent enough."""


def school_hours(school: SchoolData, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The UTC instants of `day`'s first and last bell, or None when school is not
    on that day (a weekend, a holiday, no periods, or data that cannot be built,
    which `publisher status` reports)."""
    try:
        kind = kind_of_day(school, day)
    except BuildError:
        return None
    if kind.status != "school_day" or kind.schedule is None or not kind.schedule.periods:
        return None
    zone = school_zone(school)
    first = min(period.start for period in kind.schedule.periods)
    last = max(period.end for period in kind.schedule.periods)
    return (
        dt.datetime.combine(day, first, zone).astimezone(dt.UTC),
        dt.datetime.combine(day, last, zone).astimezone(dt.UTC),
    )


def silence_in_hours(
    school: SchoolData, since: dt.datetime, now: dt.datetime, enough: dt.timedelta
) -> dt.timedelta:
    """How much of the time from `since` to `now` fell within the school's hours.

    Counted back from `now`, day by day, and no further once `enough` is reached
    (nor past `HORIZON_DAYS`): the question is only whether a screen has been
    silent that long while it should have been polling.
    """
    zone = school_zone(school)
    day = now.astimezone(zone).date()
    first = since.astimezone(zone).date()
    total = dt.timedelta(0)
    for _ in range(HORIZON_DAYS):
        if day < first or total >= enough:
            break
        hours = school_hours(school, day)
        if hours is not None:
            overlap = min(hours[1], now) - max(hours[0], since)
            total += max(overlap, dt.timedelta(0))
        day -= dt.timedelta(days=1)
    return total
