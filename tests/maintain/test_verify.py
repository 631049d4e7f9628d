"""`publisher verify [--repair]`: the store compared with the database, on a folder and on S3.

Every test runs on SQLite and PostgreSQL, and on a local folder and S3 (moto).
"Out of band" changes go straight to the store, as a person or a lifecycle
rule would make them, never through the publisher.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from schools import riyadh_school, save
from sqlalchemy import text
from store_checks import RecordingStore, assert_manifests_name_existing_files

from publisher.build.source import SubstitutionRow
from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.db.load import all_school_ids
from publisher.db.save import save_school
from publisher.maintain.gc import find_garbage
from publisher.maintain.verify import (
    FOREIGN,
    MISMATCHED,
    MISSING,
    UNEXPECTED,
    verify,
)
from publisher.page import asset_files
from publisher.publish.plan import JSON_TYPE, Reason
from publisher.publish.run import publish

SETTINGS = PublishSettings(concurrency=2)
WINDOW = SETTINGS.days + 1  # dates a manifest names: --days, and yesterday or today+days


def check(sessions, store, now, repair=False):
    with sessions() as session:
        ids = all_school_ids(session)
    return verify(sessions, store, ids, now, SETTINGS, repair=repair)


def school_key(sessions, slug="alpha"):
    with transaction(sessions) as session:
        return session.execute(
            text("SELECT public_key FROM schools WHERE slug = :slug"), {"slug": slug}
        ).scalar_one()


def tree(store):
    return {stored.key: store.get(stored.key) for stored in store.list()}


def first_day(store, key):
    return min(s.key for s in store.list(f"schools/{key}/days/"))


def manifest(store, key):
    return f"schools/{key}/manifest.json"


def _tamper(action):
    """Tamper functions take the store and a school key and return the key they touched."""

    def tamper(store, key):
        touched = {"day": first_day, "manifest": manifest}[action[1]](store, key)
        if action[0] == "delete":
            store.delete([touched])
        elif action[0] == "forge":
            store.put(touched, b'{"forged":true}', JSON_TYPE, "no-cache")
        elif action[0] == "flip":  # same size, other bytes: only the content tells
            content = store.get(touched)
            store.put(touched, content.replace(b"2026", b"2027", 1), JSON_TYPE, "no-cache")
        return touched

    return tamper


def foreign_file(store, key):
    store.put(f"schools/{key}/notes.txt", b"hello", "text/plain", "no-cache")
    return f"schools/{key}/notes.txt"


def unknown_folder(store, _key):
    store.put("schools/nobody/manifest.json", b"{}", JSON_TYPE, "no-cache")
    store.put("schools/nobody/days/x.json", b"{}", JSON_TYPE, "no-cache")
    return "schools/nobody/"


TAMPERING = [
    pytest.param(_tamper(("delete", "day")), "alpha", MISSING, Reason.LOST, id="day-file-deleted"),
    pytest.param(
        _tamper(("delete", "manifest")), "alpha", MISSING, Reason.LOST, id="manifest-deleted"
    ),
    pytest.param(
        _tamper(("forge", "day")), "alpha", MISMATCHED, Reason.CORRUPTED, id="day-file-forged"
    ),
    pytest.param(
        _tamper(("flip", "day")),
        "alpha",
        MISMATCHED,
        Reason.CORRUPTED,
        id="day-file-same-size-forged",
    ),
    pytest.param(
        _tamper(("forge", "manifest")), "alpha", MISMATCHED, Reason.CORRUPTED, id="manifest-forged"
    ),
    pytest.param(foreign_file, "alpha", UNEXPECTED, FOREIGN, id="foreign-file-in-school-folder"),
    pytest.param(
        unknown_folder, "-", UNEXPECTED, "folder of no school (2 objects)", id="folder-of-no-school"
    ),
]


def test_verify_finds_nothing_wrong_right_after_a_publish(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    publish(sessions, store, ids, now, SETTINGS)
    report = check(sessions, store, now)
    assert (report.schools_checked, report.problems, report.day_files.awaiting_gc) == (2, [], 0)
    assert report.checked == ["alpha", "beta"]
    assert report.failed == {}


@pytest.mark.parametrize(("tamper", "school", "kind", "reason"), TAMPERING)
def test_verify_reports_each_out_of_band_change_and_repair_restores_all_but_foreign_objects(
    sessions, store, now, tamper, school, kind, reason
):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    publish(sessions, store, ids, now, SETTINGS)
    before = tree(store)
    touched = tamper(store, school_key(sessions))

    found = check(sessions, store, now)
    assert [dataclasses.astuple(p) for p in found.problems] == [(school, kind, touched, reason)]

    repaired = check(sessions, store, now, repair=True).repaired
    after = check(sessions, store, now)
    if kind == UNEXPECTED:  # verify never deletes
        assert repaired == [] and [p.key for p in after.problems] == [touched]
        assert set(tree(store)) > set(before)
    else:
        assert repaired == [touched] and after.problems == []
        assert tree(store) == before


def test_an_emptied_store_is_fully_restored_by_repair(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    publish(sessions, store, ids, now, SETTINGS)
    before = tree(store)
    store.delete(sorted(before))
    assert tree(store) == {}

    report = check(sessions, store, now, repair=True)

    assert len(report.repaired) == 2 * (WINDOW + 2) and report.failed == {}
    assert tree(store) == before
    assert check(sessions, store, now).problems == []
    assert publish(sessions, store, ids, now, SETTINGS).objects_written == 0


def test_repair_writes_day_files_before_the_manifest_that_names_them(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    publish(sessions, store, ids, now, SETTINGS)
    store.delete([s.key for s in store.list()])
    recording = RecordingStore(store, check_manifests=True)
    check(sessions, recording, now, repair=True)
    names = [k.rsplit("/", 1)[-1] if "/days/" not in k else "day file" for k in recording.puts]
    assert names == ["day file"] * WINDOW + ["manifest.json", "alert.json"]
    assert_manifests_name_existing_files(store)


def test_a_database_change_not_yet_published_is_reported_as_pending(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    publish(sessions, store, ids, now, SETTINGS)
    tomorrow = now.date() + dt.timedelta(days=1)
    changed = riyadh_school("alpha")
    extra = SubstitutionRow(tomorrow, 1, "1A", "Nadia", False)
    with transaction(sessions) as session:
        substitutions = (*changed.substitutions, extra)
        save_school(session, dataclasses.replace(changed, substitutions=substitutions))

    report = check(sessions, store, now)
    assert [(p.kind, p.key.rsplit("/", 1)[-1][:10], p.reason) for p in report.problems] == [
        (MISSING, tomorrow.isoformat(), Reason.PENDING_FIRST_PUBLISH),
        (MISMATCHED, "manifest.j", Reason.PUBLISH_PENDING),
    ]
    # A repair publishes it, and records it so that publish has nothing left to do.
    assert len(check(sessions, store, now, repair=True).repaired) == 2
    assert publish(sessions, store, ids, now, SETTINGS).objects_written == 0


def test_day_files_no_manifest_names_any_more_are_counted_as_gc_counts_them(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"))
    publish(sessions, store, ids, now, SETTINGS)
    with transaction(sessions) as session:
        save_school(session, riyadh_school("alpha", substitutions=()))
    publish(sessions, store, ids, now, SETTINGS)
    report = check(sessions, store, now)
    assert report.problems == []
    # The superseded file is dated today and still recorded: gc keeps it, so it
    # does not await gc yet, and verify says so in gc's words.
    assert report.day_files.counts() == find_garbage(sessions, store, now).counts()
    assert (report.day_files.day_files, report.day_files.awaiting_gc) == (WINDOW + 1, 0)


def test_a_school_that_cannot_be_built_is_named_and_the_others_are_checked(sessions, store, now):
    ids = save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    publish(sessions, store, ids, now, SETTINGS)
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Mars/Olympus' WHERE slug = 'beta'"))
    store.delete([first_day(store, school_key(sessions, "alpha"))])
    report = check(sessions, store, now)
    assert report.failed == {"beta": "school beta: unknown time zone 'Mars/Olympus'"}
    assert [(p.school, p.kind) for p in report.problems] == [("alpha", MISSING)]


def test_verify_on_the_command_line_prints_problems_and_exits_1_until_repaired(
    publisher, sessions, store
):
    save(sessions, riyadh_school("alpha"))
    assert publisher("publish", "--all").exit_code == 0
    key = school_key(sessions)
    day = first_day(store, key)
    store.delete([day, manifest(store, key)])

    result = publisher("verify")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"alpha\tmissing\t{day}\t{Reason.LOST}",
        f"alpha\tmissing\t{manifest(store, key)}\t{Reason.LOST}",
    ]
    assert result.stderr.startswith(
        f"1 schools checked: 2 missing, 0 mismatched, 0 unexpected; {WINDOW - 1} day files: "
    )

    repaired = publisher("verify", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert ", 2 repaired; " in repaired.stderr
    assert [line.split("\t")[-1] for line in repaired.stdout.splitlines()] == ["repaired"] * 2
    clean = publisher("verify")
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_verify_repair_on_the_command_line_restores_an_emptied_store(publisher, sessions, store):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    publisher("publish", "--all")
    before = tree(store)
    store.delete(sorted(before))
    result = publisher("verify", "--repair", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    everything = (
        2 * (WINDOW + 3) + len(asset_files()) + 1
    )  # days, manifests, pages, alerts; assets, sw.js
    assert (report["counts"]["missing"], report["counts"]["repaired"]) == (everything, everything)
    assert len(report["repaired"]) == everything
    assert all(p["repaired"] for p in report["problems"])
    assert tree(store) == before


def test_verify_json_names_every_problem_and_exits_1_for_unexpected_objects(
    publisher, sessions, store
):
    save(sessions, riyadh_school("alpha"))
    publisher("publish", "--all")
    foreign = foreign_file(store, school_key(sessions))
    result = publisher("verify", "--repair", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "format": 1,
        "counts": {
            "schools_checked": 1,
            "missing": 0,
            "mismatched": 0,
            "unexpected": 1,
            "repaired": 0,
            "failed": 0,
            "day_files": WINDOW,
            "referenced": WINDOW,
            "recent": 0,
            "young": 0,
            "awaiting_gc": 0,
            "skipped": 0,
        },
        "repaired": [],
        "problems": [
            {
                "school": "alpha",
                "kind": UNEXPECTED,
                "key": foreign,
                "reason": FOREIGN,
                "repaired": False,
            }
        ],
        "failed": [],
    }
    assert store.get(foreign) == b"hello"
