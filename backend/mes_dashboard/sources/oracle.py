"""The Oracle data warehouse source: SQL files, pooled full-table fetches straight to Arrow.

Statements live in `mes_dashboard/sql/*.sql`; the only text ever substituted into them is a
configured object name that passed `OBJECT_NAME`. Values travel as bind variables.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from importlib import resources
from typing import Any

import oracledb
import pyarrow as pa

from mes_dashboard.config import ConfigError, Settings
from mes_dashboard.resilience.bounded_pool import BoundedPool
from mes_dashboard.sources.base import OBJECTS, WATERMARKS
from mes_dashboard.sources.oracle_pool import (
    create_health_pool,
    create_pool,
    pool_settings_in_effect,
)

OBJECT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_$#]{0,127}(\.[A-Za-z][A-Za-z0-9_$#]{0,127})?")
PLACEHOLDER = "{object}"
ARRAYSIZE = 5000
FETCHABLE = tuple(obj for obj in OBJECTS if obj != "resource_history")
STRING_TYPES = (
    oracledb.DB_TYPE_VARCHAR,
    oracledb.DB_TYPE_CHAR,
    oracledb.DB_TYPE_NVARCHAR,
    oracledb.DB_TYPE_NCHAR,
    oracledb.DB_TYPE_LONG,
)
Binds = dict[str, Any]


def validate_object_name(name: str) -> str:
    """`name` when it is a plain `OBJECT` or `SCHEMA.OBJECT` identifier, else ValueError."""
    if not OBJECT_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain Oracle object name (SCHEMA.OBJECT)")
    return name


def render_sql(template: str, object_name: str) -> str:
    """The statement of `sql/<template>.sql`, comments dropped, with the validated object name."""
    path = resources.files("mes_dashboard").joinpath("sql", f"{template}.sql")
    lines = path.read_text("utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    if PLACEHOLDER not in text:
        raise ValueError(f"sql/{template}.sql has no {PLACEHOLDER} placeholder")
    return text.replace(PLACEHOLDER, validate_object_name(object_name)).strip()


def statements(settings: Settings) -> dict[str, str]:
    """Every statement the source runs, by SQL file name, for the configured object names."""
    out: dict[str, str] = {}
    for obj, attr in OBJECTS.items():
        name = getattr(settings, attr)
        try:
            out[obj] = render_sql(obj, name)
            if obj in WATERMARKS:
                out[f"{obj}_watermark"] = render_sql(f"{obj}_watermark", name)
        except ValueError as exc:
            raise ConfigError(f"MES_{attr.upper()}: {exc}") from None
    return out


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
        self._pool = pool or BoundedPool(create_pool(settings))
        self._health = health_pool or BoundedPool(create_health_pool(settings), queue=0)
        self.arraysize = arraysize
        self.dataframes = dataframes

    def fetch(self, obj: str) -> pa.Table:
        """The whole object as a raw table (CHAR padding kept, DATE as naive plant time)."""
        if obj not in FETCHABLE:
            raise KeyError(f"unknown object {obj!r}")
        return self._table(self._sql[obj], None)

    def watermark(self, obj: str) -> datetime | None:
        """MAX of the object's watermark column, or None without a watermark or rows."""
        if obj not in OBJECTS:
            raise KeyError(f"unknown object {obj!r}")
        sql = self._sql.get(f"{obj}_watermark")
        if sql is None:
            return None
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        value = row[0] if row else None
        return value if isinstance(value, datetime) else None

    def fetch_history(self, start: date, end: date) -> pa.Table:
        """Shift status history rows with TXNDATE on the days [start, end]."""
        if end < start:
            raise ValueError("end is before start")
        binds = {"start_day": start.isoformat(), "end_day": end.isoformat()}
        return self._table(self._sql["resource_history"], binds)

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

    def _table(self, sql: str, binds: Binds | None) -> pa.Table:
        with self._pool.connection() as conn:
            return fetch_arrow(conn, sql, binds, self.arraysize, dataframes=self.dataframes)


def _pool_status(bounded: BoundedPool) -> dict[str, Any]:
    return pool_settings_in_effect(bounded.pool) | bounded.status()
