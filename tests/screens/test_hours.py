"""A school's hours and a screen's silence within them (`publisher.screens.hours`).

The Riyadh test school (UTC+3): lessons Sunday to Thursday, 07:00 to 12:10;
Friday and Saturday are its weekend; Tuesday 24 November 2026 is a holiday and
Wednesday 25 an exam day, 08:00 to 11:30.
"""

from __future__ import annotations

import datetime as dt

import pytest
from schools import riyadh_school

from publisher.screens import school_hours, silence_in_hours

RIYADH = dt.timezone(dt.timedelta(hours=3))
TEN_MINUTES = dt.timedelta(minutes=10)


def riyadh(day: int, hhmm: str) -> dt.datetime:
    """An instant in Riyadh on `day` November 2026."""
    return dt.datetime.combine(dt.date(2026, 11, day), dt.time.fromisoformat(hhmm), RIYADH)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        pytest.param(22, ("07:00", "12:10"), id="sunday"),
        pytest.param(25, ("08:00", "11:30"), id="exam-day-its-own-bells"),
        pytest.param(24, None, id="holiday"),
        pytest.param(27, None, id="friday-weekend"),
    ],
)
def test_school_hours_run_from_the_first_bell_to_the_last_of_a_school_day(day, hours):
    found = school_hours(riyadh_school(), dt.date(2026, 11, day))
    expected = hours and (riyadh(day, hours[0]), riyadh(day, hours[1]))
    assert found == expected


@pytest.mark.parametrize(
    ("last_poll", "now", "silent"),
    [
        pytest.param((22, "07:30"), (22, "07:45"), 15, id="in-lessons"),
        pytest.param((22, "12:30"), (23, "07:05"), 5, id="overnight-does-not-count"),
        pytest.param((22, "06:00"), (22, "07:05"), 5, id="before-the-first-bell-does-not"),
        pytest.param((23, "12:30"), (24, "10:00"), 0, id="holiday"),
        pytest.param((26, "13:00"), (28, "10:00"), 0, id="weekend"),
        pytest.param((26, "12:05"), (29, "07:08"), 13, id="across-a-weekend"),
    ],
)
def test_silence_counts_only_school_hours(last_poll, now, silent):
    found = silence_in_hours(
        riyadh_school(), riyadh(*last_poll), riyadh(*now), dt.timedelta(hours=1)
    )
    assert found == dt.timedelta(minutes=silent)


def test_silence_is_counted_back_only_until_it_is_enough():
    since, now = riyadh(1, "00:00"), riyadh(22, "08:00")
    assert silence_in_hours(riyadh_school(), since, now, TEN_MINUTES) == dt.timedelta(hours=1)
