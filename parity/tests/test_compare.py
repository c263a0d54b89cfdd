"""compare.py on hand-made results: tolerances, typed keys, shape, and the ordering rule."""

from __future__ import annotations

from typing import Any

from parity.compare import compare_results, metric_rule

WIP = {"dataset": "wip", "groupBy": ["PACKAGE_LEF"], "metrics": ["lots", "avg_age_days"]}


def result(*rows: tuple[Any, int, float | None]) -> dict[str, Any]:
    return {
        "rows": [{"PACKAGE_LEF": k, "lots": n, "avg_age_days": a} for k, n, a in rows],
        "total": {"lots": sum(n for _, n, _ in rows), "avg_age_days": None},
    }


def test_rules_follow_the_aggregate_and_the_contract_tolerance() -> None:
    assert metric_rule("lots", "wip").exact
    assert metric_rule("qty", "wip").exact  # sum of an int32 column
    assert metric_rule("workcenter_groups", "resource").exact
    rule = metric_rule("avg_age_days", "wip")
    assert not rule.exact and rule.rel == 1e-12 and rule.abs == 0
    assert metric_rule("ou_pct", "resource").rel == 1e-9


def test_equal_results_agree() -> None:
    ref = result(("SMA", 2, 1.5), (None, 1, None))
    assert compare_results(WIP, ref, ref) == []


def test_float_within_tolerance_passes_and_beyond_fails() -> None:
    ref = result(("SMA", 2, 1.5))
    assert compare_results(WIP, ref, result(("SMA", 2, 1.5 * (1 + 5e-13)))) == []
    assert compare_results(WIP, ref, result(("SMA", 2, 1.5 * (1 + 5e-12))))


def test_counts_are_exact_and_null_is_not_a_number() -> None:
    ref = result(("SMA", 2, None))
    assert compare_results(WIP, ref, result(("SMA", 3, None)))
    assert compare_results(WIP, ref, result(("SMA", 2, 0.0)))
    assert compare_results(WIP, ref, result(("SMA", 2, float("nan"))))


def test_group_keys_are_typed_and_missing_groups_reported() -> None:
    query = {"dataset": "wip", "groupBy": ["IS_DUMMY"], "metrics": ["lots"]}
    ref = {"rows": [{"IS_DUMMY": True, "lots": 1}], "total": {"lots": 1}}
    got = {"rows": [{"IS_DUMMY": 1, "lots": 1}], "total": {"lots": 1}}
    problems = compare_results(query, ref, got)
    assert any("only in the reference" in p for p in problems)
    assert any("only in the browser" in p for p in problems)


def test_shape_must_be_exact() -> None:
    ref = result(("SMA", 2, 1.5))
    extra = {**ref, "meta": {}}
    assert compare_results(WIP, ref, extra)
    missing = {"rows": [{"PACKAGE_LEF": "SMA", "lots": 2}], "total": ref["total"]}
    assert compare_results(WIP, ref, missing)


def test_order_must_match_when_values_are_exact() -> None:
    ref = result(("A", 1, 1.0), ("B", 1, 1.0))
    swapped = {"rows": list(reversed(ref["rows"])), "total": ref["total"]}
    assert any("order differs" in p for p in compare_results(WIP, ref, swapped))


def test_a_swap_by_float_values_within_tolerance_is_allowed() -> None:
    query = {**WIP, "sort": [{"by": "avg_age_days", "desc": True}]}
    # the reference has A above B; the browser's values differ within 1e-12 and put B first
    ref = result(("A", 1, 1.0 + 2e-16), ("B", 1, 1.0))
    got = result(("B", 1, 1.0 + 4e-16), ("A", 1, 1.0 + 2e-16))
    assert compare_results(query, ref, got) == []
    # the same swap without values that justify it is an order mismatch
    unjustified = result(("B", 1, 1.0), ("A", 1, 1.0 + 2e-16))
    assert any("order differs" in p for p in compare_results(query, ref, unjustified))
