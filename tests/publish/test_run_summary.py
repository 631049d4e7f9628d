"""A run's build seconds, as the metrics and `status --json` report them."""

from __future__ import annotations

from publisher.publish import RunSummary


def summary_of(seconds: list[float]) -> RunSummary:
    return RunSummary(build_seconds=seconds)


def test_the_p95_is_a_time_some_school_took_the_nearest_rank():
    twenty = [float(n) for n in range(20, 0, -1)]  # in any order
    assert summary_of(twenty).build_p95() == 19.0
    assert summary_of([*twenty, 21.0]).build_p95() == 20.0  # 21 schools: rank 20


def test_one_school_is_its_own_p95_and_no_school_gives_zero():
    assert summary_of([0.25]).build_p95() == 0.25
    assert summary_of([]).build_p95() == 0.0
