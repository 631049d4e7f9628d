"""`publisher gc`: which day files may go (a table of rules), and deleting them from a store.

The rules are tested on `choose_garbage` directly with a fixed clock. The rest runs on
SQLite and PostgreSQL, and on a local folder and S3 (moto). Local files are aged
with os.utime; S3 cannot backdate an object, so the S3 runs move `now` forward
instead, or use --keep-days 0.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os

import pytest
from schools import riyadh_school, save
from sqlalchemy import text
from store_checks import RecordingStore, assert_manifests_name_existing_files, manifests

from publisher.build.source import SubstitutionRow
from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.db.save import save_school
from publisher.errors import StoreError
from publisher.maintain.gc import DAY_FILE_COUNTS, choose_garbage, delete_garbage, find_garbage
from publisher.publish.run import publish
from publisher.stores.local import LocalStore
from publisher.stores.protocol import StoredObject

SETTINGS = PublishSettings(concurrency=2)
WINDOW = SETTINGS.days + 1  # dates a manifest names: --days, and yesterday or today+days
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)


def stored(key: str, age_days: float) -> StoredObject:
    return StoredObject(key, 100, NOW - dt.timedelta(days=age_days))


def manifest_naming(*paths: str) -> bytes:
    return json.dumps({"days": [{"date": p[5:15], "path": p} for p in paths]}).encode()


A, B = "schools/aaa", "schools/bbb"
NAMED = f"{A}/days/2026-11-02-r1-named.json"
OLD = f"{A}/days/2026-11-01-r1-old.json"
B_OLD = f"{B}/days/2026-11-01-r1-old.json"
A_MANIFEST = {f"{A}/manifest.json": manifest_naming("days/2026-11-02-r1-named.json")}

RULES = [
    pytest.param([stored(NAMED, 400)], A_MANIFEST, (), 14, [], [], id="referenced-old-kept"),
    pytest.param([stored(OLD, 15)], A_MANIFEST, (), 14, [OLD], [], id="unreferenced-old-deleted"),
    pytest.param([stored(OLD, 13)], A_MANIFEST, (), 14, [], [], id="unreferenced-young-kept"),
    pytest.param([stored(OLD, 14)], A_MANIFEST, (), 14, [], [], id="exactly-at-retention-kept"),
    pytest.param(
        [stored(NAMED, 0.0001), stored(OLD, 0.0001), stored(B_OLD, 0)],
        A_MANIFEST,
        (),
        0,
        [OLD],
        [],
        id="keep-days-0-deletes-every-unreferenced-file-but-not-this-instant",
    ),
    pytest.param([stored(OLD, 30)], {}, [OLD], 14, [], [], id="recorded-for-a-window-kept"),
    pytest.param(
        [
            stored(f"{A}/days/2026-12-30-r2-x.json", 30),
            stored(f"{A}/days/2026-12-29-r2-x.json", 30),
        ],
        {},
        (),
        14,
        [f"{A}/days/2026-12-29-r2-x.json"],
        [],
        id="named-for-a-date-not-passed-everywhere-kept",
    ),
    pytest.param(
        [stored(OLD, 30)],
        {f"{A}/manifest.json": manifest_naming("days/2026-11-03-r1-gone.json")},
        (),
        14,
        [OLD],
        [],
        id="manifest-naming-a-missing-file",
    ),
    pytest.param(
        [stored(OLD, 30), stored(B_OLD, 30)],
        {f"{A}/manifest.json": b"{not json"},
        (),
        14,
        [B_OLD],
        [f"{A}/manifest.json"],
        id="unreadable-manifest-leaves-its-folder-alone",
    ),
    pytest.param(
        [stored(OLD, 30)],
        {f"{A}/manifest.json": b'{"schema": 1}'},
        (),
        14,
        [],
        [f"{A}/manifest.json"],
        id="manifest-without-days-leaves-its-folder-alone",
    ),
    pytest.param(
        [stored(OLD, 30)],
        {f"{A}/manifest.json": None},
        (),
        14,
        [],
        [f"{A}/manifest.json"],
        id="manifest-that-could-not-be-read-leaves-its-folder-alone",
    ),
    pytest.param(
        [
            stored(f"{A}/manifest.json", 900),
            stored(f"{A}/index.html", 900),
            stored(f"{A}/days/nested/2026-11-01.json", 900),
            stored(f"{A}/2026-11-01-r1-x.json", 900),
            stored("assets/abc/2026-11-01.js", 900),
            stored("schools/days/2026-11-01.json", 900),
        ],
        {},
        (),
        0,
        [],
        [],
        id="nothing-outside-schools-star-days-is-touched",
    ),
    pytest.param(
        [stored(f"{A}/days/notes.txt", 30)],
        {},
        (),
        14,
        [f"{A}/days/notes.txt"],
        [],
        id="a-stray-file-in-a-days-folder-is-unreferenced",
    ),
]


@pytest.mark.parametrize(
    ("listing", "manifests_found", "recorded", "keep_days", "deleted", "unreadable"), RULES
)
def test_choose_garbage_rules(listing, manifests_found, recorded, keep_days, deleted, unreadable):
    plan = choose_garbage(listing, manifests_found, recorded, NOW, keep_days)
    assert [s.key for s in plan.delete] == deleted
    assert sorted(plan.unreadable) == unreadable


def test_choose_garbage_counts_what_it_keeps_and_why():
    listing = [stored(NAMED, 400), stored(OLD, 1), stored(OLD.replace("old", "older"), 90)]
    plan = choose_garbage(listing, A_MANIFEST, (), NOW, 14)
    assert plan.counts() == {
        "day_files": 3,
        "referenced": 1,
        "recent": 0,
        "young": 1,
        "awaiting_gc": 1,
        "skipped": 0,
    }


def keys(store):
    return {s.key for s in store.list()}


def named_by_manifests(store):
    return {
        f"{key.rsplit('/', 1)[0]}/{day['path']}"
        for key, manifest in manifests(store).items()
        for day in manifest["days"]
    }


def recorded(sessions, candidates):
    with transaction(sessions) as session:
        rows = session.execute(text("SELECT key FROM published_objects")).scalars()
        return set(rows) & set(candidates)


def later(store, now, days):
    """A clock `days` after both the test's `now` and the newest object's write."""
    newest = max(s.modified for s in store.list())
    return max(now, newest) + dt.timedelta(days=days)


def republish_with_a_change(sessions, store, ids, now):
    """Publish, change tomorrow, publish again: the old file for tomorrow is unreferenced."""
    publish(sessions, store, ids, now, SETTINGS)
    first = keys(store)
    school = riyadh_school("alpha")
    extra = SubstitutionRow(now.date() + dt.timedelta(days=1), 1, "1A", "Nadia", False)
    with transaction(sessions) as session:
        save_school(session, dataclasses.replace(school, substitutions=(extra,)))
    publish(sessions, store, ids, now, SETTINGS)
    return sorted(k for k in first - named_by_manifests(store) if "/days/" in k)


def test_gc_keeps_every_file_a_manifest_names_however_old(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    publish(sessions, store, ids, now, SETTINGS)
    plan = find_garbage(sessions, store, later(store, now, 400), keep_days=0)
    assert (plan.delete, plan.referenced) == ((), 2 * WINDOW)


def test_publish_never_deletes_and_gc_removes_old_unreferenced_files_and_records(
    sessions, store, now
):
    ids = save(sessions, riyadh_school("alpha"))
    superseded = republish_with_a_change(sessions, store, ids, now)
    assert len(superseded) == 2 and set(superseded) <= keys(store)  # today and tomorrow

    gc_now = later(store, now, 30)
    age = (gc_now - min(s.modified for s in store.list())).days
    assert find_garbage(sessions, store, gc_now, keep_days=age + 1).delete == ()
    plan = find_garbage(sessions, store, gc_now, keep_days=14)
    assert [s.key for s in plan.delete] == superseded

    result = delete_garbage(sessions, store, plan)

    assert (sorted(result.deleted), result.error) == (superseded, None)
    assert not set(superseded) & keys(store)
    assert recorded(sessions, superseded) == set()
    assert_manifests_name_existing_files(store)


def test_gc_in_one_target_forgets_only_that_target_s_records(sessions, store, now, tmp_path):
    ids = save(sessions, riyadh_school("alpha"))
    other = LocalStore.open(tmp_path / "other")
    publish(sessions, other, ids, now, SETTINGS)
    superseded = republish_with_a_change(sessions, store, ids, now)
    publish(sessions, other, ids, now, SETTINGS)  # both targets hold the superseded files

    plan = find_garbage(sessions, store, later(store, now, 30), keep_days=14)
    assert sorted(delete_garbage(sessions, store, plan).deleted) == superseded

    assert set(superseded) <= keys(other)
    with transaction(sessions) as session:
        rows = session.execute(text("SELECT target, key FROM published_objects")).all()
    assert {(t, k) for t, k in rows if k in superseded} == {
        (other.identity(), k) for k in superseded
    }


@dataclasses.dataclass
class FailingDeletes(RecordingStore):
    def delete(self, keys):
        raise StoreError(f"{keys[0]}: AccessDenied Access Denied (1 of {len(keys)} deletes failed)")


def test_a_failed_delete_is_named_and_keeps_the_records(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    superseded = republish_with_a_change(sessions, store, ids, now)
    plan = find_garbage(sessions, store, later(store, now, 30))
    result = delete_garbage(sessions, FailingDeletes(store), plan)
    assert result.deleted == () and "AccessDenied" in result.error
    assert recorded(sessions, superseded) == set(superseded)


def age_everything(store, days):
    """Backdate a local folder's files; an S3 store cannot be aged (use --keep-days 0)."""
    if isinstance(store, LocalStore):
        then = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).timestamp()
        for path in store.root.rglob("*"):
            os.utime(path, (then, then))
        return []
    return ["--keep-days", "0"]


def with_an_old_window(publisher, sessions, store, *slugs):
    """The schools published 40 days ago, then today from the command line.

    Returns the day files of 40 days ago that today's manifests no longer name.
    """
    ids = save(sessions, *[riyadh_school(slug) for slug in slugs])
    publish(sessions, store, ids, dt.datetime.now(dt.UTC) - dt.timedelta(days=40), SETTINGS)
    old = keys(store)
    assert publisher("publish", "--all").exit_code == 0
    return sorted(k for k in old - named_by_manifests(store) if "/days/" in k)


def test_gc_deletes_what_no_manifest_names_and_dry_run_shows_the_same(publisher, sessions, store):
    old = with_an_old_window(publisher, sessions, store, "alpha", "beta")
    assert len(old) == 2 * WINDOW
    options = age_everything(store, 30)
    before = keys(store)

    dry = publisher("gc", "--dry-run", *options)
    assert dry.exit_code == 0, dry.output
    assert keys(store) == before
    printed = [line.split("\t")[0] for line in dry.stdout.splitlines()]
    assert sorted(printed) == old
    assert f"{2 * WINDOW} awaiting gc (unreferenced, older)" in dry.stderr
    assert dry.stderr.endswith(f"; would delete {2 * WINDOW}\n")

    real = publisher("gc", *options)
    assert real.exit_code == 0, real.output
    assert [line.split("\t")[0] for line in real.stdout.splitlines()] == printed
    assert keys(store) == before - set(old)
    assert recorded(sessions, old) == set()
    assert_manifests_name_existing_files(store)


def test_gc_keeps_unreferenced_files_younger_than_the_retention(publisher, sessions, store):
    old = with_an_old_window(publisher, sessions, store, "alpha")
    result = publisher("gc", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    counts = summary["counts"]
    assert (summary["deleted"], counts["young"], counts["referenced"]) == ([], len(old), WINDOW)
    assert set(old) <= keys(store)


def test_a_school_whose_manifest_cannot_be_read_is_left_alone_and_named(publisher, sessions, store):
    old = with_an_old_window(publisher, sessions, store, "alpha", "beta")
    with transaction(sessions) as session:
        alpha = session.execute(text("SELECT public_key FROM schools WHERE slug = 'alpha'"))
        alpha_key = alpha.scalar_one()
    store.put(f"schools/{alpha_key}/manifest.json", b"<html>", "text/html", "no-cache")
    options = age_everything(store, 30)

    result = publisher("gc", *options)

    assert result.exit_code == 1
    assert f"Error: schools/{alpha_key}/manifest.json: not valid JSON" in result.stderr
    deleted = set(result.stdout.split()[::2])
    assert deleted == {k for k in old if not k.startswith(f"schools/{alpha_key}/")}
    assert {k for k in old if k.startswith(f"schools/{alpha_key}/")} <= keys(store)


def test_a_negative_retention_is_a_usage_error(cli):
    result = cli("gc", "--keep-days", "-1")
    assert result.exit_code == 2
    assert "-1 is not in the range x>=0" in result.stderr


@pytest.mark.parametrize("keep_days", ["14", "0"])
def test_verify_counts_day_files_as_gc_dry_run_does(publisher, sessions, store, keep_days):
    """Young files (keep 14 days) in one case, files awaiting gc (keep 0) in the other."""
    old = with_an_old_window(publisher, sessions, store, "alpha", "beta")
    options = ["--keep-days", keep_days]

    verified = publisher("verify", "--json", *options)
    dry = publisher("gc", "--dry-run", "--json", *options)

    assert (verified.exit_code, dry.exit_code) == (0, 0), verified.output + dry.output
    in_verify = {k: json.loads(verified.stdout)["counts"][k] for k in DAY_FILE_COUNTS}
    in_gc = {k: json.loads(dry.stdout)["counts"][k] for k in DAY_FILE_COUNTS}
    assert in_verify == in_gc
    expected = "awaiting_gc" if keep_days == "0" else "young"
    assert (in_gc["day_files"], in_gc[expected]) == (len(old) + 2 * WINDOW, len(old))
    # And in the same words on stderr (without --json).
    words = publisher("verify", *options).stderr.split("; ", 1)[1]
    said = publisher("gc", "--dry-run", *options).stderr
    assert said == f"{words.rstrip()}; would delete {in_gc['awaiting_gc']}\n"
