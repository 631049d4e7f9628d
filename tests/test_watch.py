"""`publisher watch`: republishing on change, keeping windows ahead, surviving outages.

The jobs run in-process with a fake clock where time matters; the command runs
as a real process where the database's notifications and signals matter.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from metrics_file import read_metrics
from schools import LONDON, riyadh_school, save
from sqlalchemy import create_engine, text
from store_checks import PREFIX, RecordingStore, assert_manifests_name_existing_files, manifests
from watch_process import start_watch, stop

from publisher.cdn import CdnTargets
from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.stores import StoreOptions
from publisher.stores.local import LocalStore
from publisher.stores.s3 import S3Store
from publisher.watch import Watcher, WatchOptions
from testsupport import CHECKOUT
from testsupport.s3_server import (  # noqa: F401  (the fixtures register by being imported)
    aws_env_fixture,
    bucket_fixture,
    moto_server_fixture,
    proxy_fixture,
)
from testsupport.wait import wait_until

REPO = CHECKOUT
SETTINGS = PublishSettings(days=3, concurrency=2)


class FakeClock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def window(store, school_key: str) -> list[str]:
    return [day["date"] for day in manifests(store)[f"schools/{school_key}/manifest.json"]["days"]]


def keys_of(sessions) -> dict[str, str]:
    with transaction(sessions) as session:
        return dict(session.execute(text("SELECT slug, public_key FROM schools")).all())


# -- the jobs, with a fake clock --------------------------------------------------------


def test_the_watcher_moves_each_window_on_at_local_noon_and_writes_nothing_at_midnight(
    sessions, tmp_path
):
    save(sessions, riyadh_school("riyadh"), riyadh_school("london", **LONDON))
    key = keys_of(sessions)
    store = RecordingStore(LocalStore.open(tmp_path / "public"))
    clock = FakeClock(utc(2026, 11, 22, 20, 50))  # Sunday 23:50 in Riyadh, 20:50 in London
    watcher = Watcher(sessions, store, SETTINGS, None, clock=clock)

    watcher.publish_all()
    sunday_afternoon = ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"]
    assert window(store, key["riyadh"]) == sunday_afternoon
    assert window(store, key["london"]) == sunday_afternoon

    clock.now = utc(2026, 11, 23, 0, 10)  # past midnight in both: nothing to write
    store.puts.clear()
    watcher.publish_all()
    assert store.puts == []

    clock.now = utc(2026, 11, 23, 9, 10)  # past noon in Riyadh only
    watcher.publish_all()
    assert window(store, key["riyadh"]) == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
    assert [p.split("/")[-1][:10] for p in store.puts] == ["2026-11-26", "manifest.j"]
    assert all(key["riyadh"] in p for p in store.puts)

    clock.now = utc(2026, 11, 23, 12, 10)  # and now in London
    store.puts.clear()
    watcher.publish_all()
    assert window(store, key["london"]) == ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
    assert len(store.puts) == 2 and all(key["london"] in p for p in store.puts)
    assert_manifests_name_existing_files(store)


def test_the_changed_job_publishes_only_schools_whose_data_moved(sessions, tmp_path):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    store = RecordingStore(LocalStore.open(tmp_path / "public"))
    watcher = Watcher(sessions, store, SETTINGS, None, clock=FakeClock(utc(2026, 11, 22, 6)))
    watcher.publish_all()

    assert watcher.publish_changed().published == []  # type: ignore[union-attr]
    with transaction(sessions) as session:  # another application, plain SQL
        session.execute(
            text(
                "UPDATE lessons SET subject = 'Robotics' WHERE school_id = "
                "(SELECT id FROM schools WHERE slug = 'beta')"
            )
        )
    assert watcher.publish_changed().published == ["beta"]  # type: ignore[union-attr]
    assert watcher.publish_changed().published == []  # type: ignore[union-attr]


class SteppedClocks:
    """A monotonic clock the test advances, and a wall clock that follows it until
    it is stepped (NTP correcting it, DST on a host not kept in UTC)."""

    def __init__(self, start: dt.datetime) -> None:
        self.seconds = 5000.0
        self.start = start
        self.step = dt.timedelta(0)

    def monotonic(self) -> float:
        return self.seconds

    def wall(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.seconds - 5000) + self.step


@pytest.mark.parametrize("hours", [-1, 1], ids=["stepped back an hour", "stepped forward an hour"])
def test_the_watcher_keeps_its_cadence_when_the_wall_clock_steps(sessions, tmp_path, hours):
    """Heartbeats and looks for changes every 10 s of the monotonic clock, before and
    after the step; the pass over every school stays an hour away."""
    save(sessions, riyadh_school("alpha"))
    store = RecordingStore(LocalStore.open(tmp_path / "public"))
    clocks = SteppedClocks(utc(2026, 11, 22, 6))
    options = WatchOptions(interval=10, full_interval=3600)
    watcher = Watcher(
        sessions, store, SETTINGS, None, options, clock=clocks.wall, monotonic=clocks.monotonic
    )
    watcher.publish_all()
    store.puts.clear()
    beats, manifests_written = [], []

    for second in range(1, 71):
        clocks.seconds += 1
        if second == 15:
            clocks.step = dt.timedelta(hours=hours)
        if second in (25, 45):
            with transaction(sessions) as session:
                session.execute(text(f"UPDATE schools SET name = 'Alpha {second}'"))
        waiting = watcher.cadence.run_due()
        assert 0 < waiting <= 10
        if last_beat(sessions) == clocks.wall():
            beats.append(second)
        manifests_written += [second for key in store.puts if key.endswith("manifest.json")]
        store.puts.clear()

    assert beats == [10, 20, 30, 40, 50, 60, 70]
    assert manifests_written == [30, 50]  # each edit at the next look, not a full pass


def test_the_hourly_pass_builds_only_what_changed_and_the_daily_one_builds_everything(
    sessions, tmp_path
):
    """The pass over every school skips a school none of whose inputs changed; the full
    comparison, at start and every --compare-interval, builds every school whatever."""
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    store = RecordingStore(LocalStore.open(tmp_path / "public"))
    clocks = SteppedClocks(utc(2026, 11, 22, 6))
    options = WatchOptions(interval=10, full_interval=3600, compare_interval=86400)
    watcher = Watcher(
        sessions, store, SETTINGS, None, options, clock=clocks.wall, monotonic=clocks.monotonic
    )
    first = watcher.compare_all()
    assert first is not None and sorted(first.published) == ["alpha", "beta"]

    with transaction(sessions) as session:  # an edit the changed job has not seen yet
        session.execute(text("UPDATE schools SET name = 'Alpha renamed' WHERE slug = 'alpha'"))
    clocks.seconds += 3600
    hourly = watcher.publish_all()
    clocks.seconds += 3600
    quiet = watcher.publish_all()
    daily = watcher.compare_all()  # as the day's comparison would, at the same instant

    assert hourly is not None and (hourly.published, len(hourly.build_seconds)) == (["alpha"], 1)
    assert quiet is not None and (quiet.published, len(quiet.build_seconds)) == ([], 0)
    assert daily is not None and (daily.published, len(daily.build_seconds)) == ([], 2)


def last_beat(sessions) -> dt.datetime:
    with transaction(sessions) as session:
        beat = session.execute(text("SELECT beat_at FROM watchers")).scalar_one()
    if isinstance(beat, str):  # SQLite keeps the text
        beat = dt.datetime.fromisoformat(beat)
    return beat.replace(tzinfo=dt.UTC) if beat.tzinfo is None else beat


class RecordingEdge(http.server.ThreadingHTTPServer):
    """An edge that records refresh requests and answers as nginx does (BYPASS), or fails."""

    def __init__(self) -> None:
        self.refreshed: list[str] = []
        self.status = 200
        edge = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                if self.headers.get("X-Publisher-Refresh") == "1":
                    edge.refreshed.append(self.path)
                self.send_response(edge.status)
                self.send_header("X-Cache-Status", "BYPASS")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def test_the_watcher_refreshes_what_each_pass_rewrote_at_every_edge(sessions, tmp_path, caplog):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    edges = [RecordingEdge(), RecordingEdge()]
    cdns = CdnTargets(edge_urls=tuple(edge.url for edge in edges))
    log = logging.getLogger("publisher.test")
    caplog.set_level(logging.INFO, logger="publisher.test")
    store = LocalStore.open(tmp_path / "public")
    watcher = Watcher(
        sessions, store, SETTINGS, None, clock=FakeClock(utc(2026, 11, 22, 6)), log=log, cdns=cdns
    )
    watcher.publish_all()
    for edge in edges:
        edge.refreshed.clear()

    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET name = 'Beta renamed' WHERE slug = 'beta'"))
        beta = session.execute(text("SELECT public_key FROM schools WHERE slug = 'beta'")).scalar()
    edges[1].status = 502  # the store behind the second edge fails
    watcher.publish_changed()

    assert [edge.refreshed for edge in edges] == [[f"/schools/{beta}/manifest.json"]] + [
        [f"/schools/{beta}/manifest.json"] * 3  # tried three times
    ]
    (failed,) = [r for r in caplog.records if getattr(r, "event", "") == "invalidation_failed"]
    assert failed.getMessage().startswith(
        f"edge {edges[1].url}: schools/{beta}/manifest.json: HTTP 502"
    )

    edges[1].status = 200
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET name = 'Beta again' WHERE slug = 'beta'"))
    watcher.publish_changed()
    told = [r for r in caplog.records if getattr(r, "event", "") == "invalidated"][-1]
    assert told.edges_refreshed == [edge.url for edge in edges]  # type: ignore[attr-defined]
    assert told.getMessage() == "2 edges refreshed for 1 rewritten object"
    for edge in edges:
        edge.shutdown()


def test_a_storage_outage_is_logged_once_and_the_school_published_when_it_ends(
    sessions, aws_env, bucket, proxy, caplog
):
    save(sessions, riyadh_school("alpha"))
    store = S3Store.open(
        bucket.target(PREFIX), StoreOptions(endpoint_url=proxy.url, max_attempts=1)
    )
    log = logging.getLogger("publisher.test")
    watcher = Watcher(
        sessions, store, SETTINGS, None, clock=FakeClock(utc(2026, 11, 22, 6)), log=log
    )
    proxy.down = True
    caplog.set_level(logging.INFO, logger="publisher.test")

    for _ in range(3):
        watcher.publish_all()
        wait_until(watcher.storage.ready, 10)
    downs = [r for r in caplog.records if getattr(r, "event", "") == "storage_down"]
    assert len(downs) == 1 and "storage unavailable" in downs[0].getMessage()

    proxy.down = False
    summary = watcher.publish_all()
    assert summary is not None and summary.published == ["alpha"]
    assert [getattr(r, "event", "") for r in caplog.records].count("storage_up") == 1


def test_a_failing_school_is_logged_once_until_it_fails_differently(sessions, tmp_path, caplog):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Nowhere/Land' WHERE slug = 'beta'"))
    store = LocalStore.open(tmp_path / "public")
    log = logging.getLogger("publisher.test")
    caplog.set_level(logging.INFO, logger="publisher.test")
    watcher = Watcher(
        sessions, store, SETTINGS, None, clock=FakeClock(utc(2026, 11, 22, 6)), log=log
    )

    watcher.publish_all()
    watcher.publish_all()
    failures = [r for r in caplog.records if getattr(r, "event", "") == "school_failed"]
    assert [r.getMessage() for r in failures] == ["school beta: unknown time zone 'Nowhere/Land'"]
    assert watcher.publish_changed().published == []  # type: ignore[union-attr]  # backing off

    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Asia/Riyadh' WHERE slug = 'beta'"))
    assert watcher.publish_all().published == ["beta"]  # type: ignore[union-attr]
    assert any(getattr(r, "event", "") == "school_recovered" for r in caplog.records)


def test_the_watcher_writes_its_heartbeat_and_each_passs_figures_to_the_metrics_file(
    sessions, tmp_path
):
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    clock = FakeClock(utc(2026, 11, 22, 6))
    metrics = tmp_path / "publisher.prom"
    store = LocalStore.open(tmp_path / "public")
    watcher = Watcher(sessions, store, SETTINGS, None, clock=clock, metrics_file=metrics)

    watcher.heartbeat()  # before any run: the heartbeat alone
    started = clock.now.timestamp()
    assert read_metrics(metrics) == {"publisher_watch_heartbeat_timestamp_seconds": started}

    watcher.publish_all()
    figures = read_metrics(metrics)
    assert (figures["publisher_schools_published"], figures["publisher_schools_failed"]) == (2, 0)
    assert figures["publisher_last_success_timestamp_seconds"] == started

    clock.now += dt.timedelta(seconds=10)
    watcher.heartbeat()
    beat = read_metrics(metrics)
    assert beat["publisher_watch_heartbeat_timestamp_seconds"] == started + 10
    assert beat["publisher_schools_published"] == 2  # the last pass's figures stay


def watching_beta_fail(sessions, tmp_path: Path) -> tuple[Watcher, FakeClock, Path]:
    """A watcher over alpha and beta whose first pass failed beta (a zone that does not
    exist), writing its metrics file; the watcher, its clock and the file."""
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Nowhere/Land' WHERE slug = 'beta'"))
    metrics = tmp_path / "publisher.prom"
    store = LocalStore.open(tmp_path / "public")
    clock = FakeClock(utc(2026, 11, 22, 6))
    watcher = Watcher(sessions, store, SETTINGS, None, clock=clock, metrics_file=metrics)
    watcher.publish_all()
    assert read_metrics(metrics)["publisher_schools_failed"] == 1
    return watcher, clock, metrics


def test_a_pass_over_other_schools_is_no_success_while_one_is_failing(sessions, tmp_path):
    watcher, clock, metrics = watching_beta_fail(sessions, tmp_path)

    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET name = 'Alpha renamed' WHERE slug = 'alpha'"))
    assert watcher.publish_changed().published == ["alpha"]  # type: ignore[union-attr]
    figures = read_metrics(metrics)  # beta waits for its retry: still failing
    assert (figures["publisher_schools_published"], figures["publisher_schools_failed"]) == (1, 1)
    assert "publisher_last_success_timestamp_seconds" not in figures

    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Asia/Riyadh' WHERE slug = 'beta'"))
    clock.now += dt.timedelta(minutes=5)
    watcher.publish_all()
    figures = read_metrics(metrics)
    assert figures["publisher_schools_failed"] == 0
    assert figures["publisher_last_success_timestamp_seconds"] == clock.now.timestamp()


def test_a_failing_school_deactivated_no_longer_keeps_the_passes_from_succeeding(
    sessions, tmp_path
):
    watcher, clock, metrics = watching_beta_fail(sessions, tmp_path)

    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET active = false WHERE slug = 'beta'"))
    watcher.publish_all()
    figures = read_metrics(metrics)
    assert (figures["publisher_schools_failed"], figures["publisher_schools_unchanged"]) == (0, 1)
    assert figures["publisher_last_success_timestamp_seconds"] == clock.now.timestamp()


# -- the command, as a process ----------------------------------------------------------


def manifest_revision(bucket, key: str) -> int | None:
    fetched = bucket.fetch(f"{PREFIX}/schools/{key}/manifest.json")
    return json.loads(fetched.body)["revision"] if fetched.status == 200 else None


def sql_edit(database_url: str, statement: str) -> None:
    """An edit by another application: plain SQL on a connection of its own."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            connection.execute(statement)
        return
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_an_sql_edit_by_another_application_is_published_by_a_running_watcher(
    database_url, sessions, aws_env, bucket, moto_server
):
    save(sessions, riyadh_school("alpha"))
    key = keys_of(sessions)["alpha"]
    # PostgreSQL: only a notification can be that quick (the interval is an hour);
    # SQLite: polling every second.
    interval = "3600" if database_url.startswith("postgresql") else "1"
    process = start_watch(
        database_url, bucket.target(PREFIX), "--interval", interval, endpoint=moto_server.url
    )
    try:
        wait_until(lambda: manifest_revision(bucket, key) == 1 or process.poll() is not None, 60)
        assert process.poll() is None
        sql_edit(database_url, "UPDATE lessons SET teacher = 'Nadia' WHERE period_index = 1")
        edited = time.monotonic()
        wait_until(lambda: manifest_revision(bucket, key) == 2, 20)
        assert time.monotonic() - edited < 10
    finally:
        code, lines = stop(process)
    assert code == 0
    events = [line.get("event") for line in lines]
    assert events[0] == "watch_started" and events[-1] == "watch_stopped"
    assert all({"time", "level", "message"} <= set(line) for line in lines)


def test_status_shows_a_running_watchers_heartbeat_and_forgets_it_after_sigterm(
    cli, database_url, sessions, tmp_path
):
    save(sessions, riyadh_school("alpha"))
    process = start_watch(database_url, f"file://{tmp_path / 'public'}", "--interval", "1")
    try:

        def watchers() -> list[dict]:
            return json.loads(cli("status", "--json").stdout)["watchers"]

        wait_until(
            lambda: (
                any("published" in w["last_action"] for w in watchers())
                or process.poll() is not None
            ),
            60,
        )
        [watcher] = watchers()
        assert watcher["overdue"] is False and "published" in watcher["last_action"]
        assert watcher["seconds_since_beat"] <= 5
    finally:
        code, _ = stop(process)
    assert code == 0
    assert json.loads(cli("status", "--json").stdout)["watchers"] == []


def test_the_watch_command_keeps_its_heartbeat_fresh_in_the_metrics_file(
    database_url, sessions, tmp_path
):
    save(sessions, riyadh_school("alpha"))
    metrics = tmp_path / "textfile" / "publisher.prom"
    metrics.parent.mkdir()
    process = start_watch(
        database_url,
        f"file://{tmp_path / 'public'}",
        "--interval",
        "1",
        "--metrics-file",
        str(metrics),
    )
    try:

        def figures() -> dict[str, float]:
            return read_metrics(metrics) if metrics.exists() else {}

        wait_until(
            lambda: "publisher_schools_published" in figures() or process.poll() is not None, 60
        )
        assert figures()["publisher_schools_published"] == 1
        first = figures()["publisher_watch_heartbeat_timestamp_seconds"]
        assert abs(first - time.time()) < 30
        wait_until(
            lambda: (
                figures()["publisher_watch_heartbeat_timestamp_seconds"] > first
                or process.poll() is not None
            ),
            30,
        )
        assert process.poll() is None
    finally:
        code, _ = stop(process)
    assert code == 0
    assert [p.name for p in metrics.parent.iterdir()] == ["publisher.prom"]
