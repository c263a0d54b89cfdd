"""The Python reference (mes_dashboard.reference.evaluate): filters, groups, order, inputs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from contract_tables import contract_table, dictionary_chunks
from mes_dashboard.reference import evaluate
from mes_dashboard.reference.query import QueryError

LOTS = [f"L{i}" for i in range(1, 10)]


def lot_ids(table: pa.Table, *filters: dict[str, Any]) -> list[str]:
    """LOTIDs of the rows passing the filters, in row order (grouped by LOTID, sorted by lots)."""
    result = evaluate(
        table, {"dataset": "wip", "filters": list(filters), "groupBy": ["LOTID"], "metrics": []}
    )
    return sorted(row["LOTID"] for row in result["rows"])


def wip_table(**columns: list[Any]) -> pa.Table:
    return contract_table("wip", {"LOTID": LOTS[: len(next(iter(columns.values())))], **columns})


# ---- filters ---------------------------------------------------------------------------------


def test_eq_and_ne_on_strings_ne_keeps_nulls() -> None:
    table = wip_table(WORKCENTER_GROUP=["A", "B", None, "a"])
    assert lot_ids(table, {"field": "WORKCENTER_GROUP", "op": "eq", "value": "A"}) == ["L1"]
    assert lot_ids(table, {"field": "WORKCENTER_GROUP", "op": "ne", "value": "A"}) == [
        "L2",
        "L3",
        "L4",
    ]


def test_eq_and_ne_on_numbers_booleans_and_timestamps() -> None:
    table = wip_table(
        QTY=[5, None, 7],
        HOLD_HOURS=[1.5, 5.0, None],
        IS_DUMMY=[True, False, False],
        STARTDATE=[1_700_000_000_000, None, 1_700_000_000_001],
    )
    assert lot_ids(table, {"field": "QTY", "op": "eq", "value": 5.0}) == ["L1"]
    assert lot_ids(table, {"field": "QTY", "op": "ne", "value": 5}) == ["L2", "L3"]
    assert lot_ids(table, {"field": "HOLD_HOURS", "op": "eq", "value": 5}) == ["L2"]
    assert lot_ids(table, {"field": "IS_DUMMY", "op": "eq", "value": False}) == ["L2", "L3"]
    assert lot_ids(table, {"field": "IS_DUMMY", "op": "ne", "value": False}) == ["L1"]
    assert lot_ids(table, {"field": "STARTDATE", "op": "eq", "value": 1_700_000_000_001}) == ["L3"]
    assert lot_ids(table, {"field": "STARTDATE", "op": "ne", "value": 1_700_000_000_001}) == [
        "L1",
        "L2",
    ]


def test_in_matches_null_only_when_listed_and_not_in_is_its_complement() -> None:
    table = wip_table(PACKAGE_LEF=["SMA", None, "SMB", "sma"])
    plain = {"field": "PACKAGE_LEF", "values": ["SMA", "SMB"]}
    with_null = {"field": "PACKAGE_LEF", "values": ["SMA", None]}
    assert lot_ids(table, {**plain, "op": "in"}) == ["L1", "L3"]
    assert lot_ids(table, {**plain, "op": "not_in"}) == ["L2", "L4"]
    assert lot_ids(table, {**with_null, "op": "in"}) == ["L1", "L2"]
    assert lot_ids(table, {**with_null, "op": "not_in"}) == ["L3", "L4"]
    assert lot_ids(table, {"field": "PACKAGE_LEF", "op": "in", "values": []}) == []
    assert lot_ids(table, {"field": "PACKAGE_LEF", "op": "not_in", "values": []}) == LOTS[:4]


def test_in_on_numbers_and_booleans() -> None:
    table = wip_table(QTY=[1, 2, None], IS_DUMMY=[True, False, True])
    assert lot_ids(table, {"field": "QTY", "op": "in", "values": [2.0, None]}) == ["L2", "L3"]
    assert lot_ids(table, {"field": "IS_DUMMY", "op": "not_in", "values": [True]}) == ["L2"]


def test_contains_and_prefix_fold_case_with_str_lower_and_skip_nulls() -> None:
    table = wip_table(EQUIPMENTS=["GA2512-ÄB", "xga2512", None, "İSTANBUL", "ΟΔΟΣ", "I"])
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "contains", "value": "Ga2512"}) == [
        "L1",
        "L2",
    ]
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "prefix", "value": "ga2512"}) == ["L1"]
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "contains", "value": "äb"}) == ["L1"]
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "contains", "value": "Äb"}) == ["L1"]
    # 'İ'.lower() is 'i' + U+0307 (as in JavaScript): it contains 'i' and starts with 'i̇s'
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "prefix", "value": "i"}) == ["L4", "L6"]
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "prefix", "value": "İs"}) == ["L4"]
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "prefix", "value": "is"}) == []
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "contains", "value": "ı"}) == []
    # final sigma: 'ΟΔΟΣ'.lower() ends in 'ς' in Python and JavaScript alike
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "contains", "value": "δος"}) == ["L5"]
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "contains", "value": "δοσ"}) == []
    assert lot_ids(table, {"field": "EQUIPMENTS", "op": "contains", "value": ""}) == [
        "L1",
        "L2",
        "L4",
        "L5",
        "L6",
    ]


def test_contains_on_dictionary_columns() -> None:
    table = wip_table(PACKAGE_LEF=["SOD-123FL OP1", "SMA", None])
    assert lot_ids(table, {"field": "PACKAGE_LEF", "op": "contains", "value": "fl op"}) == ["L1"]
    assert lot_ids(table, {"field": "PACKAGE_LEF", "op": "prefix", "value": "s"}) == ["L1", "L2"]


def test_between_is_half_open_with_open_missing_bounds_and_no_nulls() -> None:
    table = wip_table(QTY=[0, 10, 20, None, 30])
    assert lot_ids(table, {"field": "QTY", "op": "between", "min": 10, "max": 30}) == ["L2", "L3"]
    assert lot_ids(table, {"field": "QTY", "op": "between", "min": 10}) == ["L2", "L3", "L5"]
    assert lot_ids(table, {"field": "QTY", "op": "between", "max": 10}) == ["L1"]
    assert lot_ids(table, {"field": "QTY", "op": "between", "min": 9.5, "max": 10.5}) == ["L2"]
    assert lot_ids(table, {"field": "QTY", "op": "between", "min": 30, "max": 10}) == []


def test_between_on_floats_and_timestamps() -> None:
    table = wip_table(HOLD_HOURS=[23.999, 24.0, None], CURRENTHOLDTIME=[1_000, 2_000, 3_000])
    assert lot_ids(table, {"field": "HOLD_HOURS", "op": "between", "min": 24}) == ["L2"]
    assert lot_ids(
        table, {"field": "CURRENTHOLDTIME", "op": "between", "min": 1_000, "max": 3_000}
    ) == ["L1", "L2"]


def test_is_null_not_null_and_filters_combine_with_and() -> None:
    table = wip_table(QTY=[1, None, 3], HOLD_TYPE=["quality", None, None])
    assert lot_ids(table, {"field": "QTY", "op": "is_null"}) == ["L2"]
    assert lot_ids(table, {"field": "QTY", "op": "not_null"}) == ["L1", "L3"]
    assert lot_ids(
        table, {"field": "QTY", "op": "not_null"}, {"field": "HOLD_TYPE", "op": "is_null"}
    ) == ["L3"]


# ---- groups ----------------------------------------------------------------------------------


def grouped(table: pa.Table, **query: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = evaluate(table, {"dataset": "wip", **query})["rows"]
    return rows


def test_null_group_is_a_real_group_and_comes_last() -> None:
    table = wip_table(WORKCENTER_GROUP=[None, "B", None, "A"], QTY=[1, 2, 3, 4])
    assert grouped(table, groupBy=["WORKCENTER_GROUP"], metrics=["lots", "qty"]) == [
        {"WORKCENTER_GROUP": "A", "lots": 1, "qty": 4},
        {"WORKCENTER_GROUP": "B", "lots": 1, "qty": 2},
        {"WORKCENTER_GROUP": None, "lots": 2, "qty": 4},
    ]


def test_bucket_edges_values_on_an_edge_go_to_the_upper_bucket() -> None:
    table = wip_table(HOLD_HOURS=[0.0, 23.9, 24.0, 71.99, 72.0, 1000.0])
    bucket = {"bucket": "HOLD_HOURS", "edges": [24, 72]}
    assert grouped(table, groupBy=[bucket], metrics=["lots"]) == [
        {"HOLD_HOURS": 0, "lots": 2},
        {"HOLD_HOURS": 1, "lots": 2},
        {"HOLD_HOURS": 2, "lots": 2},
    ]


def test_bucket_below_first_edge_null_value_and_as_name() -> None:
    table = wip_table(QTY=[-5, None, 10, 11])
    bucket = {"bucket": "QTY", "edges": [10], "as": "QTY_BAND"}
    assert grouped(table, groupBy=[bucket], metrics=["lots", "qty"]) == [
        {"QTY_BAND": 0, "lots": 1, "qty": -5},
        {"QTY_BAND": 1, "lots": 2, "qty": 21},
        {"QTY_BAND": None, "lots": 1, "qty": None},
    ]


def test_bucket_on_timestamps_uses_epoch_ms_edges() -> None:
    table = wip_table(STARTDATE=[999, 1_000, None, 5_000])
    bucket = {"bucket": "STARTDATE", "edges": [1_000.0, 5_000.5]}
    assert grouped(table, groupBy=[bucket], metrics=["lots"]) == [
        {"STARTDATE": 0, "lots": 1},
        {"STARTDATE": 1, "lots": 2},
        {"STARTDATE": None, "lots": 1},
    ]


def test_bucket_beside_its_plain_field() -> None:
    table = wip_table(QTY=[1, 2, 3])
    rows = grouped(
        table, groupBy=["QTY", {"bucket": "QTY", "edges": [2], "as": "B"}], metrics=["lots"]
    )
    assert rows == [
        {"QTY": 1, "B": 0, "lots": 1},
        {"QTY": 2, "B": 1, "lots": 1},
        {"QTY": 3, "B": 1, "lots": 1},
    ]


def test_negative_zero_groups_with_zero() -> None:
    table = wip_table(HOLD_HOURS=[-0.0, 0.0, None])
    rows = grouped(table, groupBy=["HOLD_HOURS"], metrics=["lots"])
    assert rows == [{"HOLD_HOURS": 0.0, "lots": 2}, {"HOLD_HOURS": None, "lots": 1}]
    assert json.dumps(rows[0]["HOLD_HOURS"]) == "0.0"


def test_two_group_keys_and_boolean_keys() -> None:
    table = wip_table(
        IS_DUMMY=[True, False, True, False, True],
        WIP_STATUS=["RUN", "RUN", "HOLD", "RUN", "RUN"],
    )
    assert grouped(table, groupBy=["IS_DUMMY", "WIP_STATUS"], metrics=["lots"]) == [
        {"IS_DUMMY": False, "WIP_STATUS": "RUN", "lots": 2},
        {"IS_DUMMY": True, "WIP_STATUS": "HOLD", "lots": 1},
        {"IS_DUMMY": True, "WIP_STATUS": "RUN", "lots": 2},
    ]


# ---- order and limit -------------------------------------------------------------------------


def test_strings_order_by_code_point() -> None:
    values = ["a", "B", "\U0001f600", "\uff01", "Z", "é", None, ""]
    table = wip_table(EQUIPMENTS=values, QTY=[1] * len(values))
    rows = grouped(table, groupBy=["EQUIPMENTS"], metrics=[])
    # UTF-16 code-unit order would put U+1F600 (a surrogate pair) before U+FF01
    assert [r["EQUIPMENTS"] for r in rows] == ["", "B", "Z", "a", "é", "\uff01", "\U0001f600", None]


def test_sort_by_metric_breaks_ties_by_group_keys_ascending() -> None:
    table = wip_table(WORKCENTER_GROUP=["c", "a", "b", "b", "d", "e"], QTY=[5, 5, 2, 3, 1, 9])
    rows = grouped(
        table, groupBy=["WORKCENTER_GROUP"], metrics=["qty"], sort=[{"by": "qty", "desc": True}]
    )
    assert [(r["WORKCENTER_GROUP"], r["qty"]) for r in rows] == [
        ("e", 9),
        ("a", 5),
        ("b", 5),
        ("c", 5),
        ("d", 1),
    ]


def test_nulls_sort_last_in_both_directions() -> None:
    table = wip_table(WORKCENTER_GROUP=["a", "b", "c", "d"], QTY=[2, None, 1, 3])
    query = {"groupBy": ["WORKCENTER_GROUP"], "metrics": ["qty"]}
    ascending = grouped(table, **query, sort=[{"by": "qty"}])
    descending = grouped(table, **query, sort=[{"by": "qty", "desc": True}])
    assert [r["qty"] for r in ascending] == [1, 2, 3, None]
    assert [r["qty"] for r in descending] == [3, 2, 1, None]
    by_key = grouped(
        wip_table(WORKCENTER_GROUP=["a", None, "b"]),
        groupBy=["WORKCENTER_GROUP"],
        sort=[{"by": "WORKCENTER_GROUP", "desc": True}],
    )
    assert [r["WORKCENTER_GROUP"] for r in by_key] == ["b", "a", None]


def test_sort_keys_apply_in_turn() -> None:
    table = wip_table(
        WORKCENTER_GROUP=["a", "a", "b", "b", "c"], IS_DUMMY=[True, False, True, False, True]
    )
    rows = grouped(
        table,
        groupBy=["WORKCENTER_GROUP", "IS_DUMMY"],
        metrics=["lots"],
        sort=[{"by": "IS_DUMMY", "desc": True}, {"by": "WORKCENTER_GROUP", "desc": True}],
    )
    assert [(r["WORKCENTER_GROUP"], r["IS_DUMMY"]) for r in rows] == [
        ("c", True),
        ("b", True),
        ("a", True),
        ("b", False),
        ("a", False),
    ]


def test_limit_cuts_rows_but_never_the_total() -> None:
    table = wip_table(WORKCENTER_GROUP=["a", "b", "c", "c"], QTY=[1, 2, 3, 4])
    query = {"dataset": "wip", "groupBy": ["WORKCENTER_GROUP"], "metrics": ["qty"]}
    result = evaluate(table, {**query, "sort": [{"by": "qty", "desc": True}], "limit": 2})
    assert result == {
        "rows": [{"WORKCENTER_GROUP": "c", "qty": 7}, {"WORKCENTER_GROUP": "b", "qty": 2}],
        "total": {"qty": 10},
    }
    assert evaluate(table, {**query, "limit": 0})["rows"] == []
    assert len(evaluate(table, {**query, "limit": 10})["rows"]) == 3


# ---- shape of the result ---------------------------------------------------------------------


def test_empty_group_by_gives_exactly_one_row_even_without_matches() -> None:
    table = wip_table(QTY=[1, 2])
    query = {"dataset": "wip", "metrics": ["lots", "qty", "avg_hold_hours"]}
    table = table.append_column("HOLD_HOURS", pa.array([None, None], pa.float64()))
    assert evaluate(table, query) == {
        "rows": [{"lots": 2, "qty": 3, "avg_hold_hours": None}],
        "total": {"lots": 2, "qty": 3, "avg_hold_hours": None},
    }
    none = {**query, "filters": [{"field": "QTY", "op": "eq", "value": 9}]}
    assert evaluate(table, none) == {
        "rows": [{"lots": 0, "qty": None, "avg_hold_hours": None}],
        "total": {"lots": 0, "qty": None, "avg_hold_hours": None},
    }


def test_empty_table() -> None:
    table = contract_table("wip", {"WORKCENTER_GROUP": [], "QTY": []})
    query = {"dataset": "wip", "metrics": ["lots", "qty", "workcenter_groups"]}
    zero = {"lots": 0, "qty": None, "workcenter_groups": 0}
    assert evaluate(table, query) == {"rows": [zero], "total": zero}
    assert evaluate(table, {**query, "groupBy": ["WORKCENTER_GROUP"]}) == {
        "rows": [],
        "total": zero,
    }


def test_no_metrics_gives_key_only_rows_and_an_empty_total() -> None:
    table = wip_table(WIP_STATUS=["RUN", "HOLD"])
    assert evaluate(table, {"dataset": "wip", "groupBy": ["WIP_STATUS"]}) == {
        "rows": [{"WIP_STATUS": "HOLD"}, {"WIP_STATUS": "RUN"}],
        "total": {},
    }


def test_result_is_json_serialisable() -> None:
    table = wip_table(
        WORKCENTER_GROUP=["a", None], STARTDATE=[1, None], HOLD_HOURS=[1.5, None], QTY=[1, 2]
    )
    result = evaluate(
        table,
        {
            "dataset": "wip",
            "groupBy": ["WORKCENTER_GROUP", "STARTDATE"],
            "metrics": ["lots", "qty", "avg_hold_hours", "max_hold_hours"],
        },
    )
    assert json.loads(json.dumps(result, allow_nan=False)) == result


# ---- inputs ----------------------------------------------------------------------------------


def test_several_record_batches() -> None:
    first = contract_table("wip", {"WORKCENTER_GROUP": ["a", "b"], "QTY": [1, 2]})
    second = contract_table("wip", {"WORKCENTER_GROUP": ["b", None], "QTY": [3, 4]})
    table = pa.Table.from_batches([*first.to_batches(), *second.to_batches()])
    assert table.column("QTY").num_chunks == 2
    assert grouped(table, groupBy=["WORKCENTER_GROUP"], metrics=["qty", "lots"]) == [
        {"WORKCENTER_GROUP": "a", "qty": 1, "lots": 1},
        {"WORKCENTER_GROUP": "b", "qty": 5, "lots": 2},
        {"WORKCENTER_GROUP": None, "qty": 4, "lots": 1},
    ]


def test_dictionary_columns_with_a_different_dictionary_per_batch() -> None:
    groups = dictionary_chunks(([0, 1, None, 0], ["A", "B"]), ([1, 0, 1], ["B", "C"]))
    qty = pa.chunked_array([pa.array([1, 2, 3, 4], pa.int32()), pa.array([5, 6, 7], pa.int32())])
    table = pa.Table.from_batches(pa.table({"WORKCENTER_GROUP": groups, "QTY": qty}).to_batches())
    assert table.column("WORKCENTER_GROUP").num_chunks == 2
    result = evaluate(
        table,
        {
            "dataset": "wip",
            "filters": [{"field": "WORKCENTER_GROUP", "op": "ne", "value": "A"}],
            "groupBy": ["WORKCENTER_GROUP"],
            "metrics": ["qty", "workcenter_groups"],
        },
    )
    assert result == {
        "rows": [
            {"WORKCENTER_GROUP": "B", "qty": 2 + 6, "workcenter_groups": 1},
            {"WORKCENTER_GROUP": "C", "qty": 5 + 7, "workcenter_groups": 1},
            {"WORKCENTER_GROUP": None, "qty": 3, "workcenter_groups": 0},
        ],
        "total": {"qty": 23, "workcenter_groups": 2},
    }
    in_b_or_c = {"field": "WORKCENTER_GROUP", "op": "in", "values": ["B", "C"]}
    rows = grouped(table, filters=[in_b_or_c], groupBy=["QTY", "WORKCENTER_GROUP"])
    assert [(r["QTY"], r["WORKCENTER_GROUP"]) for r in rows] == [
        (2, "B"),
        (5, "C"),
        (6, "B"),
        (7, "C"),
    ]


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_new_york")
def test_timestamps_with_a_zone_are_epoch_ms_whatever_the_machine_zone() -> None:
    taipei_midnight = 1_764_259_200_000  # 2025-11-28T00:00+08:00
    table = pa.table(
        {
            "STARTDATE": pa.array(
                [taipei_midnight, taipei_midnight + 1, None], pa.timestamp("ms", tz="Asia/Taipei")
            ),
            "SYS_DATE": pa.array([0, 0, 0], pa.timestamp("ms", tz="UTC")),
        }
    )
    result = evaluate(
        table,
        {
            "dataset": "wip",
            "filters": [{"field": "STARTDATE", "op": "between", "max": taipei_midnight + 1}],
            "groupBy": ["STARTDATE", "SYS_DATE"],
        },
    )
    assert result["rows"] == [{"STARTDATE": taipei_midnight, "SYS_DATE": 0}]
    assert type(result["rows"][0]["STARTDATE"]) is int


def test_validation_runs_against_the_tables_own_columns() -> None:
    table = wip_table(QTY=[1])
    with pytest.raises(QueryError, match=r"^groupBy\[0\]: unknown column 'WORKCENTER_GROUP'"):
        evaluate(table, {"dataset": "wip", "groupBy": ["WORKCENTER_GROUP"]})
    with pytest.raises(QueryError, match=r"^metrics\[0\] \('run_qty'\)\.where\[0\]\.field"):
        evaluate(table, {"dataset": "wip", "metrics": ["run_qty"]})


def test_non_millisecond_timestamps_are_rejected_when_referenced() -> None:
    table = pa.table({"STARTDATE": pa.array([1], pa.timestamp("us", tz="UTC"))})
    with pytest.raises(QueryError, match="unsupported type 'timestamp"):
        evaluate(table, {"dataset": "wip", "groupBy": ["STARTDATE"]})


def test_nan_input_raises_value_error() -> None:
    table = wip_table(HOLD_HOURS=[1.0, float("nan")])
    with pytest.raises(ValueError, match="HOLD_HOURS"):
        evaluate(table, {"dataset": "wip", "metrics": ["avg_hold_hours"]})
    # an unreferenced column is not read
    assert evaluate(table, {"dataset": "wip", "metrics": ["lots"]})["total"] == {"lots": 2}


def test_a_non_finite_result_raises_value_error() -> None:
    table = wip_table(HOLD_HOURS=[1e308, 1e308])
    with pytest.raises(ValueError, match="avg_hold_hours"):
        evaluate(table, {"dataset": "wip", "metrics": ["avg_hold_hours"]})
