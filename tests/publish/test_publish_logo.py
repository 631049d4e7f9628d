"""A school's logo: published under its school's folder, named by its content, before the
manifest that names it; known to verify and kept by gc. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from schools import riyadh_school, save
from sqlalchemy import text
from store_checks import RecordingStore, assert_manifests_name_existing_files

from publisher.build.source import DisplaySettings, Logo
from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.db.load import all_school_ids
from publisher.maintain.gc import delete_garbage, find_garbage
from publisher.maintain.verify import MISSING, verify
from publisher.publish.run import publish
from publisher.stores.local import LocalStore

SETTINGS = PublishSettings(concurrency=2)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
OTHER_PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


@pytest.fixture
def store(tmp_path: Path) -> RecordingStore:
    return RecordingStore(LocalStore.open(tmp_path / "public"), check_manifests=True)


def with_logo(content: bytes, slug: str = "alpha"):
    return dataclasses.replace(
        riyadh_school(slug), display=DisplaySettings(logo=Logo(content, "png"))
    )


def folder_of(sessions, slug: str = "alpha") -> str:
    with transaction(sessions) as session:
        key = session.execute(
            text("SELECT public_key FROM schools WHERE slug = :slug"), {"slug": slug}
        ).scalar_one()
    return f"schools/{key}"


def named_logo(store, folder: str) -> str:
    manifest = json.loads(store.get(f"{folder}/manifest.json"))
    return f"{folder}/{manifest['school']['display']['logo']}"


def test_a_logo_is_written_once_immutable_and_before_the_manifest_naming_it(sessions, store, now):
    ids = save(sessions, with_logo(PNG))
    publish(sessions, store, ids, now, SETTINGS)
    folder = folder_of(sessions)
    logo = named_logo(store, folder)

    assert store.get(logo) == PNG
    assert store.puts.index(logo) < store.puts.index(f"{folder}/manifest.json")
    [stored] = [o for o in store.list(folder) if o.key == logo]
    assert stored.size == len(PNG)
    assert store.checks > 0  # every write was followed by the invariant 1 check

    store.puts.clear()
    publish(sessions, store, ids, now, SETTINGS)
    assert store.puts == []


def test_a_new_logo_is_a_new_object_and_the_old_one_stays_for_screens_that_hold_it(
    sessions, store, now
):
    ids = save(sessions, with_logo(PNG))
    publish(sessions, store, ids, now, SETTINGS)
    folder = folder_of(sessions)
    first = named_logo(store, folder)

    save(sessions, with_logo(OTHER_PNG))
    store.puts.clear()
    publish(sessions, store, ids, now, SETTINGS)

    second = named_logo(store, folder)
    assert second != first and store.get(second) == OTHER_PNG
    assert store.puts.index(second) < store.puts.index(f"{folder}/manifest.json")
    assert store.get(first) == PNG
    assert_manifests_name_existing_files(store)


def test_the_logo_is_published_with_its_type_and_the_immutable_cache_header(
    sessions, tmp_path, now
):
    written: dict[str, tuple[str, str]] = {}

    class HeaderStore(LocalStore):
        def put(self, key, content, content_type, cache_control, create_only=False):
            written[key] = (content_type, cache_control)
            super().put(key, content, content_type, cache_control, create_only)

    store = HeaderStore(tmp_path / "public")
    ids = save(sessions, with_logo(PNG))
    publish(sessions, store, ids, now, SETTINGS)
    logo = named_logo(store, folder_of(sessions))
    assert written[logo] == ("image/png", SETTINGS.cache.immutable)


def check(sessions, store, now, repair=False):
    with sessions() as session:
        ids = all_school_ids(session)
    return verify(sessions, store, ids, now, SETTINGS, repair=repair)


def test_verify_knows_the_logo_and_an_old_one_and_repair_restores_a_lost_logo(sessions, store, now):
    ids = save(sessions, with_logo(OTHER_PNG))
    publish(sessions, store, ids, now, SETTINGS)
    save(sessions, with_logo(PNG))
    publish(sessions, store, ids, now, SETTINGS)
    assert check(sessions, store, now).problems == []  # neither logo is unexpected

    logo = named_logo(store, folder_of(sessions))
    store.inner.delete([logo])
    [problem] = check(sessions, store, now).problems
    assert (problem.kind, problem.key) == (MISSING, logo)

    repaired = check(sessions, store, now, repair=True)
    assert repaired.repaired == [logo]
    assert store.get(logo) == PNG
    assert check(sessions, store, now).problems == []


def test_gc_never_deletes_a_logo_even_an_old_one(sessions, store, now):
    ids = save(sessions, with_logo(OTHER_PNG))
    publish(sessions, store, ids, now, SETTINGS)
    save(sessions, with_logo(PNG))
    publish(sessions, store, ids, now, SETTINGS)
    folder = folder_of(sessions)
    logos = sorted(o.key for o in store.list(folder) if "/logo-" in o.key)
    assert len(logos) == 2

    later = now + dt.timedelta(days=60)
    plan = find_garbage(sessions, store, later, keep_days=0)
    delete_garbage(sessions, store, plan)

    assert all(store.get(key) is not None for key in logos)
