"""Aggregates and metrics of the Python reference (mes_dashboard.reference)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from contract_tables import contract_table
from mes_dashboard import contracts
from mes_dashboard.reference import evaluate
from mes_dashboard.reference.aggregates import aggregate


def total(table: pa.Table, dataset: str, *metrics: str, **query: Any) -> dict[str, Any]:
    result = evaluate(table, {"dataset": dataset, "metrics": list(metrics), **query})
    assert result["rows"] == [result["total"]] or query.get("groupBy")
    values: dict[str, Any] = result["total"]
    return values


COLUMNS: dict[str, list[Any]] = {
    "F": [3, None, 1, 3, -2],
    "X": [0.5, 1.5, None, 2.0, None],
    "S": ["b", "a", None, "b", "c"],
}
ALL = [0, 1, 2, 3, 4]
IS_B = [{"field": "S", "op": "eq", "value": "b"}]
NOT_B = [{"field": "S", "op": "ne", "value": "b"}]


@pytest.mark.parametrize(
    ("spec", "rows", "expected"),
    [
        ({"agg": "count"}, ALL, 5),
        ({"agg": "count", "field": "F"}, ALL, 4),
        ({"agg": "count", "field": "F"}, [], 0),
        ({"agg": "count_distinct", "field": "F"}, ALL, 3),
        ({"agg": "count_distinct", "field": "S"}, ALL, 3),
        ({"agg": "count_distinct", "field": "S"}, [1, 2], 1),
        ({"agg": "count_distinct", "field": "S"}, [2], 0),
        ({"agg": "sum", "field": "F"}, ALL, 5),
        ({"agg": "sum", "field": "F"}, [1], None),
        ({"agg": "sum", "field": "X"}, ALL, 4.0),
        ({"agg": "mean", "field": "F"}, ALL, 1.25),
        ({"agg": "mean", "field": "X"}, [0, 1], 1.0),
        ({"agg": "mean", "field": "X"}, [2, 4], None),
        ({"agg": "min", "field": "F"}, ALL, -2),
        ({"agg": "max", "field": "F"}, ALL, 3),
        ({"agg": "min", "field": "X"}, ALL, 0.5),
        ({"agg": "max", "field": "X"}, [], None),
        ({"agg": "min", "field": "F"}, [1], None),
        ({"agg": "count", "where": IS_B}, ALL, 2),
        ({"agg": "sum", "field": "F", "where": NOT_B}, ALL, -1),
    ],
)
def test_each_aggregate_kind(spec: dict[str, Any], rows: list[int], expected: Any) -> None:
    value = aggregate(spec, COLUMNS, rows)
    assert value == expected
    assert type(value) is type(expected)


def ratio(numerator: dict[str, Any], denominator: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"agg": "ratio", "numerator": numerator, "denominator": denominator, **rest}


def test_ratio_is_numerator_over_denominator_times_scale_in_that_order() -> None:
    spec = ratio({"agg": "count", "field": "S"}, {"agg": "count"}, scale=100)
    columns: dict[str, list[Any]] = {"S": ["a", None, None]}
    value = aggregate(spec, columns, [0, 1, 2])
    assert value == 1 / 3 * 100 and value != 100 / 3


def test_ratio_is_null_for_a_zero_or_null_denominator_or_a_null_numerator() -> None:
    columns: dict[str, list[Any]] = {"F": [0, None], "X": [None, None]}
    assert aggregate(ratio({"agg": "count"}, {"agg": "sum", "field": "F"}), columns, [0, 1]) is None
    assert aggregate(ratio({"agg": "count"}, {"agg": "sum", "field": "X"}), columns, [0]) is None
    assert aggregate(ratio({"agg": "sum", "field": "X"}, {"agg": "count"}), columns, [0]) is None
    assert aggregate(ratio({"agg": "count"}, {"agg": "count"}), columns, []) is None
    assert aggregate(ratio({"agg": "count"}, {"agg": "count"}), columns, [0]) == 1.0


def test_integer_sums_are_exact_python_ints() -> None:
    table = contract_table("wip", {"QTY": [2**31 - 1] * 3, "QTY2": [1, None, 2]})
    values = total(table, "wip", "qty", "wafer_qty")
    assert values == {"qty": 3 * (2**31 - 1), "wafer_qty": 3}
    assert all(type(v) is int for v in values.values())


def test_float_sums_add_left_to_right_in_row_order() -> None:
    # fsum would give 2.0 for both; row-order addition loses the 1.0 absorbed by 1e16
    absorbed = contract_table("wip", {"HOLD_HOURS": [1e16, 1.0, -1e16, 1.0]})
    kept = contract_table("wip", {"HOLD_HOURS": [1e16, -1e16, 1.0, 1.0]})
    assert total(absorbed, "wip", "avg_hold_hours") == {"avg_hold_hours": 0.25}
    assert total(kept, "wip", "avg_hold_hours") == {"avg_hold_hours": 0.5}
    history = contract_table(
        "resource_history", {"HOURS": [0.1, 0.2, 0.3], "STATUS_E10": ["PRD"] * 3}
    )
    assert total(history, "resource_history", "hours") == {"hours": (0.1 + 0.2) + 0.3}


def test_min_max_keep_integer_and_timestamp_types() -> None:
    table = contract_table(
        "wip", {"AGEBYDAYS": [2.5, None, 7.25], "HOLD_HOURS": [None, None, None]}
    )
    assert total(table, "wip", "max_age_days", "avg_age_days", "max_hold_hours") == {
        "max_age_days": 7.25,
        "avg_age_days": 4.875,
        "max_hold_hours": None,
    }
    columns: dict[str, list[Any]] = {"T": [1_700_000_000_000, 1_600_000_000_000]}
    assert aggregate({"agg": "min", "field": "T"}, columns, [0, 1]) == 1_600_000_000_000


def test_metric_where_applies_after_the_query_filters() -> None:
    table = contract_table(
        "wip",
        {
            "WIP_STATUS": ["RUN", "RUN", "HOLD", "QUEUE", "RUN"],
            "HOLD_TYPE": [None, None, "quality", None, None],
            "QTY": [10, 20, 30, 40, None],
            "IS_DUMMY": [False, True, False, False, False],
        },
    )
    metrics = ("lots", "run_lots", "run_qty", "hold_qty", "quality_hold_lots", "queue_qty")
    query = {"filters": [{"field": "IS_DUMMY", "op": "eq", "value": False}]}
    assert total(table, "wip", *metrics, **query) == {
        "lots": 4,
        "run_lots": 2,
        "run_qty": 10,
        "hold_qty": 30,
        "quality_hold_lots": 1,
        "queue_qty": 40,
    }


def test_metric_where_per_group() -> None:
    table = contract_table(
        "resource",
        {
            "WORKCENTER_GROUP": ["a", "a", "a", "b", "b"],
            "STATUS_E10": ["PRD", "SBY", "NST", "NST", "OTHER"],
        },
    )
    result = evaluate(
        table,
        {
            "dataset": "resource",
            "groupBy": ["WORKCENTER_GROUP"],
            "metrics": ["machines", "prd_machines", "ou_pct", "availability_pct"],
        },
    )
    assert result == {
        "rows": [
            {
                "WORKCENTER_GROUP": "a",
                "machines": 3,
                "prd_machines": 1,
                "ou_pct": 1 / 2 * 100,
                "availability_pct": 2 / 3 * 100,
            },
            {
                "WORKCENTER_GROUP": "b",
                "machines": 2,
                "prd_machines": 0,
                "ou_pct": None,
                "availability_pct": 0.0,
            },
        ],
        "total": {
            "machines": 5,
            "prd_machines": 1,
            "ou_pct": 1 / 2 * 100,
            "availability_pct": 2 / 4 * 100,
        },
    }


def test_boolean_and_between_wheres() -> None:
    table = contract_table(
        "resource",
        {"HAS_JOB": [True, False, True], "LOT_COUNT": [0, 1, 2_147_483_647]},
    )
    assert total(
        table, "resource", "machines_with_job", "machines_with_lots", "lots_on_machines"
    ) == {
        "machines_with_job": 2,
        "machines_with_lots": 1,
        "lots_on_machines": 2_147_483_648,
    }


def test_ratio_of_float_sums() -> None:
    table = contract_table(
        "resource_history",
        {"STATUS_E10": ["PRD", "SBY", "NST", "PRD"], "HOURS": [1.5, 2.0, 4.0, 0.5]},
    )
    assert total(table, "resource_history", "ou_pct_hours", "prd_hours", "nst_hours") == {
        "ou_pct_hours": (1.5 + 0.5) / (1.5 + 2.0 + 0.5) * 100,
        "prd_hours": 2.0,
        "nst_hours": 4.0,
    }


SAMPLES: dict[str, list[Any]] = {
    "utf8": ["x1", "x2", None, "x1"],
    "dictionary": ["d1", "d2", None, "d1"],
    "int32": [3, 1, None, 2],
    "float64": [1.5, 0.25, None, 4.0],
    "bool": [True, False, True, False],
    "timestamp": [1_700_000_000_000, None, 1_700_000_003_600, 1_700_000_000_000],
}


def sample_column(spec: dict[str, Any], wanted: list[Any]) -> list[Any]:
    """Eight values of a column's type: the contract's `values`, values the metric asks for."""
    base = [v for v in spec.get("values", []) + wanted if v is not None] + SAMPLES[spec["type"]]
    values = (base * 8)[:8]
    return [v if v is not None or spec["nullable"] else base[0] for v in values]


def metric_fields(spec: dict[str, Any]) -> dict[str, list[Any]]:
    """Columns a metric definition reads, with the filter values it compares them to."""
    fields: dict[str, list[Any]] = {}
    if "field" in spec:
        fields.setdefault(spec["field"], [])
    for item in spec.get("where", []):
        wanted = item.get("values", [item.get("value"), item.get("min")])
        fields.setdefault(item["field"], []).extend(wanted)
    for part in [spec[p] for p in ("numerator", "denominator") if p in spec]:
        for name, wanted in metric_fields(part).items():
            fields.setdefault(name, []).extend(wanted)
    return fields


@pytest.mark.parametrize(
    ("metric_id", "dataset"),
    [(m, d) for m, spec in contracts.metrics().items() for d in spec["datasets"]],
)
def test_every_metric_is_evaluable_on_a_small_table_of_its_dataset(
    metric_id: str, dataset: str
) -> None:
    specs = {c["name"]: c for c in contracts.columns(dataset)}
    definition = contracts.metrics()[metric_id]
    columns = {
        name: sample_column(specs[name], wanted)
        for name, wanted in metric_fields(definition).items()
    }
    columns.setdefault("WORKCENTER_GROUP", sample_column(specs["WORKCENTER_GROUP"], []))
    table = contract_table(dataset, columns)
    result = evaluate(
        table, {"dataset": dataset, "groupBy": ["WORKCENTER_GROUP"], "metrics": [metric_id]}
    )
    value = result["total"][metric_id]
    assert value is not None and value == value
    assert len(result["rows"]) == 3
    if definition["agg"] in ("count", "count_distinct"):
        assert type(value) is int and value > 0
