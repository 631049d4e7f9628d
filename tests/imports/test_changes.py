"""Dated changes applied to the schools a file names: only those schools move, the
next publish writes only the changed days, and one bad row applies nothing.
Through `apply_changes`, as a changes reader returns them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from schools import riyadh_school, save, stored

from publisher.build.source import SubstitutionRow
from publisher.imports.saving import apply_changes
from publisher.imports.timetable import Change

SUNDAY = dt.date(2026, 11, 22)


def change(school: str | None, row: SubstitutionRow, line: int = 2) -> Change:
    return Change(f"cover.csv, row {line}", school, row)


def substitute(date: dt.date, period: int, cls: str, teacher: str) -> SubstitutionRow:
    return SubstitutionRow(date, period, cls, teacher, False)


def test_changes_reach_only_the_schools_they_name(sessions):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"), riyadh_school("gamma"))
    monday = SUNDAY + dt.timedelta(days=1)
    changes = [
        change("alpha", substitute(monday, 1, "1A", "Cover Teacher")),
        change("beta", SubstitutionRow(monday, 2, "1B", None, True)),
        change(None, SubstitutionRow(monday, 4, "1A", None, False, "Lab 2"), line=4),
    ]

    outcomes = apply_changes(sessions, "cover.csv", changes, school="gamma")

    assert [(o.slug, o.revision, o.changed) for o in outcomes] == [
        ("alpha", 2, True),
        ("beta", 2, True),
        ("gamma", 2, True),
    ]
    assert substitute(monday, 1, "1A", "Cover Teacher") in stored(sessions, "alpha").substitutions
    assert stored(sessions, "gamma").substitutions[-1].room == "Lab 2"


def test_a_change_replaces_the_one_of_its_date_period_and_class(sessions):
    save(sessions, riyadh_school("alpha"))  # Sunday period 1, 1A: Substitute Sara

    apply_changes(sessions, "c.csv", [change("alpha", substitute(SUNDAY, 1, "1A", "Huda"))], None)

    rows = [s for s in stored(sessions, "alpha").substitutions if s.date == SUNDAY]
    assert [(s.period, s.school_class, s.teacher) for s in rows] == [
        (1, "1A", "Huda"),
        (2, "1B", None),
    ]


def test_changes_already_there_keep_the_revision(sessions):
    save(sessions, riyadh_school("alpha"))
    same = change("alpha", substitute(SUNDAY, 1, "1A", "Substitute Sara"))

    [outcome] = apply_changes(sessions, "c.csv", [same], None)

    assert (outcome.revision, outcome.changed) == (1, False)


def refused(sessions, *changes: Change, school: str | None = None) -> str:
    """The one line a changes file is refused with; no school was touched."""
    before = [stored(sessions, slug) for slug in ("alpha", "beta")]
    [outcome] = apply_changes(sessions, "cover.csv", list(changes), school)
    assert outcome.error is not None and "\n" not in outcome.error
    assert [stored(sessions, slug) for slug in ("alpha", "beta")] == before
    return outcome.error


GOOD = change("alpha", substitute(SUNDAY, 1, "1B", "Cover"))


def test_a_class_that_does_not_exist_is_refused_and_nothing_is_applied(sessions):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))

    error = refused(sessions, GOOD, change("beta", substitute(SUNDAY, 1, "9Z", "X"), line=3))

    assert error == 'cover.csv, row 3: school "beta" has no class "9Z"'


def test_a_period_that_does_not_exist_or_is_a_break_is_refused(sessions):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))

    assert refused(sessions, GOOD, change("alpha", substitute(SUNDAY, 3, "1A", "X"))) == (
        'cover.csv, row 2: 2026-11-22 follows bell schedule "regular" of school "alpha",'
        " which has no lesson period 3"
    )
    assert refused(sessions, change("alpha", substitute(SUNDAY, 9, "1A", "X"))).endswith(
        "which has no lesson period 9"
    )


def test_a_date_outside_the_schools_calendar_is_refused(sessions):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    friday = SUNDAY + dt.timedelta(days=5)
    national_day = dt.date(2026, 11, 24)

    assert refused(sessions, change("alpha", substitute(friday, 1, "1A", "X"))) == (
        'cover.csv, row 2: 2026-11-27 is a weekend day of school "alpha", not a school day'
    )
    assert refused(sessions, change("alpha", substitute(national_day, 1, "1A", "X"))) == (
        'cover.csv, row 2: 2026-11-24 is a holiday of school "alpha", not a school day'
    )


def test_a_school_that_does_not_exist_or_is_not_named_is_refused(sessions):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))

    assert refused(sessions, GOOD, change("delta", substitute(SUNDAY, 1, "1A", "X"))) == (
        'cover.csv, row 2: there is no school "delta"'
    )
    assert refused(sessions, change(None, substitute(SUNDAY, 1, "1A", "X"), line=5)) == (
        "cover.csv, row 5: names no school: add a school column, or give --school"
    )


def test_the_next_publish_writes_exactly_the_changed_day_file_and_manifest(cli, sessions):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    assert cli("publish", "--all").exit_code == 0
    today = dt.datetime.now(ZoneInfo("Asia/Riyadh")).date()
    school_day = next(
        day
        for day in (today + dt.timedelta(days=n) for n in range(1, 6))
        if day.weekday() not in (4, 5) and day != dt.date(2026, 11, 24)
    )

    apply_changes(sessions, "c.csv", [change("alpha", substitute(school_day, 1, "1A", "X"))], None)
    planned = json.loads(cli("publish", "--all", "--dry-run", "--json").stdout)

    writes = [(w["school"], w["key"].rsplit("/", 1)[-1][:10]) for w in planned["writes"]]
    assert sorted(writes) == [("alpha", school_day.isoformat()), ("alpha", "manifest.j")]
