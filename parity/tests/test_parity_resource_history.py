"""Property: every valid resource_history query gives the same result on both sides, with the
browser in UTC, Asia/Taipei and America/Los_Angeles (a production day must not move with a zone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyarrow as pa
import pytest
from hypothesis import given
from playwright.sync_api import Browser

from mes_dashboard.reference import evaluate
from parity.harness import BrowserCore, browser_core
from parity.runner import check_queries
from parity.strategies import Example, examples
from parity.tables import SNAPSHOT_METADATA

ZONES = ["UTC", "Asia/Taipei", "America/Los_Angeles"]


@pytest.fixture(scope="module", params=ZONES)
def zoned_core(request: pytest.FixtureRequest, chromium_browser: Browser) -> Iterator[BrowserCore]:
    """`window.mesCore` in a Chromium page whose time zone is the parameter."""
    with browser_core(timezone_id=request.param, browser=chromium_browser) as browser:
        yield browser


@given(example=examples("resource_history", always=("TXNDATE",)))
def test_resource_history_queries_match_reference(
    zoned_core: BrowserCore, example: Example
) -> None:
    check_queries(zoned_core, example.snapshot.ipc, example.snapshot.table, example.queries)


def _edge_days() -> list[dt.date | None]:
    """Dec 25 - Jan 6 of 2020/21 and 2026/27, the leap days of 2024, and a null."""
    days: list[dt.date | None] = []
    for year in (2020, 2026):
        days += [dt.date(year, 12, 25) + dt.timedelta(days=k) for k in range(13)]
    return [*days, dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 3, 1), None]


def _edge_stream() -> tuple[bytes, pa.Table]:
    days = _edge_days()
    schema = pa.schema(
        [
            pa.field("TXNDATE", pa.date32()),
            pa.field("STATUS_E10", pa.dictionary(pa.int32(), pa.string())),
            pa.field("HOURS", pa.float64(), nullable=False),
        ],
        metadata=SNAPSHOT_METADATA,
    )
    statuses = pa.array(["PRD", "SBY", "UDT"] * 10)[: len(days)].dictionary_encode()
    table = pa.table(
        [pa.array(days, pa.date32()), statuses, [0.5 * i for i in range(len(days))]], schema=schema
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(table, max_chunksize=7)
    return sink.getvalue().to_pybytes(), table


def test_period_edges_match_reference_in_every_zone(zoned_core: BrowserCore) -> None:
    ipc, table = _edge_stream()
    queries = [
        {
            "dataset": "resource_history",
            "groupBy": [{"period": "TXNDATE", "unit": unit, "as": "PERIOD"}, "TXNDATE"],
            "metrics": ["hours", "ou_pct_hours", "availability_pct_hours"],
        }
        for unit in ("day", "week", "month", "year")
    ]
    queries.append(
        {
            "dataset": "resource_history",
            "filters": [
                {"field": "TXNDATE", "op": "between", "min": "2020-12-28", "max": "2021-01-04"}
            ],
            "groupBy": [{"period": "TXNDATE", "unit": "week"}],
            "metrics": ["hours"],
        }
    )
    check_queries(zoned_core, ipc, table, queries)
    weeks = evaluate(table, queries[1])["rows"]
    mondays = {row["TXNDATE"]: row["PERIOD"] for row in weeks}
    assert mondays["2020-12-31"] == mondays["2021-01-03"] == "2020-12-28"
    assert mondays["2027-01-01"] == "2026-12-28" and mondays["2027-01-04"] == "2027-01-04"
    assert evaluate(table, queries[4])["rows"] == [
        {"TXNDATE": "2020-12-28", "hours": sum(0.5 * i for i in range(3, 10))}
    ]
