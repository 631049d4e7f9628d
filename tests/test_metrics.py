"""The metrics text and its file, on their own: what the command line's tests take for
granted (tests/cli/test_cli_metrics.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families

from publisher.db.runs import RunRecord
from publisher.metrics import MetricsError, render_metrics, write_metrics_file

FINISHED = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
RUN = RunRecord(
    target="s3://screens/site",
    finished_at=FINISHED,
    seconds=12.5,
    published=3,
    unchanged=297,
    failed=0,
    objects_written=30,
    bytes_written=250_000,
    build_count=300,
    build_seconds_sum=6.0,
    build_seconds_p95=0.04,
    last_success_at=FINISHED,
)


def samples(text: str) -> dict[str, tuple[dict[str, str], float]]:
    return {
        sample.name: (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_target_with_quotes_backslashes_and_line_breaks_reads_back_as_it_was():
    target = 's3://odd"bucket\\name/with\nbreak'
    text = render_metrics(target, RUN)
    assert {labels["target"] for labels, _ in samples(text).values()} == {target}


def test_before_any_run_only_the_heartbeat_is_written():
    text = render_metrics("file:///srv/public", None, FINISHED, "watch")
    assert samples(text) == {
        "publisher_watch_heartbeat_timestamp_seconds": (
            {"target": "file:///srv/public", "command": "watch"},
            FINISHED.timestamp(),
        )
    }


def test_a_password_in_the_target_never_reaches_the_file():
    text = render_metrics("s3://screens/site@https://user:secret@minio.example", RUN)
    assert "secret" not in text


def test_a_file_that_cannot_replace_what_is_at_its_path_leaves_no_temporary_behind(tmp_path):
    (tmp_path / "publisher.prom").mkdir()  # a folder in the way: the rename fails
    with pytest.raises(MetricsError, match=r"^cannot write metrics file .*publisher\.prom: "):
        write_metrics_file(tmp_path / "publisher.prom", render_metrics("x", RUN))
    assert [p.name for p in tmp_path.iterdir()] == ["publisher.prom"]
