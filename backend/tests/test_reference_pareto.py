"""Pareto shares and top-n with an "other" row (mes_dashboard.reference.pareto)."""

from __future__ import annotations

from typing import Any

import pytest

from mes_dashboard.reference import pareto, top_n_with_other


def test_pareto_adds_the_running_share_in_the_given_order() -> None:
    rows = [{"k": "a", "v": 50}, {"k": "b", "v": 30}, {"k": "c", "v": 20}]
    result = pareto(rows, "v")
    assert [r["cum_pct"] for r in result] == [50.0, 80.0, 100.0]
    assert result[0] == {"k": "a", "v": 50, "cum_pct": 50.0}
    assert "cum_pct" not in rows[0]


def test_pareto_last_share_is_exactly_100_for_floats() -> None:
    result = pareto([{"v": 0.1}, {"v": 0.2}, {"v": 0.3}, {"v": None}], "v")
    assert [r["cum_pct"] for r in result] == [
        0.1 / (0.1 + 0.2 + 0.3) * 100,
        (0.1 + 0.2) / (0.1 + 0.2 + 0.3) * 100,
        100.0,
        100.0,
    ]


def test_pareto_skips_nulls_and_missing_values() -> None:
    result = pareto([{"v": 3}, {"v": None}, {}, {"v": 1}], "v")
    assert [r["cum_pct"] for r in result] == [75.0, 75.0, 75.0, 100.0]


def test_pareto_share_is_null_when_the_total_is_zero() -> None:
    assert [r["cum_pct"] for r in pareto([{"v": 0}, {"v": None}], "v")] == [None, None]
    assert [r["cum_pct"] for r in pareto([{"v": 2}, {"v": -2}], "v")] == [None, None]
    assert pareto([], "v") == []


ROWS: list[dict[str, Any]] = [
    {"k": "a", "v": 5, "w": 1.5},
    {"k": "b", "v": 4, "w": None},
    {"k": "c", "v": None, "w": 0.25},
    {"k": "d", "v": 2, "w": None},
]


def test_top_n_sums_the_rest_into_an_other_row_skipping_nulls() -> None:
    assert top_n_with_other(ROWS, "k", ["v", "w"], 2) == [
        {"k": "a", "v": 5, "w": 1.5},
        {"k": "b", "v": 4, "w": None},
        {"k": None, "other": True, "v": 2, "w": 0.25},
    ]
    assert top_n_with_other(ROWS, "k", ["w"], 3) == [
        *ROWS[:3],
        {"k": None, "other": True, "w": None},
    ]


def test_top_n_adds_no_other_row_unless_there_are_more_than_n_rows() -> None:
    assert top_n_with_other(ROWS, "k", ["v"], 4) == ROWS
    assert top_n_with_other(ROWS, "k", ["v"], 10) == ROWS
    assert top_n_with_other([], "k", ["v"], 0) == []


def test_top_zero_is_only_the_other_row() -> None:
    assert top_n_with_other(ROWS, "k", ["v"], 0) == [{"k": None, "other": True, "v": 11}]


def test_top_n_copies_rows_and_rejects_negative_n() -> None:
    head = top_n_with_other(ROWS, "k", ["v"], 1)
    head[0]["v"] = 99
    assert ROWS[0]["v"] == 5
    with pytest.raises(ValueError, match="n must be >= 0"):
        top_n_with_other(ROWS, "k", ["v"], -1)
