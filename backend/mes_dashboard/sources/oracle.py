"""The Oracle data warehouse source: statements from `oracle_sql.py`, pooled fetches to Arrow."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import oracledb
import pyarrow as pa

from mes_dashboard.config import Settings
from mes_dashboard.resilience.bounded_pool import BoundedPool
from mes_dashboard.sources.base import OBJECTS
from mes_dashboard.sources.history_filter import HistoryFilter
from mes_dashboard.sources.oracle_pool import (
    create_health_pool,
    create_pool,
    pool_settings_in_effect,
)
from mes_dashboard.sources.oracle_sql import (
    Binds,
    history_statement,
    render_sql,
    statement_binds,
    statements,
)

ARRAYSIZE = 5000
FETCHABLE = tuple(obj for obj in OBJECTS if obj != "resource_history")
STRING_TYPES = (
    oracledb.DB_TYPE_VARCHAR,
    oracledb.DB_TYPE_CHAR,
    oracledb.DB_TYPE_NVARCHAR,
    oracledb.DB_TYPE_NCHAR,
    oracledb.DB_TYPE_LONG,
)
DECLARED_NAMES = {
    oracledb.DB_TYPE_VARCHAR: "VARCHAR2",
    oracledb.DB_TYPE_CHAR: "CHAR",
    oracledb.DB_TYPE_NVARCHAR: "NVARCHAR2",
    oracledb.DB_TYPE_NCHAR: "NCHAR",
}


def raw_type(typ: pa.DataType) -> pa.DataType:
    """The source-shape type for a driver Arrow type: no decimals, 32-bit strings, ms dates."""
    if pa.types.is_decimal(typ):
        return pa.int64() if typ.scale == 0 and typ.precision <= 18 else pa.float64()
    if pa.types.is_large_string(typ):
        return pa.string()
    if pa.types.is_timestamp(typ) and typ.unit == "s":
        return pa.timestamp("ms", tz=typ.tz)
    return typ


def conform(table: pa.Table) -> pa.Table:
    """Cast a fetched table to the source shape every source returns."""
    schema = pa.schema([pa.field(f.name, raw_type(f.type)) for f in table.schema])
    return table if schema.equals(table.schema) else table.cast(schema)


def column_type(info: Any) -> pa.DataType | None:
    """Arrow type for a cursor.description entry (fallback path); None lets pyarrow infer."""
    type_code, precision, scale = info[1], info[4], info[5]
    if type_code is oracledb.DB_TYPE_NUMBER:
        return pa.int64() if scale == 0 and 0 < (precision or 0) <= 18 else pa.float64()
    if type_code in (oracledb.DB_TYPE_BINARY_DOUBLE, oracledb.DB_TYPE_BINARY_FLOAT):
        return pa.float64()
    if type_code is oracledb.DB_TYPE_DATE:
        return pa.timestamp("ms")
    if type_code in (oracledb.DB_TYPE_TIMESTAMP, oracledb.DB_TYPE_TIMESTAMP_LTZ):
        return pa.timestamp("us")
    if type_code in STRING_TYPES:
        return pa.string()
    return None


def declared_type(info: Any) -> str:
    """The Oracle declaration of a cursor.description entry: `NUMBER(10,0)`, `CHAR(16)`, `DATE`.

    The driver describes NUMBER without precision as precision 0, scale -127.
    """
    type_code, size, precision, scale = info[1], info[3], info[4], info[5]
    if type_code is oracledb.DB_TYPE_NUMBER:
        return f"NUMBER({precision},{scale})" if precision else "NUMBER"
    if type_code in DECLARED_NAMES:
        return f"{DECLARED_NAMES[type_code]}({size})"
    return str(type_code.name).removeprefix("DB_TYPE_")


def fetch_arrow(
    conn: oracledb.Connection,
    sql: str,
    binds: Binds | None,
    arraysize: int,
    *,
    dataframes: bool = True,
) -> pa.Table:
    """Run a query into Arrow: the driver's DataFrame API, else (or when told) plain rows."""
    fetch_df_all = getattr(conn, "fetch_df_all", None) if dataframes else None
    if fetch_df_all is not None:
        return conform(pa.table(fetch_df_all(sql, binds, arraysize=arraysize)))
    with conn.cursor() as cursor:
        cursor.arraysize = arraysize
        cursor.execute(sql, binds or {})
        description = cursor.description
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
    arrays = [
        pa.array(list(values), type=column_type(info))
        for info, values in zip(description, columns, strict=True)
    ]
    return conform(pa.Table.from_arrays(arrays, names=[info[0] for info in description]))


class OracleSource:
    """The data warehouse through a bounded pool; every driver error leaves as a DbError."""

    name = "oracle"

    def __init__(
        self,
        settings: Settings,
        *,
        pool: BoundedPool | None = None,
        health_pool: BoundedPool | None = None,
        arraysize: int = ARRAYSIZE,
        dataframes: bool = True,
    ) -> None:
        self._sql = statements(settings)
        self._binds = statement_binds(settings)
        self._names = {obj: getattr(settings, attr) for obj, attr in OBJECTS.items()}
        self._excluded = settings.excluded_locations
        self._pool = pool or BoundedPool(create_pool(settings))
        self._health = health_pool or BoundedPool(create_health_pool(settings), queue=0)
        self.arraysize = arraysize
        self.dataframes = dataframes

    def fetch(self, obj: str) -> pa.Table:
        """The whole object as a raw table (CHAR padding kept, DATE as naive plant time)."""
        if obj not in FETCHABLE:
            raise KeyError(f"unknown object {obj!r}")
        return self._table(self._sql[obj], self._binds.get(obj))

    def watermark(self, obj: str) -> datetime | None:
        """MAX of the object's watermark column, or None without a watermark or rows."""
        if obj not in OBJECTS:
            raise KeyError(f"unknown object {obj!r}")
        sql = self._sql.get(f"{obj}_watermark")
        if sql is None:
            return None
        value = self._scalar(sql, self._binds.get(f"{obj}_watermark", {}))
        return value if isinstance(value, datetime) else None

    def columns(self, obj: str) -> list[tuple[str, str]]:
        """(name, declaration) of each column, from the driver's description of a no-row query."""
        sql = render_sql("describe", self._names[obj])
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            description = cursor.description
        return [(info[0], declared_type(info)) for info in description]

    def row_count(self, obj: str) -> int:
        """COUNT(*) of the object."""
        if obj not in FETCHABLE:
            raise KeyError(f"no row count for {obj!r}")
        value = self._scalar(render_sql("row_count", self._names[obj]), {})
        return int(value) if isinstance(value, int | float) else 0

    def fetch_history(self, query: HistoryFilter) -> pa.Table:
        """Hours per machine, production day and status for the query (summed in the database)."""
        sql, binds = history_statement(self._names, self._excluded, query)
        return self._table(sql, binds)

    def ping(self) -> float:
        """One round trip through the health pool; its duration in seconds."""
        started = time.perf_counter()
        with self._health.connection() as conn:
            conn.ping()
        return time.perf_counter() - started

    def pool_status(self) -> dict[str, Any]:
        """Both pools' settings in effect, load and failure counts (for /health/deep)."""
        return {"request": _pool_status(self._pool), "health": _pool_status(self._health)}

    def close(self) -> None:
        """Close both pools."""
        self._pool.close()
        self._health.close()

    def _scalar(self, sql: str, binds: Binds) -> object:
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, binds)
            row = cursor.fetchone()
        return row[0] if row else None

    def _table(self, sql: str, binds: Binds | None) -> pa.Table:
        with self._pool.connection() as conn:
            return fetch_arrow(conn, sql, binds, self.arraysize, dataframes=self.dataframes)


def _pool_status(bounded: BoundedPool) -> dict[str, Any]:
    return pool_settings_in_effect(bounded.pool) | bounded.status()
