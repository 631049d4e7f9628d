"""`publish --metrics-file`: the run's figures for Prometheus (node_exporter's textfile
collector), and `status --json` telling the same figures."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from metrics_file import read_metrics
from sqlalchemy import text
from store_checks import files

from publisher.db import transaction


def publish(cli, metrics: Path, *args: str):
    return cli("publish", "--all", "--metrics-file", str(metrics), *args)


@pytest.fixture
def metrics(tmp_path: Path) -> Path:
    folder = tmp_path / "textfile"
    folder.mkdir()
    return folder / "publisher.prom"


def break_school(sessions, slug: str) -> None:
    with transaction(sessions) as session:
        session.execute(
            text("UPDATE schools SET timezone = 'Nowhere/Land' WHERE slug = :slug"), {"slug": slug}
        )


def test_a_publish_writes_the_exact_figures_of_its_run(cli, two_schools, metrics):
    before = time.time()
    summary = json.loads(publish(cli, metrics, "--json").stdout)
    after = time.time()
    figures = read_metrics(metrics)
    assert {
        name: figures[f"publisher_{name}"]
        for name in ("schools_published", "schools_unchanged", "schools_failed")
    } == {"schools_published": 2, "schools_unchanged": 0, "schools_failed": 0}
    assert figures["publisher_objects_written"] == summary["counts"]["objects_written"]
    assert figures["publisher_objects_written"] == len(files(cli.target))
    assert figures["publisher_bytes_written"] == summary["counts"]["bytes_written"] > 0
    assert figures["publisher_build_seconds_count"] == 2  # one build per school
    assert 0 < figures["publisher_build_seconds{0.95}"] <= figures["publisher_build_seconds_sum"]
    assert 0 < figures["publisher_run_duration_seconds"] < after - before
    finished = figures["publisher_last_run_timestamp_seconds"]
    assert before <= finished <= after
    assert figures["publisher_last_success_timestamp_seconds"] == finished


def test_a_second_run_with_nothing_to_do_writes_nothing_and_is_a_newer_success(
    cli, two_schools, metrics
):
    publish(cli, metrics)
    first = read_metrics(metrics)
    assert publish(cli, metrics).exit_code == 0
    second = read_metrics(metrics)
    assert (second["publisher_schools_published"], second["publisher_schools_unchanged"]) == (0, 2)
    assert (second["publisher_objects_written"], second["publisher_bytes_written"]) == (0, 0)
    assert second["publisher_build_seconds_count"] == 0  # nothing they depend on changed
    assert publish(cli, metrics, "--full").exit_code == 0
    assert read_metrics(metrics)["publisher_build_seconds_count"] == 2  # built and compared
    assert (
        second["publisher_last_success_timestamp_seconds"]
        > first["publisher_last_success_timestamp_seconds"]
    )


def test_a_failing_school_is_counted_and_the_last_success_stays_that_of_the_run_before(
    cli, sessions, two_schools, metrics
):
    publish(cli, metrics)
    succeeded = read_metrics(metrics)["publisher_last_success_timestamp_seconds"]
    break_school(sessions, "beta")
    assert publish(cli, metrics).exit_code == 1
    failed = read_metrics(metrics)
    assert (failed["publisher_schools_failed"], failed["publisher_schools_unchanged"]) == (1, 1)
    assert failed["publisher_last_success_timestamp_seconds"] == succeeded
    assert failed["publisher_last_run_timestamp_seconds"] > succeeded


def test_a_run_that_never_succeeded_names_no_success_time(cli, sessions, two_schools, metrics):
    break_school(sessions, "beta")
    publish(cli, metrics)
    figures = read_metrics(metrics)
    assert figures["publisher_schools_failed"] == 1
    assert "publisher_last_success_timestamp_seconds" not in figures


def test_status_json_carries_the_figures_of_the_metrics_file(cli, sessions, two_schools, metrics):
    assert json.loads(cli("status", "--json").stdout)["last_run"] is None
    publish(cli, metrics)
    break_school(sessions, "beta")
    publish(cli, metrics)
    figures = read_metrics(metrics)
    run = json.loads(cli("status", "--json").stdout)["last_run"]
    assert run["counts"] == {
        "published": figures["publisher_schools_published"],
        "unchanged": figures["publisher_schools_unchanged"],
        "failed": figures["publisher_schools_failed"],
        "objects_written": figures["publisher_objects_written"],
        "bytes_written": figures["publisher_bytes_written"],
        "built": figures["publisher_build_seconds_count"],
    }
    assert run["succeeded"] is False
    assert run["build_seconds"] == {
        "sum": round(figures["publisher_build_seconds_sum"], 6),
        "p95": round(figures["publisher_build_seconds{0.95}"], 6),
    }
    assert run["seconds"] == round(figures["publisher_run_duration_seconds"], 3)
    assert run["last_success_at"] == time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(figures["publisher_last_success_timestamp_seconds"])
    )


def test_the_file_is_replaced_whole_never_rewritten_in_place(cli, two_schools, metrics):
    metrics.write_text("# an older run\n", encoding="utf-8")
    older = metrics.stat().st_ino
    publish(cli, metrics)
    assert metrics.stat().st_ino != older  # a new file renamed over the old one
    assert [p.name for p in metrics.parent.iterdir()] == ["publisher.prom"]  # no temporary left
    assert metrics.stat().st_mode & 0o777 == 0o644  # node_exporter may run as another user
    assert read_metrics(metrics)["publisher_schools_published"] == 2


def test_the_environment_names_the_file_as_well(cli, two_schools, metrics):
    cli("publish", "--all", env={"PUBLISHER_METRICS_FILE": str(metrics)})
    assert read_metrics(metrics)["publisher_schools_published"] == 2


@pytest.mark.parametrize("where", ["missing folder", "file as folder"])
def test_a_file_that_cannot_be_written_is_one_line_and_the_publish_still_succeeds(
    cli, two_schools, tmp_path, where
):
    if where == "file as folder":
        (tmp_path / "plain").write_text("", encoding="utf-8")
        path = tmp_path / "plain" / "publisher.prom"
    else:
        path = tmp_path / "missing" / "publisher.prom"
    result = publish(cli, path)
    assert result.exit_code == 0
    problems = [line for line in result.stderr.splitlines() if "metrics" in line]
    assert problems == [f"Warning: cannot write metrics file {path}: {_reason(where)}"]
    assert "Traceback" not in result.output
    assert "2 published, 0 unchanged, 0 failed" in result.stderr


def _reason(where: str) -> str:
    return os.strerror(2) if where == "missing folder" else os.strerror(20)


def test_a_dry_run_writes_no_metrics(cli, two_schools, metrics):
    publish(cli, metrics, "--dry-run")
    assert not metrics.exists()
    assert json.loads(cli("status", "--json").stdout)["last_run"] is None
