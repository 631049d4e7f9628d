"""Claims: two publishers never publish the same school at the same time (invariant 8)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading

from schools import riyadh_school, save
from sqlalchemy import select
from store_checks import RecordingStore, assert_manifests_name_existing_files

from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.db.claims import CLAIM_SECONDS, claim_schools, release_claims
from publisher.db.models import PublishClaim
from publisher.publish.run import publish
from publisher.stores.local import LocalStore

NOW = dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.UTC)
SETTINGS = PublishSettings(days=2, concurrency=2)


def claim(sessions, ids, owner, now=NOW):
    with transaction(sessions) as session:
        return claim_schools(session, ids, owner, now)


def test_a_school_claimed_by_one_publisher_is_not_given_to_another(sessions):
    assert claim(sessions, [1, 2, 3], "cron") == [1, 2, 3]
    assert claim(sessions, [2, 3, 4, 5], "watch") == [4, 5]


def test_a_released_claim_can_be_taken_at_once(sessions):
    claim(sessions, [1, 2], "cron")
    with transaction(sessions) as session:
        release_claims(session, [1], "cron")
    assert claim(sessions, [1, 2], "watch") == [1]


def test_releasing_only_gives_up_the_owners_own_claims(sessions):
    claim(sessions, [1], "cron")
    with transaction(sessions) as session:
        release_claims(session, [1], "watch")
    assert claim(sessions, [1], "watch") == []


def test_a_crashed_publishers_claims_expire(sessions):
    claim(sessions, [1, 2], "crashed-host")
    just_before = NOW + dt.timedelta(seconds=CLAIM_SECONDS - 1)
    assert claim(sessions, [1, 2], "other-host", just_before) == []
    after = NOW + dt.timedelta(seconds=CLAIM_SECONDS + 1)
    assert claim(sessions, [1, 2], "other-host", after) == [1, 2]
    with transaction(sessions) as session:
        owners = set(session.scalars(select(PublishClaim.owner)))
    assert owners == {"other-host"}


def test_a_publish_skips_schools_another_publisher_holds_and_releases_its_own(sessions, tmp_path):
    ids = save(sessions, *[riyadh_school(f"s{i}") for i in range(4)])
    claim(sessions, ids[1:3], "someone-else", dt.datetime.now(dt.UTC))
    store = RecordingStore(LocalStore.open(tmp_path / "public"))

    summary = publish(sessions, store, ids, NOW, SETTINGS, owner="me")

    assert summary.busy == ids[1:3]
    assert sorted(summary.published) == ["s0", "s3"]
    assert_manifests_name_existing_files(store)
    with transaction(sessions) as session:
        left = session.execute(select(PublishClaim.school_id, PublishClaim.owner)).all()
    assert sorted(left) == [(ids[1], "someone-else"), (ids[2], "someone-else")]


def test_a_stop_request_leaves_schools_not_started_for_the_next_run(sessions, tmp_path):
    ids = save(sessions, *[riyadh_school(f"s{i}") for i in range(6)])
    store = RecordingStore(LocalStore.open(tmp_path / "public"))
    stop = threading.Event()
    stop.set()

    stopped = publish(sessions, store, ids, NOW, SETTINGS, stop=stop)

    assert (stopped.published, stopped.stopped, store.puts) == ([], 6, [])
    rest = publish(sessions, store, ids, NOW, SETTINGS)
    assert len(rest.published) == 6
    assert_manifests_name_existing_files(store)


def test_a_named_school_held_by_another_publisher_is_published_once_it_is_released(
    sessions, tmp_path
):
    ids = save(sessions, riyadh_school("edited"), riyadh_school("other"))
    claim(sessions, ids[:1], "cron", dt.datetime.now(dt.UTC))
    store = RecordingStore(LocalStore.open(tmp_path / "public"))

    def cron_finishes() -> None:
        with transaction(sessions) as session:
            release_claims(session, ids[:1], "cron")

    timer = threading.Timer(0.5, cron_finishes)
    timer.start()
    summary = publish(sessions, store, ids, NOW, SETTINGS, owner="admin", wait_for_busy=30)
    timer.join()

    assert sorted(summary.published) == ["edited", "other"] and summary.busy == []


def test_without_waiting_a_school_held_elsewhere_is_reported_busy_at_once(sessions, tmp_path):
    ids = save(sessions, riyadh_school("edited"))
    claim(sessions, ids, "cron", dt.datetime.now(dt.UTC))
    store = RecordingStore(LocalStore.open(tmp_path / "public"))

    summary = publish(sessions, store, ids, NOW, SETTINGS, owner="watch")

    assert (summary.published, summary.busy, store.puts) == ([], ids, [])


def test_claims_left_by_a_process_of_this_host_that_is_gone_are_taken_over_at_once(sessions):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    dead_owner = f"{socket.gethostname()}:{int(gone.stdout)}:killed"
    live_owner = f"{socket.gethostname()}:{os.getpid()}:alive"
    claim(sessions, [1], dead_owner, dt.datetime.now(dt.UTC))
    claim(sessions, [2], live_owner, dt.datetime.now(dt.UTC))
    claim(sessions, [3], "other-host:1:x", dt.datetime.now(dt.UTC))

    assert claim(sessions, [1, 2, 3], "cron", dt.datetime.now(dt.UTC)) == [1]
