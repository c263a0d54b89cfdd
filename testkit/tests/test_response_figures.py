"""The drills' figures over recorded answers."""

from __future__ import annotations

import math

from testkit.response_figures import (
    Sample,
    first_after,
    per_interval,
    percentile,
    server_errors,
    share_by_worker,
)

DEGRADED = {"X-Degraded": "source unavailable; since=2026-11-28T08:00:00+00:00; code=X"}


def answer(started: float, worker: int = 1, status: int = 200, degraded: bool = False) -> Sample:
    return Sample("/a", started, started + 0.1, status, worker, DEGRADED if degraded else {})


def test_server_errors_count_5xx_and_no_answer_only() -> None:
    statuses = [200, 304, 429, 500, 503, 0]
    assert server_errors(answer(0, status=s) for s in statuses) == 3


def test_share_by_worker_counts_answers_inside_the_window_per_worker() -> None:
    samples = [answer(0.5, 1, degraded=False), answer(1, 1, degraded=True),
               answer(2, 1, degraded=False), answer(1, 2, degraded=True),
               answer(9.95, 2, degraded=False)]  # fmt: skip
    assert share_by_worker(samples, "X-Degraded", 1.0, 10.0) == {1: 0.5, 2: 1.0}


def test_an_empty_header_does_not_count_as_carried() -> None:
    samples = [Sample("/a", 1, 1.1, 200, 1, {"X-Degraded": ""})]
    assert share_by_worker(samples, "X-Degraded", 0, 5) == {1: 0.0}


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 99) == 99.0
    assert percentile(values, 50) == 50.0
    assert percentile([3.0], 99) == 3.0
    assert math.isnan(percentile([], 99))


def test_per_interval_spreads_counts_over_whole_intervals() -> None:
    assert per_interval(5, 25, 5) == 1.0
    assert per_interval(1, 2, 5) == 1.0  # less than one interval counts as one


def test_first_after_waits_for_an_undegraded_answer_of_that_path() -> None:
    samples = [answer(11, degraded=True), answer(12), Sample("/b", 10.5, 10.6, 200)]
    assert first_after(samples, 10.0, "/a") == 12.1 - 10.0
    assert math.isinf(first_after(samples, 20.0, "/a"))
