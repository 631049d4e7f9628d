"""The publish run on the local store: the invariants of DESIGN.md, as sequences of runs.

Each test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from schools import LONDON, riyadh_school, save
from sqlalchemy import event, text
from store_checks import RecordingStore, assert_manifests_name_existing_files, manifests

from publisher.build.source import AnnouncementRow, SubstitutionRow
from publisher.config import CachePolicy, PublishSettings
from publisher.db import transaction
from publisher.publish.plan import Reason
from publisher.publish.run import plan_schools_in_batches, publish
from publisher.stores.local import LocalStore

SETTINGS = PublishSettings(concurrency=4)
WINDOW = SETTINGS.days + 1  # dates a manifest names: --days, and yesterday or today+days


@pytest.fixture
def store(tmp_path: Path) -> RecordingStore:
    return RecordingStore(LocalStore.open(tmp_path / "public"))


def run(sessions, store, ids, now, settings=SETTINGS):
    store.puts.clear()
    return publish(sessions, store, ids, now, settings)


def with_substitute_tomorrow(school, tomorrow):
    extra = SubstitutionRow(tomorrow, 1, "1A", "Nadia", False)
    return dataclasses.replace(school, substitutions=(*school.substitutions, extra))


def manifest_of(store, school_key):
    return json.loads(store.get(f"schools/{school_key}/manifest.json"))


def key_of(sessions, school_id):
    with transaction(sessions) as session:
        return session.execute(
            text("SELECT public_key FROM schools WHERE id = :id"), {"id": school_id}
        ).scalar_one()


def test_invariant_1_a_manifest_only_ever_names_files_already_stored(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    store.check_manifests = True
    run(sessions, store, ids, now)
    save(
        sessions,
        riyadh_school(
            "alpha",
            announcements=(AnnouncementRow("New", now.date(), now.date() + dt.timedelta(days=3)),),
        ),
    )
    run(sessions, store, ids, now + dt.timedelta(days=1))
    assert store.checks > 20
    assert_manifests_name_existing_files(store)


def test_each_school_writes_its_day_files_before_its_manifest(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    run(sessions, store, ids, now)
    names = [k.rsplit("/", 1)[-1] if "/days/" not in k else "day file" for k in store.puts]
    # The alert object last: nothing names it, and it is written whatever the days hold.
    assert names == ["day file"] * WINDOW + ["manifest.json", "alert.json"]


def test_invariant_3_publishing_twice_with_nothing_changed_writes_nothing(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))

    first = run(sessions, store, ids, now)
    assert first.objects_written == 2 * (WINDOW + 2)
    assert sorted(first.published) == ["alpha", "beta"]

    again = run(sessions, store, ids, now)
    assert (again.objects_written, store.puts, sorted(again.unchanged)) == (
        0,
        [],
        ["alpha", "beta"],
    )

    tomorrow = now.date() + dt.timedelta(days=1)
    save(sessions, with_substitute_tomorrow(riyadh_school("alpha"), tomorrow))
    changed = run(sessions, store, ids, now)
    alpha = key_of(sessions, ids[0])
    assert changed.published == ["alpha"]
    assert [(k.rsplit("/", 1)[-1][:10]) for k in store.puts] == [tomorrow.isoformat(), "manifest.j"]
    assert store.puts[0].startswith(f"schools/{alpha}/days/")

    assert run(sessions, store, ids, now).objects_written == 0
    assert store.puts == []


def test_unchanged_days_keep_their_keys_when_the_revision_moves(sessions, store, now):
    [school_id] = save(sessions, riyadh_school("alpha"))
    run(sessions, store, [school_id], now)
    before = manifest_of(store, key_of(sessions, school_id))
    tomorrow = now.date() + dt.timedelta(days=1)
    save(sessions, with_substitute_tomorrow(riyadh_school("alpha"), tomorrow))
    run(sessions, store, [school_id], now)
    after = manifest_of(store, key_of(sessions, school_id))
    assert after["revision"] == before["revision"] + 1
    changed = [a["date"] for a, b in zip(after["days"], before["days"], strict=True) if a != b]
    assert changed == [tomorrow.isoformat()]
    assert f"-r{after['revision']}-" in after["days"][1]["path"]


def test_invariant_4_every_school_has_its_own_today_to_today_plus_n_minus_1(sessions, store):
    ids = save(sessions, riyadh_school("riyadh"), riyadh_school("london", **LONDON))
    # 22:30 UTC: Monday 01:30 in Riyadh, Sunday 22:30 in London. Riyadh's window has
    # not moved on since its Sunday noon, so it still holds Sunday; London's has.
    now = dt.datetime(2026, 11, 22, 22, 30, tzinfo=dt.UTC)
    run(sessions, store, ids, now, PublishSettings(days=5))
    expected = {
        "riyadh": [f"2026-11-{d}" for d in range(22, 28)],  # Sunday, then Monday .. Monday+4
        "london": [f"2026-11-{d}" for d in range(22, 28)],  # Sunday .. Sunday+4, and Friday
    }
    for school_id, slug in zip(ids, ("riyadh", "london"), strict=True):
        days = manifest_of(store, key_of(sessions, school_id))["days"]
        assert [d["date"] for d in days] == expected[slug]
    assert_manifests_name_existing_files(store)


def test_invariant_4_holds_at_every_hour_of_two_days_in_both_time_zones(sessions, store):
    ids = save(sessions, riyadh_school("riyadh"), riyadh_school("london", **LONDON))
    zones = {"riyadh": ZoneInfo("Asia/Riyadh"), "london": ZoneInfo("Europe/London")}
    start = dt.datetime(2026, 11, 22, 0, 0, tzinfo=dt.UTC)
    for hours in range(48):
        now = start + dt.timedelta(hours=hours)
        run(sessions, store, ids, now, PublishSettings(days=3))
        for school_id, (slug, zone) in zip(ids, zones.items(), strict=True):
            today = now.astimezone(zone).date()
            needed = {(today + dt.timedelta(days=i)).isoformat() for i in range(3)}
            dates = [d["date"] for d in manifest_of(store, key_of(sessions, school_id))["days"]]
            assert needed <= set(dates) and len(dates) == 3 + 1, (slug, now, dates)
        assert_manifests_name_existing_files(store)


def test_midnight_writes_nothing_and_the_window_moves_on_at_local_noon(sessions, store):
    [school_id] = save(sessions, riyadh_school("alpha"))
    school_key = key_of(sessions, school_id)
    before_midnight = dt.datetime(2026, 11, 22, 20, 59, tzinfo=dt.UTC)  # Sunday 23:59 in Riyadh
    run(sessions, store, [school_id], before_midnight)
    before = manifest_of(store, school_key)
    monday = next(d for d in before["days"] if d["date"] == "2026-11-23")
    assert store.get(f"schools/{school_key}/{monday['path']}") is not None

    # The file needed at midnight was there before it; the date changing writes nothing.
    for minutes in (1, 2, 121):  # Monday 00:00, 00:01 and 02:00 in Riyadh
        run(sessions, store, [school_id], before_midnight + dt.timedelta(minutes=minutes))
        assert store.puts == []
    morning = dt.datetime(2026, 11, 23, 8, 59, tzinfo=dt.UTC)  # Monday 11:59
    assert run(sessions, store, [school_id], morning).objects_written == 0

    noon = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)  # Monday 12:00: Sunday leaves
    run(sessions, store, [school_id], noon)
    after = manifest_of(store, school_key)
    assert [d["date"] for d in after["days"]] == [f"2026-11-{d}" for d in range(23, 31)]
    assert after["days"][:-1] == before["days"][1:]
    assert [k.rsplit("/", 1)[-1][:10] for k in store.puts] == ["2026-11-30", "manifest.j"]


def test_invariant_5_a_failing_school_fails_alone_and_keeps_its_manifest(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"), riyadh_school("gamma"))
    run(sessions, store, ids, now)
    keys = [key_of(sessions, i) for i in ids]
    before = {k: store.get(f"schools/{k}/manifest.json") for k in keys}

    # beta's data becomes invalid behind the library's back; gamma's uploads fail.
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Mars/Olympus' WHERE slug = 'beta'"))
    store.fail_prefixes = (f"schools/{keys[2]}/",)
    later = now + dt.timedelta(days=1)
    summary = run(sessions, store, ids, later)

    assert summary.published == ["alpha"]
    assert summary.failed == {
        "beta": "school beta: unknown time zone 'Mars/Olympus'",
        "gamma": f"school gamma: schools/{keys[2]}/days/2026-11-30-r1-"
        + summary.failed["gamma"].split("-r1-")[1],
    }
    assert "injected failure" in summary.failed["gamma"]
    assert store.get(f"schools/{keys[1]}/manifest.json") == before[keys[1]]
    assert store.get(f"schools/{keys[2]}/manifest.json") == before[keys[2]]
    assert store.get(f"schools/{keys[0]}/manifest.json") != before[keys[0]]
    assert_manifests_name_existing_files(store)

    # Once the causes are gone, the next run converges.
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Asia/Riyadh' WHERE slug = 'beta'"))
    store.fail_prefixes = ()
    assert sorted(run(sessions, store, ids, later).published) == ["beta", "gamma"]


def test_invariant_6_the_same_database_and_date_build_byte_identical_files(sessions, tmp_path, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("london", **LONDON))
    first = LocalStore.open(tmp_path / "first")
    publish(sessions, first, ids, now, SETTINGS)
    # Another target has no records: the second run builds and writes everything anew.
    second = LocalStore.open(tmp_path / "second")
    publish(sessions, second, ids, now, SETTINGS)

    def tree(store):
        return {o.key: store.get(o.key) for o in store.list()}

    assert tree(first) == tree(second)
    assert len(tree(first)) == 2 * (WINDOW + 2)


def test_a_dry_run_plans_exactly_what_a_real_run_writes(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    planned = [
        (w.key, w.reason)
        for plans in plan_schools_in_batches(sessions, store.identity(), ids, now, SETTINGS)
        for p in plans
        for w in p.writes
    ]
    assert list(store.list()) == []
    assert {reason for _, reason in planned} == {Reason.NOT_YET_PUBLISHED}
    run(sessions, store, ids, now)
    assert sorted(store.puts) == sorted(key for key, _ in planned)


def test_new_cache_headers_rewrite_the_same_bytes_with_reason_headers_changed(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    run(sessions, store, ids, now)
    longer = PublishSettings(cache=CachePolicy(mutable_max_age=120))
    [[plan]] = list(plan_schools_in_batches(sessions, store.identity(), ids, now, longer))
    assert [(w.key.rsplit("/", 1)[-1], w.reason) for w in plan.writes] == [
        ("manifest.json", Reason.HEADERS_CHANGED)
    ]
    immutable = PublishSettings(cache=CachePolicy(immutable="public, max-age=600"))
    [[plan]] = list(plan_schools_in_batches(sessions, store.identity(), ids, now, immutable))
    assert [w.reason for w in plan.writes] == [Reason.HEADERS_CHANGED] * WINDOW
    assert all(store.get(w.key) == w.content for w in plan.writes)


def test_a_changed_day_gets_a_new_key_with_reason_content_changed(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    run(sessions, store, ids, now)
    save(sessions, riyadh_school("alpha", name="Renamed"))
    [[plan]] = list(plan_schools_in_batches(sessions, store.identity(), ids, now, SETTINGS))
    # The name is in the manifest only: no day file changes.
    assert [w.reason for w in plan.writes] == [Reason.CONTENT_CHANGED]
    assert plan.writes[0].key.endswith("manifest.json")


def test_a_plan_names_the_entries_of_its_manifest_written_now_or_before(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    run(sessions, store, ids, now)
    save(sessions, riyadh_school("alpha", name="Renamed"))
    [[plan]] = list(plan_schools_in_batches(sessions, store.identity(), ids, now, SETTINGS))
    [manifest] = [w for w in plan.writes if w.key.endswith("manifest.json")]
    named = [(d["date"], d["path"], d["sha256"]) for d in json.loads(manifest.content)["days"]]
    assert [(e.date.isoformat(), e.path, e.sha256) for e in plan.entries] == named
    assert len(plan.entries) == WINDOW
    # Only the manifest is written: its entries name the day files the first run published.
    for entry in plan.entries:
        assert store.get(f"schools/{plan.school.key}/{entry.path}") is not None


def test_loading_schools_costs_the_same_queries_for_5_or_50_schools(sessions, now):
    ids = save(sessions, *[riyadh_school(f"s{i:02}") for i in range(50)])
    engine = sessions.kw["bind"]
    counted: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement[:70])

    event.listen(engine, "before_cursor_execute", count)
    try:
        list(plan_schools_in_batches(sessions, "file:///planned", ids[:5], now, SETTINGS))
        few = len(counted)
        counted.clear()
        list(plan_schools_in_batches(sessions, "file:///planned", ids, now, SETTINGS))
        many = len(counted)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert few == many, counted
    assert many <= 15


def test_manifests_name_the_school_revision_and_poll_interval(sessions, store, now):
    [school_id] = save(sessions, riyadh_school("alpha"))
    run(sessions, store, [school_id], now, PublishSettings(poll_interval=45))
    manifest = manifest_of(store, key_of(sessions, school_id))
    assert manifest["school"] == {
        "name": "مدرسة alpha",
        "timezone": "Asia/Riyadh",
        "locale": "ar",
        "display": {"hijri": True, "digits": "arab", "accent": None, "logo": None, "night": None},
    }
    assert (manifest["revision"], manifest["poll_interval"], manifest["schema"]) == (1, 45, 1)
    assert manifest["days"][0]["path"].startswith("days/2026-11-22-r1-")
    assert all(len(d["sha256"]) == 64 for d in manifest["days"])
    assert sorted(manifests(store)) == [f"schools/{key_of(sessions, school_id)}/manifest.json"]


def test_no_timestamp_of_the_run_goes_into_published_content(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    run(sessions, store, ids, now)
    contents = b"".join(store.get(o.key) for o in store.list())
    assert now.strftime("%Y-%m-%dT%H:%M").encode() not in contents
    assert dataclasses.is_dataclass(SETTINGS)


def test_batches_overlap_yet_every_school_is_published_and_recorded_once(sessions, store, now):
    ids = save(sessions, *[riyadh_school(f"s{i}") for i in range(7)])
    store.check_manifests = True
    done: list[int] = []
    summary = publish(sessions, store, ids, now, SETTINGS, progress=done.append, batch_size=4)
    assert summary.published == [f"s{i}" for i in range(7)]
    assert done == [1, 2, 4]  # a small first batch gets the uploads going, then doubling
    assert len(store.puts) == 7 * (WINDOW + 2)
    again = publish(sessions, store, ids, now, SETTINGS, batch_size=3)
    assert (again.objects_written, len(again.unchanged)) == (0, 7)
