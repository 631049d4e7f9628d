"""A school is skipped without being built only when nothing its files are built from changed.

Each input the digest names (publisher/publish/inputs.py), changed alone, makes
that school, and only it, be built again; anything else leaves every school
unbuilt and the store unasked. A run is composed as `publisher publish` composes
it: `due_schools`, then `publish` of the schools due.

Each test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from schools import riyadh_school, save, stored, t
from store_checks import RecordingStore

from publisher.build.alert import AlertMessage
from publisher.build.source import DisplaySettings, PeriodRow
from publisher.config import CachePolicy, PublishSettings
from publisher.db import transaction
from publisher.db.alerts import add_alert, clear_alerts
from publisher.page import asset_build_hash
from publisher.page.build import PageBuild, current_page_build
from publisher.publish import RunSummary, due_schools, publish
from publisher.publish import inputs as inputs_module
from publisher.publish.inputs import SHAPING, code_version
from publisher.stores.local import LocalStore

SETTINGS = PublishSettings(concurrency=4)
PAGE = current_page_build()


@pytest.fixture
def store(tmp_path: Path) -> RecordingStore:
    return RecordingStore(LocalStore.open(tmp_path / "public"))


@pytest.fixture
def schools(sessions, store, now) -> dict[str, int]:
    """Two schools, published once: every later run starts from their digests."""
    alpha, beta = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    first = run(sessions, store, [alpha, beta], now)
    assert sorted(first.published) == ["alpha", "beta"]
    return {"alpha": alpha, "beta": beta}


def run(sessions, store, ids, now, settings=SETTINGS, page=PAGE) -> RunSummary:
    """One run as `publisher publish --all` makes it, with the store's requests counted."""
    store.puts.clear()
    store.asked = 0
    due = due_schools(sessions, store.identity(), ids, now, settings, page)
    summary = publish(sessions, store, due.school_ids, now, settings, page=page)
    summary.add_unbuilt(due.unchanged)
    return summary


def built(summary: RunSummary) -> int:
    """How many schools the run built (one build time each)."""
    return len(summary.build_seconds)


def test_with_nothing_changed_no_school_is_built_and_the_store_is_not_asked(
    sessions, store, schools, now
):
    summary = run(sessions, store, list(schools.values()), now)

    assert (built(summary), summary.unchanged, summary.published) == (0, ["alpha", "beta"], [])
    assert store.asked == 0


def test_time_passing_within_the_window_builds_nothing(sessions, store, schools, now):
    later = now + dt.timedelta(hours=5)  # 18:00 in Riyadh: the same window of dates

    summary = run(sessions, store, list(schools.values()), later)

    assert (built(summary), store.asked) == (0, 0)


def test_other_settings_than_those_reaching_the_files_build_nothing(sessions, store, schools, now):
    settings = dataclasses.replace(SETTINGS, concurrency=1)

    summary = run(sessions, store, list(schools.values()), now, settings)

    assert (built(summary), store.asked) == (0, 0)


def test_publishing_to_another_target_leaves_this_targets_digests(
    sessions, store, schools, now, tmp_path
):
    other = RecordingStore(LocalStore.open(tmp_path / "other"))
    assert built(run(sessions, other, list(schools.values()), now)) == 2

    summary = run(sessions, store, list(schools.values()), now)

    assert (built(summary), store.asked) == (0, 0)


def edited_lesson(school):
    first, *rest = school.lessons
    return dataclasses.replace(school, lessons=(first._replace(subject="Physics"), *rest))


def edited_bell(school):
    regular, *others = school.bell_schedules
    first, *rest = regular.periods
    moved = PeriodRow(first.index, first.kind, first.label, t("07:05"), first.end)
    return dataclasses.replace(
        school,
        bell_schedules=(dataclasses.replace(regular, periods=(moved, *rest)), *others),
    )


def edited_display(school):
    return dataclasses.replace(school, display=DisplaySettings(accent="#0a7d4f"))


@pytest.mark.parametrize(
    "edit",
    [edited_lesson, edited_bell, edited_display],
    ids=["a lesson", "a bell time", "a display setting"],
)
def test_an_edit_of_one_schools_data_builds_and_publishes_that_school_alone(
    sessions, store, schools, now, edit
):
    save(sessions, edit(riyadh_school("alpha")).normalized())

    summary = run(sessions, store, list(schools.values()), now)

    assert (built(summary), summary.published, summary.unchanged) == (1, ["alpha"], ["beta"])
    assert any(key.endswith("/manifest.json") for key in store.puts)


@pytest.mark.parametrize(
    "settings",
    [
        dataclasses.replace(SETTINGS, days=3),
        dataclasses.replace(SETTINGS, public_url="https://screens.example.org/"),
        dataclasses.replace(SETTINGS, poll_interval=120),
        dataclasses.replace(SETTINGS, cache=CachePolicy(mutable_max_age=30)),
    ],
    ids=["--days", "--public-url", "--poll-interval", "--max-age"],
)
def test_a_setting_that_reaches_the_files_builds_every_school_again(
    sessions, store, schools, now, settings
):
    page = current_page_build(settings.public_url)

    summary = run(sessions, store, list(schools.values()), now, settings, page)

    assert built(summary) == 2
    assert sorted(summary.published) == ["alpha", "beta"]


def test_a_new_page_build_builds_every_school_again(sessions, store, schools, now):
    files = {**PAGE.assets, "js/main.js": PAGE.assets["js/main.js"] + b"\n// a new build\n"}
    page = PageBuild(asset_build_hash(files), files, PAGE.service_worker)

    summary = run(sessions, store, list(schools.values()), now, page=page)

    assert built(summary) == 2
    assert sum(key.endswith("/index.html") for key in store.puts) == 2


def test_a_new_version_of_the_build_code_builds_every_school_again(
    sessions, store, schools, now, monkeypatch
):
    monkeypatch.setattr(inputs_module, "code_version", lambda: "another version")

    summary = run(sessions, store, list(schools.values()), now)

    assert built(summary) == 2
    assert summary.published == []  # the same bytes: nothing to write, but compared


def test_the_build_codes_version_covers_every_source_it_names():
    package = Path(inputs_module.__file__).parent.parent
    for name in SHAPING:
        path = package / name
        assert path.exists(), f"{name} is not in the package: the digest would miss its changes"
    assert len(code_version()) == 64


def test_a_new_date_entering_the_window_builds_every_school_again(sessions, store, schools, now):
    tomorrow = now + dt.timedelta(days=1)  # past the next local noon: one more date

    summary = run(sessions, store, list(schools.values()), tomorrow)

    assert built(summary) == 2
    assert sorted(summary.published) == ["alpha", "beta"]
    assert sum("/days/" in key for key in store.puts) == 2  # the new date's day file each


def test_an_alert_put_up_or_ended_builds_its_schools_again(sessions, store, schools, now):
    message = AlertMessage("urgent", "Stay inside", now, until=now + dt.timedelta(minutes=30))
    with transaction(sessions) as session:
        add_alert(session, [schools["beta"]], message, "admin")

    up = run(sessions, store, list(schools.values()), now)
    ended = run(sessions, store, list(schools.values()), now + dt.timedelta(hours=1))

    assert (built(up), up.published) == (1, ["beta"])
    assert (built(ended), ended.published) == (1, ["beta"])
    with transaction(sessions) as session:
        clear_alerts(session, [schools["beta"]], now, "admin")
    assert built(run(sessions, store, list(schools.values()), now + dt.timedelta(hours=1))) == 0


def test_a_school_whose_publish_failed_is_built_again_at_the_next_run(
    sessions, store, schools, now
):
    save(sessions, edited_lesson(riyadh_school("alpha")).normalized())
    store.fail_prefixes = (f"schools/{stored(sessions, 'alpha').key}/",)
    failed = run(sessions, store, list(schools.values()), now)
    store.fail_prefixes = ()

    again = run(sessions, store, list(schools.values()), now)
    then = run(sessions, store, list(schools.values()), now)

    assert list(failed.failed) == ["alpha"]
    assert (built(again), again.published) == (1, ["alpha"])
    assert (built(then), store.asked) == (0, 0)
