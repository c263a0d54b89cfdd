"""Validation of queries against the query contract (mes_dashboard.reference.query)."""

from __future__ import annotations

from typing import Any

import pytest

from mes_dashboard import contracts
from mes_dashboard.reference.query import QueryError, group_key_name, validate_query


def rejects(query: object, message: str, fields: dict[str, str] | None = None) -> None:
    with pytest.raises(QueryError) as caught:
        validate_query(query, fields)
    assert str(caught.value) == message
    assert caught.value.code == "INVALID_QUERY"


def test_defaults_are_filled_in() -> None:
    assert validate_query({"dataset": "wip"}) == {
        "dataset": "wip",
        "filters": [],
        "groupBy": [],
        "metrics": [],
        "sort": [],
        "limit": None,
    }


def test_normalizes_bucket_names_sort_direction_and_limit() -> None:
    query: dict[str, Any] = {
        "dataset": "wip",
        "groupBy": ["WORKCENTER_GROUP", {"bucket": "QTY", "edges": [10]}],
        "metrics": ["lots"],
        "sort": [{"by": "lots"}],
        "limit": 3.0,
    }
    normalized = validate_query(query)
    assert normalized["groupBy"][1] == {"bucket": "QTY", "edges": [10], "as": "QTY"}
    assert normalized["sort"] == [{"by": "lots", "desc": False}]
    assert normalized["limit"] == 3 and isinstance(normalized["limit"], int)
    normalized["groupBy"][1]["edges"].append(20)
    assert query["groupBy"][1] == {"bucket": "QTY", "edges": [10]}


def test_accepts_the_design_example() -> None:
    validate_query(
        {
            "dataset": "wip",
            "filters": [
                {"field": "PACKAGE_LEF", "op": "in", "values": ["SOD-123FL OP1", "SMA", None]},
                {"field": "LOTID", "op": "contains", "value": "ga2512"},
                {"field": "QTY", "op": "between", "min": 0, "max": 5000},
                {"field": "IS_DUMMY", "op": "eq", "value": False},
                {"field": "CURRENTHOLDTIME", "op": "between", "min": 1_700_000_000_000},
                {"field": "HOLDREASONNAME", "op": "is_null"},
            ],
            "groupBy": ["WORKCENTER_GROUP", {"bucket": "HOLD_HOURS", "edges": [24, 72, 168]}],
            "metrics": ["lots", "qty", "quality_hold_lots", "avg_hold_hours"],
            "sort": [{"by": "qty", "desc": True}, {"by": "HOLD_HOURS"}],
            "limit": 15,
        }
    )


def test_contract_columns_include_detail_columns() -> None:
    validate_query({"dataset": "wip", "filters": [{"field": "QTY2", "op": "eq", "value": 1}]})


def test_every_metric_validates_for_each_of_its_datasets() -> None:
    for metric_id, definition in contracts.metrics().items():
        for dataset in definition["datasets"]:
            validate_query({"dataset": dataset, "metrics": [metric_id]})


def wip(**parts: Any) -> dict[str, Any]:
    return {"dataset": "wip", **parts}


def one_filter(**item: Any) -> dict[str, Any]:
    return wip(filters=[item])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "query: 'dataset' is a required property"),
        ([], "query: [] is not of type 'object'"),
        (
            {"dataset": "lots"},
            "dataset: 'lots' is not one of ['wip', 'resource', 'resource_history']",
        ),
        (wip(extra=1), "query: Additional properties are not allowed ('extra' was unexpected)"),
        (one_filter(field="QTY", op="eq"), "filters[0]: 'value' is a required property"),
        (one_filter(field="QTY", op="in"), "filters[0]: 'values' is a required property"),
        (one_filter(field="QTY"), "filters[0]: 'op' is a required property"),
        (one_filter(op="is_null"), "filters[0]: 'field' is a required property"),
        (one_filter(field="QTY", op="like", value="x"), "filters[0].op: unknown op 'like'"),
        (one_filter(field="QTY", op="between"), "filters[0]: needs 'min' or 'max'"),
        (
            one_filter(field="QTY", op="between", min="1"),
            "filters[0].min: '1' is neither a number nor a date 'YYYY-MM-DD'",
        ),
        (
            one_filter(field="QTY", op="eq", value=None),
            "filters[0].value: None is not of type 'string', 'number', 'boolean'",
        ),
        (
            one_filter(field="LOTID", op="prefix", value=1),
            "filters[0].value: 1 is not of type 'string'",
        ),
        (
            one_filter(field="qty", op="is_null"),
            "filters[0].field: 'qty' does not match '^[A-Z][A-Z0-9_]*$'",
        ),
        (
            one_filter(field="QTY", op="is_null", value=1),
            "filters[0]: Additional properties are not allowed ('value' was unexpected)",
        ),
        (wip(groupBy=[{"bucket": "QTY"}]), "groupBy[0]: 'edges' is a required property"),
        (
            wip(groupBy=[{"bucket": "QTY", "edges": []}]),
            "groupBy[0].edges: [] should be non-empty",
        ),
        (wip(metrics=["lots", "lots"]), "metrics: ['lots', 'lots'] has non-unique elements"),
        (wip(sort=[{"desc": True}]), "sort[0]: 'by' is a required property"),
        (wip(limit=-1), "limit: -1 is less than the minimum of 0"),
    ],
)
def test_schema_violations_name_the_offending_part(query: object, message: str) -> None:
    rejects(query, message)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            wip(
                filters=[{"field": "QTY", "op": "is_null"}] * 2
                + [{"field": "FOO", "op": "is_null"}]
            ),
            "filters[2].field: unknown column 'FOO' in dataset 'wip'",
        ),
        (wip(groupBy=["RESOURCEID"]), "groupBy[0]: unknown column 'RESOURCEID' in dataset 'wip'"),
        (
            wip(groupBy=[{"bucket": "NOPE", "edges": [1]}]),
            "groupBy[0].bucket: unknown column 'NOPE' in dataset 'wip'",
        ),
        (wip(metrics=["lots", "bogus"]), "metrics[1]: unknown metric 'bogus'"),
        (
            wip(metrics=["machines"]),
            "metrics[0]: metric 'machines' is not defined for dataset 'wip' (only for resource)",
        ),
        (
            wip(filters=[{"field": "QTY", "op": "contains", "value": "1"}]),
            "filters[0].op: 'contains' needs a string column, 'QTY' is number",
        ),
        (
            wip(filters=[{"field": "IS_DUMMY", "op": "prefix", "value": "t"}]),
            "filters[0].op: 'prefix' needs a string column, 'IS_DUMMY' is boolean",
        ),
        (
            wip(filters=[{"field": "LOTID", "op": "between", "min": 1}]),
            "filters[0].op: 'between' needs a numeric, timestamp or date column, 'LOTID' is string",
        ),
        (
            wip(filters=[{"field": "LOTID", "op": "eq", "value": 1}]),
            "filters[0].value: string column 'LOTID' needs a string value, got 1",
        ),
        (
            wip(filters=[{"field": "QTY", "op": "ne", "value": "1"}]),
            "filters[0].value: number column 'QTY' needs a number value, got '1'",
        ),
        (
            wip(filters=[{"field": "QTY", "op": "eq", "value": True}]),
            "filters[0].value: number column 'QTY' needs a number value, got True",
        ),
        (
            wip(filters=[{"field": "STARTDATE", "op": "eq", "value": "2026-01-01"}]),
            "filters[0].value: timestamp column 'STARTDATE' needs a number value, got '2026-01-01'",
        ),
        (
            wip(filters=[{"field": "IS_DUMMY", "op": "in", "values": [True, None, 1]}]),
            "filters[0].values[2]: boolean column 'IS_DUMMY' needs a boolean value, got 1",
        ),
        (
            wip(groupBy=[{"bucket": "QTY", "edges": [1, 5, 5]}]),
            "groupBy[0].edges[2]: edges must be strictly increasing, got 5 then 5",
        ),
        (
            wip(groupBy=[{"bucket": "QTY", "edges": [10, 1]}]),
            "groupBy[0].edges[1]: edges must be strictly increasing, got 10 then 1",
        ),
        (
            wip(groupBy=[{"bucket": "WIP_STATUS", "edges": [1]}]),
            "groupBy[0].bucket: buckets need a numeric or timestamp column, 'WIP_STATUS' is string",
        ),
        (
            wip(groupBy=["QTY", {"bucket": "QTY", "edges": [1]}]),
            "groupBy[1]: duplicate group key name 'QTY'",
        ),
        (
            wip(groupBy=["QTY", {"bucket": "HOLD_HOURS", "edges": [1], "as": "QTY"}]),
            "groupBy[1]: duplicate group key name 'QTY'",
        ),
        (
            wip(groupBy=["QTY"], metrics=["lots"], sort=[{"by": "qty"}]),
            "sort[0].by: 'qty' is neither a metric of the query (lots) nor a group key (QTY)",
        ),
        (
            wip(groupBy=[{"bucket": "QTY", "edges": [1], "as": "QTY_BAND"}], sort=[{"by": "QTY"}]),
            "sort[0].by: 'QTY' is neither a metric of the query (none) nor a group key (QTY_BAND)",
        ),
    ],
)
def test_semantic_errors_name_the_offending_part(query: object, message: str) -> None:
    rejects(query, message)


def test_table_fields_replace_the_contract_columns() -> None:
    fields = {"WORKCENTER_GROUP": "dictionary", "QTY": "int32", "EXTRA": "utf8"}
    validate_query(wip(groupBy=["WORKCENTER_GROUP", "EXTRA"], metrics=["qty"]), fields)
    rejects(
        wip(filters=[{"field": "LOTID", "op": "is_null"}]),
        "filters[0].field: unknown column 'LOTID' in dataset 'wip'",
        fields,
    )


def test_metric_columns_must_exist_in_the_table() -> None:
    rejects(
        wip(metrics=["lots", "run_lots"]),
        "metrics[1] ('run_lots').where[0].field: unknown column 'WIP_STATUS' in dataset 'wip'",
        {"QTY": "int32"},
    )
    rejects(
        {"dataset": "resource", "metrics": ["ou_pct"]},
        "metrics[0] ('ou_pct').numerator.where[0].field: "
        "unknown column 'STATUS_E10' in dataset 'resource'",
        {"LOT_COUNT": "int32"},
    )


def test_metric_fields_must_have_a_type_the_aggregate_accepts() -> None:
    rejects(
        wip(metrics=["qty"]),
        "metrics[0] ('qty').field: 'sum' cannot aggregate string column 'QTY'",
        {"QTY": "utf8"},
    )


def test_unsupported_column_types_are_rejected_when_referenced() -> None:
    fields = {"QTY": "list<item: int32>", "LOTID": "utf8"}
    validate_query(wip(groupBy=["LOTID"]), fields)
    rejects(
        wip(groupBy=["QTY"]),
        "groupBy[0]: column 'QTY' has unsupported type 'list<item: int32>'",
        fields,
    )


def test_sort_accepts_metrics_and_group_key_names() -> None:
    validate_query(
        wip(
            groupBy=["LOTID", {"bucket": "QTY", "edges": [1], "as": "QTY_BAND"}],
            metrics=["qty"],
            sort=[{"by": "QTY_BAND", "desc": True}, {"by": "qty"}, {"by": "LOTID"}],
        )
    )


def test_query_error_is_a_value_error() -> None:
    assert issubclass(QueryError, ValueError)
    assert QueryError.code == "INVALID_QUERY"


def test_group_key_name() -> None:
    assert group_key_name("QTY") == "QTY"
    assert group_key_name({"bucket": "QTY", "edges": [1]}) == "QTY"
    assert group_key_name({"bucket": "QTY", "edges": [1], "as": "B"}) == "B"


def test_patterns_follow_ecma_end_of_string_like_the_browser() -> None:
    # Python's `$` also matches before a trailing newline; the schema means ECMA-262's `$`
    with pytest.raises(QueryError, match="does not match"):
        validate_query(
            {"dataset": "wip", "groupBy": [{"bucket": "QTY", "edges": [1], "as": "B\n"}]}
        )
    with pytest.raises(QueryError):
        validate_query({"dataset": "wip", "filters": [{"field": "QTY\n", "op": "is_null"}]})
