"""The pure build: a school's data and a date give one day snapshot, always the same bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from schools import riyadh_school, t

from publisher.build import build_day, build_manifest, kind_of_day, local_today, window_dates
from publisher.build.manifest import ManifestEntry
from publisher.build.source import BellScheduleRow, PeriodRow
from publisher.errors import BuildError

SUNDAY = dt.date(2026, 11, 22)


def periods(snapshot):
    return {p["index"]: p for p in snapshot.document["periods"]}


@pytest.mark.parametrize(
    ("day", "status", "label", "schedule"),
    [
        pytest.param(dt.date(2026, 11, 22), "school_day", "", "regular", id="sunday-regular"),
        pytest.param(dt.date(2026, 11, 24), "holiday", "National Day", None, id="holiday"),
        pytest.param(dt.date(2026, 11, 25), "school_day", "Exams", "exams", id="special-day"),
        pytest.param(dt.date(2026, 11, 27), "weekend", "", None, id="friday-weekend"),
        pytest.param(dt.date(2026, 11, 28), "weekend", "", None, id="saturday-weekend"),
    ],
)
def test_each_date_resolves_to_its_kind_of_day(day, status, label, schedule):
    document = build_day(riyadh_school(), day).document
    assert (document["status"], document["label"], document["schedule"]) == (
        status,
        label,
        schedule,
    )
    assert document["date"] == day.isoformat()
    assert bool(document["periods"]) == (status == "school_day")


def test_a_holiday_wins_over_a_special_day_on_the_same_date():
    school = riyadh_school()
    holiday = dataclasses.replace(
        school.calendar[0], first=dt.date(2026, 11, 25), last=dt.date(2026, 11, 25)
    )
    school = dataclasses.replace(school, calendar=(holiday, school.calendar[1]))
    assert kind_of_day(school, dt.date(2026, 11, 25)).status == "holiday"


def test_a_special_day_applies_even_on_a_weekend():
    school = riyadh_school()
    makeup = dataclasses.replace(
        school.calendar[1], first=dt.date(2026, 11, 28), last=dt.date(2026, 11, 28)
    )
    school = dataclasses.replace(school, calendar=(makeup,))
    document = build_day(school, dt.date(2026, 11, 28)).document
    assert document["status"] == "school_day"
    assert document["schedule"] == "exams"


def test_periods_carry_local_times_and_utc_instants():
    first = periods(build_day(riyadh_school(), SUNDAY))[1]
    assert (first["start"], first["end"]) == ("07:00", "07:45")
    assert (first["starts_at"], first["ends_at"]) == (
        "2026-11-22T04:00:00Z",
        "2026-11-22T04:45:00Z",
    )


def test_lessons_are_listed_per_class_in_class_order():
    lessons = periods(build_day(riyadh_school(), dt.date(2026, 11, 23)))[4]["lessons"]
    assert lessons == [
        {"class": "1A", "subject": "Arabic", "teacher": "T-Arabic-A"},
        {"class": "1B", "subject": "Arabic", "teacher": "T-Arabic-B"},
    ]


def test_breaks_and_prayers_carry_no_lessons():
    by_index = periods(build_day(riyadh_school(), SUNDAY))
    assert by_index[3]["kind"] == "break" and by_index[3]["lessons"] == []
    assert by_index[5]["kind"] == "prayer" and by_index[5]["lessons"] == []


def test_a_special_day_keeps_the_weekday_lessons_of_the_periods_it_has():
    by_index = periods(build_day(riyadh_school(), dt.date(2026, 11, 25)))
    assert sorted(by_index) == [1, 2]
    assert by_index[1]["starts_at"] == "2026-11-25T05:00:00Z"
    assert by_index[1]["lessons"][0]["subject"] == "Maths"


def test_substitutions_replace_a_teacher_or_cancel_a_lesson_on_their_date_only():
    sunday = periods(build_day(riyadh_school(), SUNDAY))
    assert sunday[1]["lessons"][0] == {
        "class": "1A",
        "subject": "Maths",
        "teacher": "Substitute Sara",
        "change": "substitute",
        "replaces": "T-Maths-A",
    }
    assert sunday[2]["lessons"][1]["change"] == "cancelled"
    next_sunday = periods(build_day(riyadh_school(), SUNDAY + dt.timedelta(days=7)))
    assert "change" not in next_sunday[1]["lessons"][0]


@pytest.mark.parametrize(
    ("day", "duties", "announcements"),
    [
        pytest.param(SUNDAY, ["Duty Daily"], ["Trip on Monday"], id="weekday-duty"),
        pytest.param(dt.date(2026, 11, 23), ["Duty Once"], ["Trip on Monday"], id="dated-duty"),
        pytest.param(dt.date(2026, 11, 29), ["Duty Daily"], [], id="announcement-over"),
        pytest.param(dt.date(2026, 11, 24), [], [], id="no-duty-on-a-holiday"),
    ],
)
def test_duties_and_announcements_follow_their_dates(day, duties, announcements):
    document = build_day(riyadh_school(), day).document
    assert [d["teacher"] for d in document["duties"]] == duties
    assert [a["text"] for a in document["announcements"]] == announcements


@pytest.mark.parametrize(
    ("day", "next_day", "starts_at"),
    [
        pytest.param(
            dt.date(2026, 11, 23), "2026-11-25", "2026-11-25T05:00:00Z", id="over-holiday"
        ),
        pytest.param(
            dt.date(2026, 11, 26), "2026-11-29", "2026-11-29T04:00:00Z", id="over-weekend"
        ),
    ],
)
def test_each_day_names_the_next_school_day_and_its_first_bell(day, next_day, starts_at):
    following = build_day(riyadh_school(), day).document["next_school_day"]
    assert following == {"date": next_day, "start": following["start"], "starts_at": starts_at}


LONDON = dict(
    timezone="Europe/London",
    locale="en",
    weekend=("friday", "saturday"),  # works on Sundays, so DST days are school days
    bell_schedules=(
        BellScheduleRow(
            "regular",
            (
                PeriodRow(1, "lesson", "Early", t("00:30"), t("02:30")),
                PeriodRow(2, "lesson", "Morning", t("09:00"), t("10:00")),
            ),
        ),
        BellScheduleRow("exams", ()),
    ),
    calendar=(),
)


@pytest.mark.parametrize(
    ("day", "day_bounds", "early", "morning"),
    [
        pytest.param(
            dt.date(2026, 3, 22),
            ("2026-03-22T00:00:00Z", "2026-03-23T00:00:00Z"),
            ("2026-03-22T00:30:00Z", "2026-03-22T02:30:00Z"),
            "2026-03-22T09:00:00Z",
            id="winter-sunday",
        ),
        pytest.param(
            dt.date(2026, 3, 29),
            ("2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"),
            ("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"),
            "2026-03-29T08:00:00Z",
            id="spring-forward-23-hours",
        ),
        pytest.param(
            dt.date(2026, 10, 25),
            ("2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z"),
            ("2026-10-24T23:30:00Z", "2026-10-25T02:30:00Z"),
            "2026-10-25T09:00:00Z",
            id="fall-back-25-hours",
        ),
    ],
)
def test_instants_are_right_on_daylight_saving_days(day, day_bounds, early, morning):
    school = riyadh_school("london", **LONDON)
    document = build_day(school, day).document
    assert (document["starts_at"], document["ends_at"]) == day_bounds
    by_index = {p["index"]: p for p in document["periods"]}
    assert (by_index[1]["starts_at"], by_index[1]["ends_at"]) == early
    assert by_index[2]["starts_at"] == morning


@pytest.mark.parametrize(
    ("now", "riyadh", "london"),
    [
        pytest.param("2026-11-22T20:59:00+00:00", "2026-11-22", "2026-11-22", id="23:59-riyadh"),
        pytest.param("2026-11-22T21:01:00+00:00", "2026-11-23", "2026-11-22", id="00:01-riyadh"),
        pytest.param("2026-11-23T00:01:00+00:00", "2026-11-23", "2026-11-23", id="00:01-london"),
    ],
)
def test_today_is_the_schools_own_local_date(now, riyadh, london):
    instant = dt.datetime.fromisoformat(now)
    assert local_today(riyadh_school(), instant).isoformat() == riyadh
    assert local_today(riyadh_school("l", **LONDON), instant).isoformat() == london


@pytest.mark.parametrize(
    ("local_now", "first", "last"),
    [
        pytest.param("2026-11-23T00:00:00+03:00", "2026-11-22", "2026-11-29", id="midnight"),
        pytest.param("2026-11-23T11:59:59+03:00", "2026-11-22", "2026-11-29", id="11:59:59"),
        pytest.param("2026-11-23T12:00:00+03:00", "2026-11-23", "2026-11-30", id="noon"),
        pytest.param("2026-11-23T23:59:59+03:00", "2026-11-23", "2026-11-30", id="23:59:59"),
        # London's clocks go back at 02:00 on 25 October 2026: a 25-hour day.
        pytest.param("2026-10-25T01:30:00+01:00", "2026-10-24", "2026-10-31", id="dst-before"),
        pytest.param("2026-10-25T01:30:00+00:00", "2026-10-24", "2026-10-31", id="dst-again"),
        pytest.param("2026-10-25T12:00:00+00:00", "2026-10-25", "2026-11-01", id="dst-noon"),
    ],
)
def test_a_window_holds_today_to_today_plus_n_minus_1_and_moves_on_at_local_noon(
    local_now, first, last
):
    instant = dt.datetime.fromisoformat(local_now)
    dates = window_dates(instant, 7)
    assert (dates[0].isoformat(), dates[-1].isoformat(), len(dates)) == (first, last, 8)
    today = instant.date()
    assert {today + dt.timedelta(days=i) for i in range(7)} <= set(dates)


def test_a_one_day_window_is_yesterday_and_today_then_today_and_tomorrow():
    morning = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert window_dates(morning, 1) == [dt.date(2026, 11, 22), dt.date(2026, 11, 23)]
    afternoon = morning.replace(hour=15)
    assert window_dates(afternoon, 1) == [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]


def test_the_same_data_and_date_always_give_the_same_bytes():
    first = build_day(riyadh_school(), SUNDAY)
    again = build_day(riyadh_school(), SUNDAY)
    assert first.content == again.content
    assert first.sha256 == again.sha256


def test_the_order_rows_arrive_in_does_not_change_the_bytes():
    school = riyadh_school()
    shuffled = dataclasses.replace(
        school,
        lessons=tuple(reversed(school.lessons)),
        calendar=tuple(reversed(school.calendar)),
        bell_schedules=tuple(reversed(school.bell_schedules)),
    ).normalized()
    assert build_day(shuffled, SUNDAY).content == build_day(school, SUNDAY).content


def test_files_are_canonical_json_in_utf8_without_escapes():
    school = riyadh_school()
    content = build_day(school, SUNDAY).content
    assert content == json.dumps(
        json.loads(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    manifest = build_manifest(school, [ManifestEntry(SUNDAY, "days/x.json", "ab")], 60)
    assert "مدرسة".encode() in manifest
    assert b"\\u" not in manifest and b" " not in manifest.replace("مدرسة alpha".encode(), b"")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'", id="bad-zone"
        ),
        pytest.param(
            {"week": (("monday", "regular"),)},
            "no bell schedule for sunday, which is not a weekend day",
            id="school-day-without-schedule",
        ),
        pytest.param(
            {
                "bell_schedules": (
                    BellScheduleRow(
                        "regular", (PeriodRow(1, "lesson", "x", t("09:00"), t("08:00")),)
                    ),
                )
            },
            "period 1 ends at 08:00, not after it starts at 09:00",
            id="period-ends-before-it-starts",
        ),
    ],
)
def test_inconsistent_data_raises_a_build_error_naming_the_school(changes, message):
    with pytest.raises(BuildError) as error:
        build_day(riyadh_school("broken", **changes), SUNDAY)
    assert str(error.value).startswith("school broken: ")
    assert message in str(error.value)
