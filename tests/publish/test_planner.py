"""Planning in a process of its own: the same plans, and a run that survives losing it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from schools import riyadh_school, save
from sqlalchemy import text

from publisher.config import PublishSettings
from publisher.db import transaction
from publisher.page.build import current_page_build
from publisher.publish.planner import PlanningProcess, can_plan_elsewhere
from publisher.publish.run import publish
from publisher.stores.local import LocalStore
from testsupport.wait import wait_until

SETTINGS = PublishSettings(concurrency=4)
SCHOOLS = 9
PAGE = current_page_build("https://screens.example.org/")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}


@pytest.fixture
def ids(sessions) -> list[int]:
    return save(sessions, *[riyadh_school(f"s{i}") for i in range(SCHOOLS)])


def test_a_planning_process_publishes_exactly_what_planning_here_does(
    sessions, database_url, ids, now, tmp_path
):
    store = LocalStore.open(tmp_path / "a")
    with PlanningProcess(database_url, sessions, store.identity(), now, SETTINGS, PAGE) as planner:
        wait_until(lambda: planner.started, 60)
        elsewhere = publish(
            sessions, store, ids, now, SETTINGS, batch_size=2, page=PAGE, planner=planner.plan,
        )  # fmt: skip
    assert planner.batches_elsewhere == 5  # batches of 1, 2, 2, 2, 2 schools
    here = publish(
        sessions, LocalStore.open(tmp_path / "b"), ids, now, SETTINGS, batch_size=2, page=PAGE
    )

    assert elsewhere.published == here.published == [f"s{i}" for i in range(SCHOOLS)]
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    pages = [body for path, body in tree(tmp_path / "a").items() if path.endswith("/index.html")]
    assert len(pages) == SCHOOLS  # built in the worker, from the page build it was sent
    assert all(b"https://screens.example.org/assets/" in page for page in pages)
    with transaction(sessions) as session:
        states = session.execute(text("SELECT count(*) FROM publish_state")).scalar()
    assert states == 2 * SCHOOLS  # one per school and target


def test_batches_are_planned_here_until_the_process_has_started(sessions, database_url, ids, now):
    with PlanningProcess(database_url, sessions, "file:///planned", now, SETTINGS, None) as planner:
        plans = planner.plan(ids[:1])  # at once: the worker is still starting
        assert [plan.school.slug for plan in plans] == ["s0"]
        assert plans[0].school.lessons  # planned here, rows and all
        assert planner.batches_elsewhere == 0
        wait_until(lambda: planner.started, 60)
        (plan,) = planner.plan(ids[:1])
        assert planner.batches_elsewhere == 1
        assert plan.school.lessons == ()  # sent back without the rows
        assert plan.writes == plans[0].writes


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_a_stop_signal_leaves_the_worker_planning_and_its_death_moves_planning_here(
    how, sessions, database_url, ids, now, tmp_path
):
    """systemd sends SIGTERM to every process of the service: the uploading
    process decides when to stop. A worker killed outright is replaced by
    planning here; the run completes either way."""
    store = LocalStore.open(tmp_path / "a")
    with PlanningProcess(database_url, sessions, store.identity(), now, SETTINGS, None) as planner:
        wait_until(lambda: planner.started, 60)
        (worker,) = multiprocessing.active_children()
        assert worker.pid is not None
        os.kill(worker.pid, getattr(signal, how))
        worker.join(timeout=5 if how == "SIGKILL" else 0.5)
        summary = publish(
            sessions, store, ids, now, SETTINGS, batch_size=2, planner=planner.plan,
        )  # fmt: skip

    assert summary.published == [f"s{i}" for i in range(SCHOOLS)]
    assert planner.batches_elsewhere == (5 if how == "SIGTERM" else 0)


@pytest.mark.parametrize(
    ("url", "elsewhere"),
    [
        ("sqlite:///publisher.db", True),
        ("sqlite:////var/lib/publisher/publisher.db", True),
        ("sqlite://", False),
        ("sqlite:///:memory:", False),
        ("postgresql+psycopg://publisher@db.example.internal/screens", True),
    ],
)
def test_only_a_database_another_process_can_open_is_planned_elsewhere(url, elsewhere):
    assert can_plan_elsewhere(url) is elsewhere


def test_publish_plans_in_a_second_process_only_past_one_batch_of_schools(
    cli, sessions, monkeypatch
):
    """200 schools are planned where they are uploaded; 201 start a planning process."""
    save(sessions, *[riyadh_school(f"s{i:03}") for i in range(201)])
    started: list[PlanningProcess] = []
    original = PlanningProcess.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(PlanningProcess, "__init__", recording)

    result = cli("publish", "--all", "--days", "1")
    assert result.exit_code == 0, result.output
    assert "201 published, 0 unchanged, 0 failed" in result.stderr
    assert len(started) == 1

    result = cli("publish", *(f"--school=s{i:03}" for i in range(200)), "--days", "2")
    assert result.exit_code == 0, result.output
    assert "200 published" in result.stderr  # each gained a day file
    assert len(started) == 1


def test_the_worker_and_the_resource_tracker_end_when_the_publish_is_killed(tmp_path):
    """`kill -9` of a `publish --all` (or the OOM killer) must not leave its planning
    worker, nor multiprocessing's resource tracker, running without it."""
    env = {
        **os.environ,
        "PUBLISHER_DATABASE_URL": f"sqlite:///{tmp_path / 'publisher.db'}",
        "PUBLISHER_TARGET": f"file://{tmp_path / 'public'}",
    }
    publisher = [sys.executable, "-c", "from publisher.cli import main; main()"]
    subprocess.run([*publisher, "demo", "--schools", "201"], env=env, check=True)
    run = psutil.Popen([*publisher, "publish", "--all"], env=env, stderr=subprocess.DEVNULL)
    try:
        helpers = _wait_for_helpers(run)
        roles = {process.pid: _role(process) for process in helpers}  # while they run
    finally:
        run.kill()
        run.wait()
    assert sorted(roles.values()) == ["tracker", "worker"]

    gone, alive = psutil.wait_procs(helpers, timeout=5)
    left = [roles[process.pid] for process in alive]
    for process in alive:  # not to outlive a failing test
        process.kill()
    assert left == []


def _role(process: psutil.Process) -> str:
    return "tracker" if "resource_tracker" in " ".join(process.cmdline()) else "worker"


def _wait_for_helpers(run: psutil.Popen) -> list[psutil.Process]:
    """The run's planning worker and resource tracker, once both are up and the worker
    watches its parent: its second thread, which it starts before anything else.

    Killed before that, the run is still outlived only until the worker has started
    (imported what it needs), which on a busy machine takes longer than the test waits.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert run.poll() is None, "the publish ended before its worker started"
        children = sorted(run.children(), key=_role)
        if len(children) == 2 and children[1].num_threads() >= 2:
            return children
        time.sleep(0.02)
    raise AssertionError("no planning worker appeared, watching its parent")
