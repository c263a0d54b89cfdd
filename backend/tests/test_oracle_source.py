"""The Oracle source: SQL templating, Arrow conversion, and failures that never hang."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import oracledb
import pyarrow as pa
import pytest

from blackhole import BlackHole, closed_port
from mes_dashboard.config import ConfigError, Settings
from mes_dashboard.errors import ApiError
from mes_dashboard.resilience.bounded_pool import BoundedPool
from mes_dashboard.resilience.db_errors import DbError, DbErrorKind
from mes_dashboard.sources.base import OBJECTS, WATERMARKS
from mes_dashboard.sources.history_filter import HistoryFilter
from mes_dashboard.sources.oracle import OracleSource, fetch_arrow
from mes_dashboard.sources.oracle_sql import (
    render_sql,
    statements,
    validate_object_name,
)

WAIT_MS = 300
SLACK_S = 1.5
SNAP = datetime(2026, 11, 28, 8, 0, 0)

MALICIOUS = [
    "DWH.DW_MES_LOT_V; DROP TABLE X",
    "DWH.DW_MES_LOT_V --",
    "DWH.DW_MES_LOT_V WHERE 1=1",
    "(SELECT * FROM DUAL)",
    '"DWH"."DW_MES_LOT_V"',
    "DWH..LOT",
    "A.B.C",
    "1LOT",
    "",
    "DWH.LOT\n",
    "DWH.LOT@REMOTE",
    "X" * 129,
]


def oracle_settings(dsn: str = "db.example:1521/MES", **overrides: Any) -> Settings:
    """Oracle settings with a short pool wait."""
    base: dict[str, Any] = {
        "oracle_dsn": dsn,
        "oracle_user": "mes",
        "oracle_password": "not-a-real-password",
        "oracle_wait_timeout_ms": WAIT_MS,
    }
    return Settings(**(base | overrides))


@pytest.mark.parametrize("name", MALICIOUS)
def test_templating_rejects_anything_but_a_plain_object_name(name: str) -> None:
    with pytest.raises(ValueError):
        validate_object_name(name)
    with pytest.raises(ValueError):
        render_sql("lot", name)


def test_plain_names_are_accepted() -> None:
    for name in ("DWH.DW_MES_LOT_V", "DW_MES_LOT_V", "dwh.lot$hist#2", "X" * 128):
        assert validate_object_name(name) == name


def test_source_refuses_a_malicious_setting_before_touching_the_database() -> None:
    with pytest.raises(ConfigError, match="MES_OBJ_RESOURCE"):
        OracleSource(oracle_settings(obj_resource="DWH.R; DELETE FROM DWH.R"))


def test_each_statement_holds_its_configured_object_name() -> None:
    names = {attr: f"MES_TEST.OBJ_{i}" for i, attr in enumerate(OBJECTS.values())}
    sql = statements(oracle_settings(**names))
    assert set(sql) == set(OBJECTS) | {f"{obj}_watermark" for obj in WATERMARKS}
    for key, text in sql.items():
        obj = key.removesuffix("_watermark")
        assert f"FROM {names[OBJECTS[obj]]}" in text
        assert "{object}" not in text and "--" not in text and not text.endswith(";")
        assert text.startswith("SELECT ")
    assert "MAX(SYS_DATE)" in sql["lot_watermark"]
    assert "MAX(LASTCHANGEDATE)" in sql["resource_watermark"]
    assert ":start_day" in sql["resource_history"] and ":end_day" in sql["resource_history"]
    assert f"FROM {names[OBJECTS['resource']]} m" in sql["resource_history"]


class DataFrameConnection:
    """A connection offering the driver's DataFrame API, serving a driver-built DataFrame."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.calls: list[tuple[str, Any, int]] = []

    def fetch_df_all(self, statement: str, parameters: Any = None, arraysize: int = 0) -> Any:
        self.calls.append((statement, parameters, arraysize))
        return oracledb.from_arrow(self.table)


def driver_shaped_table() -> pa.Table:
    """A table typed as fetch_df_all types NUMBER, CHAR and DATE columns."""
    return pa.table(
        {
            "QTY": pa.array([Decimal(1200), None], pa.decimal128(10, 0)),
            "AGEBYDAYS": pa.array([Decimal("3.125"), Decimal(0)], pa.decimal128(12, 3)),
            "HUGE": pa.array([Decimal(10) ** 20, None], pa.decimal128(38, 0)),
            "QTY2": pa.array([3.0, None], pa.float64()),
            "EQUIPMENTCOUNT": pa.array([1, 0], pa.int64()),
            "RESOURCEID": pa.array(["GA25-001        ", None], pa.large_string()),
            "SYS_DATE": pa.array([SNAP, None], pa.timestamp("s")),
        }
    )


def test_dataframe_path_leaves_no_decimal_and_keeps_padding_and_naive_dates() -> None:
    conn = DataFrameConnection(driver_shaped_table())
    table = fetch_arrow(conn, "SELECT * FROM DWH.X", {"a": 1}, 777)  # type: ignore[arg-type]
    assert conn.calls == [("SELECT * FROM DWH.X", {"a": 1}, 777)]
    assert table.schema.types == [
        pa.int64(), pa.float64(), pa.float64(), pa.float64(), pa.int64(), pa.string(),
        pa.timestamp("ms"),
    ]  # fmt: skip
    assert table.column("QTY").to_pylist() == [1200, None]
    assert table.column("AGEBYDAYS").to_pylist() == [3.125, 0.0]
    assert table.column("HUGE").to_pylist() == [1e20, None]
    assert table.column("RESOURCEID").to_pylist() == ["GA25-001        ", None]
    assert table.column("SYS_DATE").to_pylist() == [SNAP, None]


class TableConnection(DataFrameConnection):
    """Serves the pyarrow table itself (oracledb.from_arrow cannot build a zero-row DataFrame)."""

    def fetch_df_all(self, statement: str, parameters: Any = None, arraysize: int = 0) -> Any:
        return self.table


def test_an_empty_result_keeps_its_schema() -> None:
    empty = driver_shaped_table().slice(0, 0)
    table = fetch_arrow(TableConnection(empty), "q", None, 10)  # type: ignore[arg-type]
    assert table.num_rows == 0 and table.column_names == empty.column_names
    assert table.schema.field("QTY").type == pa.int64()


class Cursor:
    """A cursor of a driver without the DataFrame API."""

    def __init__(self, description: list[tuple[Any, ...]], rows: list[tuple[Any, ...]]) -> None:
        self.description, self.rows, self.arraysize = description, rows, 0
        self.executed: list[tuple[str, Any]] = []

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str, binds: Any = None) -> None:
        self.executed.append((sql, binds))

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


class RowConnection:
    """A connection without fetch_df_all, as older python-oracledb releases had."""

    def __init__(self, cursor: Cursor) -> None:
        self._cursor = cursor

    def cursor(self) -> Cursor:
        return self._cursor

    def ping(self) -> None:
        return None


DESCRIPTION = [
    ("QTY", oracledb.DB_TYPE_NUMBER, 11, None, 10, 0, True),
    ("AGEBYDAYS", oracledb.DB_TYPE_NUMBER, 127, None, 0, -127, True),
    ("RESOURCEID", oracledb.DB_TYPE_CHAR, 16, 16, None, None, True),
    ("LOTID", oracledb.DB_TYPE_VARCHAR, 40, 40, None, None, True),
    ("SYS_DATE", oracledb.DB_TYPE_DATE, 23, None, None, None, True),
]


def test_row_fallback_builds_the_same_shape() -> None:
    rows = [(1200, 3.5, "EQ-0001         ", "GA-1", SNAP), (None, 2, None, "GA-2", None)]
    cursor = Cursor(DESCRIPTION, rows)
    table = fetch_arrow(RowConnection(cursor), "q", {"d": "2026-01-01"}, 50)  # type: ignore[arg-type]
    assert cursor.arraysize == 50 and cursor.executed == [("q", {"d": "2026-01-01"})]
    assert table.schema.types == [
        pa.int64(), pa.float64(), pa.string(), pa.string(), pa.timestamp("ms"),
    ]  # fmt: skip
    assert table.column("AGEBYDAYS").to_pylist() == [3.5, 2.0]
    assert table.column("RESOURCEID").to_pylist() == ["EQ-0001         ", None]
    empty = fetch_arrow(RowConnection(Cursor(DESCRIPTION, [])), "q", None, 50)  # type: ignore[arg-type]
    assert empty.num_rows == 0 and empty.schema.field("SYS_DATE").type == pa.timestamp("ms")


def test_rows_can_be_forced_instead_of_dataframes() -> None:
    class BothConnection(RowConnection):
        def fetch_df_all(self, *args: Any, **kwargs: Any) -> Any:
            pytest.fail("used the DataFrame API")

    cursor = Cursor(DESCRIPTION, [])
    fetch_arrow(BothConnection(cursor), "q", None, 10, dataframes=False)  # type: ignore[arg-type]
    assert cursor.executed == [("q", {})]


class StubPool:
    """A pool handing out one given connection."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.max, self.busy, self.wait_timeout = conn, 2, 0, WAIT_MS

    def acquire(self) -> Any:
        return self.conn

    def release(self, conn: Any) -> None:
        return None

    def close(self, force: bool = False) -> None:
        return None


def stub_source(conn: Any) -> OracleSource:
    pool = BoundedPool(StubPool(conn))  # type: ignore[arg-type]
    return OracleSource(oracle_settings(), pool=pool, health_pool=pool)


def test_fetch_and_history_run_their_statements_with_binds() -> None:
    conn = DataFrameConnection(driver_shaped_table())
    source = stub_source(conn)
    assert source.fetch("lot").num_rows == 2
    groups = tuple(f"G{i}" for i in range(1500))
    query = HistoryFilter(
        date(2026, 1, 1), date(2026, 1, 31), groups, ("F1", "F2"), (("PJ_ISKEY", True),)
    )
    source.fetch_history(query)
    (lot_sql, lot_binds, _), (hist_sql, hist_binds, _) = conn.calls
    assert lot_sql.endswith("FROM DWH.DW_MES_LOT_V") and lot_binds is None
    assert "DWH.DW_MES_RESOURCESTATUS_SHIFT" in hist_sql and "GROUP BY" in hist_sql
    assert hist_binds["start_day"] == datetime(2026, 1, 1)
    assert hist_binds["end_day"] == datetime(2026, 1, 31)
    assert (hist_binds["family_2"], hist_binds["group_1500"]) == ("F2", "G1499")
    assert hist_sql.count("w.WORK_CENTER_GROUP IN (") == 2  # 1500 groups: two IN lists
    assert "m.PJ_ISKEY = 1" in hist_sql
    assert {f":{name}" for name in hist_binds} <= set(re.findall(r":\w+", hist_sql))
    with pytest.raises(KeyError):
        source.fetch("resource_history")
    with pytest.raises(ValueError):
        HistoryFilter(date(2026, 2, 1), date(2026, 1, 1))


def test_watermark_reads_the_maximum() -> None:
    cursor = Cursor([("WATERMARK", oracledb.DB_TYPE_DATE, 23, None, None, None, True)], [(SNAP,)])
    source = stub_source(RowConnection(cursor))
    assert source.watermark("lot") == SNAP
    assert "MAX(SYS_DATE)" in cursor.executed[0][0]
    assert source.watermark("equipment_status") is None
    cursor.rows = [(None,)]
    assert source.watermark("resource") is None
    with pytest.raises(KeyError):
        source.watermark("nope")


@pytest.fixture
def hole_source() -> Iterator[OracleSource]:
    with BlackHole() as hole:
        source = OracleSource(oracle_settings(hole.dsn))
        yield source
    source.close()


@pytest.mark.parametrize("call", ["fetch", "watermark", "fetch_history", "ping"])
def test_a_hung_database_fails_classified_within_the_wait_timeout(
    hole_source: OracleSource, call: str
) -> None:
    calls = {
        "fetch": lambda: hole_source.fetch("lot"),
        "watermark": lambda: hole_source.watermark("lot"),
        "fetch_history": lambda: hole_source.fetch_history(
            HistoryFilter(date(2026, 1, 1), date(2026, 1, 2))
        ),
        "ping": hole_source.ping,
    }
    started = time.monotonic()
    with pytest.raises(ApiError) as info:
        calls[call]()
    assert time.monotonic() - started < WAIT_MS / 1000 + SLACK_S
    assert isinstance(info.value, DbError) and info.value.infrastructure
    assert (info.value.status, info.value.spec.code) == (503, "DB_UNAVAILABLE")
    assert info.value.retry_after is not None and info.value.retry_after >= WAIT_MS / 1000


def test_a_refused_connection_is_unavailable() -> None:
    source = OracleSource(oracle_settings(f"127.0.0.1:{closed_port()}/MES"))
    try:
        with pytest.raises(DbError) as info:
            source.fetch("resource")
    finally:
        source.close()
    assert info.value.kind is DbErrorKind.UNAVAILABLE and info.value.status == 503


def test_pool_status_reports_both_pools_in_effect() -> None:
    source = OracleSource(oracle_settings(f"127.0.0.1:{closed_port()}/MES"))
    try:
        status = source.pool_status()
    finally:
        source.close()
    assert status["request"]["getmode"] == "TIMEDWAIT"
    assert status["request"]["wait_timeout_ms"] == WAIT_MS
    assert status["request"]["max"] == 4 and status["health"]["max"] == 1


def test_the_master_fetch_and_watermark_carry_their_binds() -> None:
    conn = DataFrameConnection(driver_shaped_table())
    stub_source(conn).fetch("resource")
    ((sql, binds, _),) = conn.calls
    assert "OBJECTCATEGORY = :category_1" in sql and "LOCATIONNAME NOT IN (:location_1" in sql
    assert binds["category_1"] == "ASSEMBLY" and binds["location_1"] == "ATEC"
    cursor = Cursor([("WATERMARK", oracledb.DB_TYPE_DATE, 23, None, None, None, True)], [(SNAP,)])
    assert stub_source(RowConnection(cursor)).watermark("resource") == SNAP
    ((wm_sql, wm_binds),) = cursor.executed
    assert "MAX(LASTCHANGEDATE)" in wm_sql and "OBJECTTYPE = :type_2" in wm_sql
    assert wm_binds == {"category_1": "ASSEMBLY", "type_1": "ASSEMBLY"} | {
        "category_2": "WAFERSORT", "type_2": "WAFERSORT",
    }  # fmt: skip


def test_columns_describe_the_object_with_driver_types_and_rows_are_counted() -> None:
    description = [
        ("QTY", oracledb.DB_TYPE_NUMBER, 127, None, 0, -127, True),
        ("EQUIPMENTCOUNT", oracledb.DB_TYPE_NUMBER, 11, None, 10, 0, True),
        ("HOURS", oracledb.DB_TYPE_NUMBER, 14, None, 12, 6, True),
        ("RESOURCEID", oracledb.DB_TYPE_CHAR, 16, 16, None, None, False),
        ("RELEASETIME", oracledb.DB_TYPE_VARCHAR, 4000, 4000, None, None, True),
        ("SYS_DATE", oracledb.DB_TYPE_DATE, 23, None, None, None, True),
    ]
    cursor = Cursor(description, [(42,)])
    source = stub_source(RowConnection(cursor))
    assert source.columns("lot") == [
        ("QTY", "NUMBER"), ("EQUIPMENTCOUNT", "NUMBER(10,0)"), ("HOURS", "NUMBER(12,6)"),
        ("RESOURCEID", "CHAR(16)"), ("RELEASETIME", "VARCHAR2(4000)"), ("SYS_DATE", "DATE"),
    ]  # fmt: skip
    assert cursor.executed[0][0] == "SELECT * FROM DWH.DW_MES_LOT_V WHERE 1 = 0"
    assert source.row_count("resource") == 42
    assert cursor.executed[1][0] == "SELECT COUNT(*) AS ROW_COUNT FROM DWH.DW_MES_RESOURCE"
    with pytest.raises(KeyError):
        source.row_count("resource_history")
