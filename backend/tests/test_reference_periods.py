"""Calendar dates in the reference: period keys, date filters, and plant-local days of instants."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from contract_tables import contract_table
from mes_dashboard.reference import evaluate
from mes_dashboard.reference.periods import parse_date, period_key, period_start, plant_date
from mes_dashboard.reference.query import QueryError

HOUR_MS = 3_600_000
TAIPEI_2025_11_28 = 1_764_259_200_000  # 2025-11-28T00:00+08:00


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        ("2026-12-28", "2026-12-28"),
        ("2026-12-31", "2026-12-28"),
        ("2027-01-01", "2026-12-28"),
        ("2027-01-03", "2026-12-28"),
        ("2027-01-04", "2027-01-04"),
        ("2020-12-31", "2020-12-28"),  # ISO week 53 of 2020
        ("2021-01-03", "2020-12-28"),
        ("2024-02-29", "2024-02-26"),
        ("2024-03-03", "2024-02-26"),
    ],
)
def test_weeks_start_on_monday_across_year_edges(day: str, monday: str) -> None:
    assert period_key(day, "week") == monday


def test_day_month_and_year_keys() -> None:
    assert period_key("2024-02-29", "day") == "2024-02-29"
    assert period_key("2024-02-29", "month") == "2024-02-01"
    assert period_key("2024-02-29", "year") == "2024-01-01"
    assert period_start(date(1, 1, 3), "week") == date(1, 1, 1)
    with pytest.raises(ValueError, match="hour"):
        period_start(date(2024, 1, 1), "hour")


@pytest.mark.parametrize(
    "text", ["2025-02-29", "2025-13-01", "2025-00-10", "0000-01-01", "2025-1-01", "20250101", "", 5]
)
def test_parse_date_accepts_only_real_dates_as_yyyy_mm_dd(text: Any) -> None:
    assert parse_date(text) is None


def test_parse_date() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2024-02-29\n") is None


@pytest.fixture
def machine_in_los_angeles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_los_angeles")
def test_instants_take_their_plant_local_day_whatever_the_machine_zone() -> None:
    assert plant_date(TAIPEI_2025_11_28) == date(2025, 11, 28)
    assert plant_date(TAIPEI_2025_11_28 - 1) == date(2025, 11, 27)
    assert period_key(TAIPEI_2025_11_28 - 1, "month") == "2025-11-01"
    assert period_key(TAIPEI_2025_11_28 + 4 * 24 * HOUR_MS, "week") == "2025-12-01"


def history(days: list[date | None]) -> pa.Table:
    return contract_table(
        "resource_history",
        {
            "TXNDATE": days,
            "HOURS": [float(i + 1) for i in range(len(days))],
            "STATUS_E10": ["PRD"] * len(days),
        },
    )


def hours_by(table: pa.Table, key: Any, *filters: dict[str, Any]) -> list[tuple[Any, Any]]:
    query = {"dataset": "resource_history", "filters": list(filters), "groupBy": [key]}
    rows = evaluate(table, {**query, "metrics": ["hours"]})["rows"]
    name = key if isinstance(key, str) else key.get("as", key["period"])
    return [(row[name], row["hours"]) for row in rows]


DAYS = [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 4), None, date(2020, 12, 31)]


@pytest.mark.usefixtures("machine_in_los_angeles")
def test_date_columns_group_as_yyyy_mm_dd_and_by_period() -> None:
    table = history(DAYS)
    assert (
        contract_table("resource_history", {"TXNDATE": DAYS}).schema.field("TXNDATE").type
        == pa.date32()
    )
    assert hours_by(table, "TXNDATE") == [
        ("2020-12-31", 5.0),
        ("2026-12-31", 1.0),
        ("2027-01-01", 2.0),
        ("2027-01-04", 3.0),
        (None, 4.0),
    ]
    week = {"period": "TXNDATE", "unit": "week"}
    assert hours_by(table, week) == [
        ("2020-12-28", 5.0),
        ("2026-12-28", 3.0),
        ("2027-01-04", 3.0),
        (None, 4.0),
    ]
    month = {"period": "TXNDATE", "unit": "month", "as": "MONTH"}
    assert hours_by(table, month) == [
        ("2020-12-01", 5.0),
        ("2026-12-01", 1.0),
        ("2027-01-01", 5.0),
        (None, 4.0),
    ]
    year = {"period": "TXNDATE", "unit": "year"}
    assert hours_by(table, year) == [
        ("2020-01-01", 5.0),
        ("2026-01-01", 1.0),
        ("2027-01-01", 5.0),
        (None, 4.0),
    ]


def test_period_beside_its_plain_field() -> None:
    table = history(DAYS[:3])
    result = evaluate(
        table,
        {
            "dataset": "resource_history",
            "groupBy": [{"period": "TXNDATE", "unit": "year", "as": "YEAR"}, "TXNDATE"],
            "metrics": ["hours"],
        },
    )
    assert [(r["YEAR"], r["TXNDATE"]) for r in result["rows"]] == [
        ("2026-01-01", "2026-12-31"),
        ("2027-01-01", "2027-01-01"),
        ("2027-01-01", "2027-01-04"),
    ]


def test_date_filters_take_yyyy_mm_dd_and_between_is_half_open() -> None:
    table = history(DAYS)
    between = {"field": "TXNDATE", "op": "between", "min": "2027-01-01", "max": "2027-01-04"}
    assert hours_by(table, "TXNDATE", between) == [("2027-01-01", 2.0)]
    eq = {"field": "TXNDATE", "op": "eq", "value": "2026-12-31"}
    assert hours_by(table, "TXNDATE", eq) == [("2026-12-31", 1.0)]
    ne = {"field": "TXNDATE", "op": "ne", "value": "2026-12-31"}
    assert [k for k, _ in hours_by(table, "TXNDATE", ne)] == [
        "2020-12-31",
        "2027-01-01",
        "2027-01-04",
        None,
    ]
    listed = {"field": "TXNDATE", "op": "in", "values": ["2027-01-04", None]}
    assert hours_by(table, "TXNDATE", listed) == [("2027-01-04", 3.0), (None, 4.0)]
    open_min = {"field": "TXNDATE", "op": "between", "max": "2027-01-01"}
    assert [k for k, _ in hours_by(table, "TXNDATE", open_min)] == ["2020-12-31", "2026-12-31"]


@pytest.mark.usefixtures("machine_in_los_angeles")
def test_timestamp_periods_are_taken_in_the_plant_time_zone() -> None:
    instants = [TAIPEI_2025_11_28 - 1, TAIPEI_2025_11_28, TAIPEI_2025_11_28 + 23 * HOUR_MS, None]
    table = pa.table(
        {
            "STARTDATE": pa.array(instants, pa.timestamp("ms", tz="Asia/Taipei")),
            "QTY": pa.array([1.0, 2.0, 4.0, 8.0]),
        }
    )
    result = evaluate(
        table,
        {"dataset": "wip", "groupBy": [{"period": "STARTDATE", "unit": "day"}], "metrics": ["qty"]},
    )
    assert result["rows"] == [
        {"STARTDATE": "2025-11-27", "qty": 1.0},
        {"STARTDATE": "2025-11-28", "qty": 6.0},
        {"STARTDATE": None, "qty": 8.0},
    ]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"field": "TXNDATE", "op": "eq", "value": "2025-02-29"},
            "filters[0].value: date column 'TXNDATE' needs a real date as 'YYYY-MM-DD', "
            "got '2025-02-29'",
        ),
        (
            {"field": "TXNDATE", "op": "in", "values": [None, 20250101]},
            "filters[0].values[1]: date column 'TXNDATE' needs a real date as 'YYYY-MM-DD', "
            "got 20250101",
        ),
        (
            {"field": "TXNDATE", "op": "between", "min": 0},
            "filters[0].min: date column 'TXNDATE' needs a real date as 'YYYY-MM-DD', got 0",
        ),
        (
            {"field": "TXNDATE", "op": "between", "min": "2025-01-01", "max": "2025-04-31"},
            "filters[0].max: date column 'TXNDATE' needs a real date as 'YYYY-MM-DD', "
            "got '2025-04-31'",
        ),
        (
            {"field": "HOURS", "op": "between", "min": "2025-01-01"},
            "filters[0].min: number column 'HOURS' needs a number value, got '2025-01-01'",
        ),
        (
            {"field": "TXNDATE", "op": "contains", "value": "2025"},
            "filters[0].op: 'contains' needs a string column, 'TXNDATE' is date",
        ),
    ],
)
def test_date_filter_errors_name_the_path(item: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError) as caught:
        evaluate(history([]), {"dataset": "resource_history", "filters": [item]})
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            {"period": "HOURS", "unit": "day"},
            "groupBy[0].period: periods need a date or timestamp column, 'HOURS' is number",
        ),
        (
            {"bucket": "TXNDATE", "edges": [1]},
            "groupBy[0].bucket: buckets need a numeric or timestamp column, 'TXNDATE' is date",
        ),
    ],
)
def test_period_and_bucket_key_errors(key: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError) as caught:
        evaluate(history([]), {"dataset": "resource_history", "groupBy": [key]})
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ({"period": "TXNDATE"}, "groupBy[0]: 'unit' is a required property"),
        (
            {"period": "TXNDATE", "unit": "hour"},
            "groupBy[0].unit: 'hour' is not one of ['day', 'week', 'month', 'year']",
        ),
        (
            {"period": "TXNDATE", "unit": "day", "edges": [1]},
            "groupBy[0]: Additional properties are not allowed ('edges' was unexpected)",
        ),
        (
            {"period": "TXNDATE", "unit": "day", "as": "b"},
            "groupBy[0].as: 'b' does not match '^[A-Z][A-Z0-9_]*$'",
        ),
    ],
)
def test_period_schema_errors_name_the_part(key: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError) as caught:
        evaluate(history([]), {"dataset": "resource_history", "groupBy": [key]})
    assert str(caught.value) == message


def test_a_bound_that_is_neither_number_nor_date() -> None:
    item = {"field": "TXNDATE", "op": "between", "min": "2025/01/01"}
    with pytest.raises(QueryError) as caught:
        evaluate(history([]), {"dataset": "resource_history", "filters": [item]})
    assert str(caught.value) == (
        "filters[0].min: '2025/01/01' is neither a number nor a date 'YYYY-MM-DD'"
    )
