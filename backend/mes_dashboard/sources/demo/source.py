"""The demo source: reads the demo SQLite database the way the Oracle source reads the warehouse.

Each call opens its own read-only connection (threads and forked workers share nothing), so a
whole-table read is one SQLite read transaction: in WAL mode it sees either all of a simulator
tick or none of it. Column types come from the declared Oracle types through python-oracledb's
fetch rules (`sources/oracle_types.py`), never from the values. The master fetch applies the
production-machine filter of the domain in SQL with bind parameters, as the Oracle source does.
Every call first consults the fault switch (`faults.py`, setting `MES_DEMO_FAULTS`).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from time import perf_counter

import pyarrow as pa

from mes_dashboard.config import EXCLUDED_LOCATIONS, Settings
from mes_dashboard.resilience.in_flight import InFlightLimit
from mes_dashboard.sources.base import OBJECTS, WATERMARKS
from mes_dashboard.sources.demo.faults import Faults, FaultSwitch
from mes_dashboard.sources.demo.history_query import history_sql, run_history
from mes_dashboard.sources.history_filter import HistoryFilter
from mes_dashboard.sources.oracle_types import arrow_type, parse_declaration

BUSY_TIMEOUT_S = 5.0
FETCH_BATCH = 65_536
HISTORY_OBJECT = "resource_history"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$#]*$")
MASTER_OBJECT = "resource"
PING_OBJECT = "ping"
PRODUCTION_KINDS = (("ASSEMBLY", "ASSEMBLY"), ("WAFERSORT", "WAFERSORT"))


def _table_name(configured: str) -> str:
    """The SQLite table of a configured object name (`DWH.DW_MES_LOT_V` -> `DW_MES_LOT_V`)."""
    name = configured.rsplit(".", 1)[-1]
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a table name: {configured!r}")
    return name


def _arrow_type(table: str, column: str, declared: str) -> pa.DataType:
    try:
        return arrow_type(parse_declaration(declared) | {"column_name": column})
    except ValueError:
        raise ValueError(f"{table}.{column}: unsupported declared type {declared!r}") from None


def production_filter(excluded_locations: tuple[str, ...]) -> tuple[str, tuple[object, ...]]:
    """The domain's production-machine filter as a WHERE clause with its bind parameters."""
    kinds = " OR ".join("(OBJECTCATEGORY = ? AND OBJECTTYPE = ?)" for _ in PRODUCTION_KINDS)
    where = f"WHERE ({kinds}) AND WORKCENTERNAME IS NOT NULL"
    params: list[object] = [value for pair in PRODUCTION_KINDS for value in pair]
    if excluded_locations:
        marks = ", ".join("?" for _ in excluded_locations)
        where += f" AND (LOCATIONNAME IS NULL OR LOCATIONNAME NOT IN ({marks}))"
        params.extend(excluded_locations)
    where += " AND (PJ_ASSETSSTATUS IS NULL OR PJ_ASSETSSTATUS <> ?)"
    params.append("Disapproved")
    return where, tuple(params)


def _select(name: str, declared: str) -> str:
    if declared.strip().upper() == "DATE":
        # DATE text 'YYYY-MM-DD HH:MM:SS' -> epoch ms of the naive (plant-local) time, in C
        return f"CAST(strftime('%s', \"{name}\") AS INTEGER) * 1000"
    return f'"{name}"'


def _column(values: tuple[object, ...], kind: pa.DataType) -> pa.Array:
    if kind == pa.string():
        # rows arrive as bytes (text_factory): far cheaper than a str per cell at 1M rows
        return pa.array(values, pa.binary()).cast(kind)
    if kind == pa.timestamp("ms"):
        return pa.array(values, pa.int64()).cast(kind)
    return pa.array(values, kind)


class DemoSource:
    """The Source protocol over the demo SQLite database."""

    name = "demo"

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        object_names: Mapping[str, str],
        busy_timeout_s: float = BUSY_TIMEOUT_S,
        *,
        excluded_locations: tuple[str, ...] = EXCLUDED_LOCATIONS,
        faults: FaultSwitch | None = None,
        limit: InFlightLimit | None = None,
        call_timeout_ms: int = Settings.demo_call_timeout_ms,
    ) -> None:
        self.path = Path(db_path)
        self.tables = {obj: _table_name(name) for obj, name in object_names.items()}
        self.busy_timeout_s = busy_timeout_s
        self.excluded_locations = excluded_locations
        self.faults = faults or FaultSwitch(None)
        self.limit = limit or InFlightLimit(Settings.demo_pool_max, Settings.demo_wait_timeout_ms)
        self.call_timeout_ms = call_timeout_ms

    @classmethod
    def from_settings(cls, settings: Settings) -> DemoSource:
        """A demo source over `settings.demo_db` with the configured object names."""
        names = {obj: getattr(settings, attr) for obj, attr in OBJECTS.items()}
        switch = FaultSwitch(Path(settings.demo_faults) if settings.demo_faults else None)
        return cls(
            settings.demo_db,
            names,
            excluded_locations=settings.excluded_locations,
            faults=switch,
            limit=InFlightLimit(settings.demo_pool_max, settings.demo_wait_timeout_ms),
            call_timeout_ms=settings.demo_call_timeout_ms,
        )

    def _connect(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise FileNotFoundError(
                2, "demo database not found (build it with `mes-demo-db --db PATH`)", str(self.path)
            )
        uri = self.path.resolve().as_uri() + "?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=self.busy_timeout_s)

    def _table(self, obj: str) -> str:
        if obj not in OBJECTS:
            raise KeyError(f"unknown object {obj!r}; known objects: {', '.join(OBJECTS)}")
        if obj not in self.tables:
            raise KeyError(f"object {obj!r} has no configured name in this demo source")
        return self.tables[obj]

    def _read(self, table: str, where: str = "", params: tuple[object, ...] = ()) -> pa.Table:
        conn = self._connect()
        try:
            info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
            if not info:
                raise KeyError(f"table {table!r} not found in {self.path}")
            names = [row[1] for row in info]
            kinds = [_arrow_type(table, row[1], row[2]) for row in info]
            columns = ", ".join(_select(row[1], row[2].upper()) for row in info)
            conn.text_factory = bytes
            cursor = conn.execute(f'SELECT {columns} FROM "{table}" {where}', params)
            schema = pa.schema(list(zip(names, kinds, strict=True)))
            batches = []
            while rows := cursor.fetchmany(FETCH_BATCH):
                values = zip(*rows, strict=True)
                arrays = [_column(col, k) for col, k in zip(values, kinds, strict=True)]
                batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
        finally:
            conn.close()
        return pa.Table.from_batches(batches, schema).combine_chunks()

    def fetch(self, obj: str) -> pa.Table:
        """Return the whole object (one of `OBJECTS` except resource_history) as a raw table;
        the master holds only the production machines."""
        table = self._table(obj)
        if obj == HISTORY_OBJECT:
            raise ValueError("resource_history is queried by date range: use fetch_history()")
        faults = self.faults.enter(obj)
        if obj in faults.empty:
            return _without(self._read(table, "LIMIT 0"), faults, obj)
        if obj == MASTER_OBJECT:
            return _without(
                self._read(table, *production_filter(self.excluded_locations)), faults, obj
            )
        return _without(self._read(table), faults, obj)

    def watermark(self, obj: str) -> datetime | None:
        """Return MAX(watermark column) of the object, or None when it has none or no rows."""
        table = self._table(obj)
        column = WATERMARKS.get(obj)
        if column is None:
            return None
        if obj in self.faults.enter(obj).empty:
            return None
        conn = self._connect()
        try:
            (value,) = conn.execute(f'SELECT MAX("{column}") FROM "{table}"').fetchone()
        finally:
            conn.close()
        return None if value is None else datetime.fromisoformat(value)

    def fetch_history(self, query: HistoryFilter) -> pa.Table:
        """Hours per machine, production day and status for the query, summed in SQL; at most
        `limit` at once, each bounded by the call timeout. A slow or hanging fault holds the
        slot, as a slow database holds its session."""
        sql, params = history_sql(self.tables, self.excluded_locations, query)
        with self.limit.slot():
            if HISTORY_OBJECT in self.faults.enter(HISTORY_OBJECT).empty:
                sql += " LIMIT 0"
            wait_ms = self.limit.wait_timeout_ms
            return run_history(self._connect, sql, params, self.call_timeout_ms, wait_ms)

    def pool_status(self) -> dict[str, object]:
        """The history in-flight limit in effect and its load (for /health/deep)."""
        limit = self.limit.status() | {"call_timeout_ms": self.call_timeout_ms}
        return {"kind": "sqlite", "busy_timeout_s": self.busy_timeout_s, "request": limit}

    def columns(self, obj: str) -> list[tuple[str, str]]:
        """(name, declared SQLite type) of each column of the object, in table order."""
        table = self._table(obj)
        conn = self._connect()
        try:
            info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        finally:
            conn.close()
        return [(row[1], row[2]) for row in info]

    def row_count(self, obj: str) -> int:
        """COUNT(*) of the object's table."""
        table = self._table(obj)
        conn = self._connect()
        try:
            (count,) = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
        finally:
            conn.close()
        return int(count)

    def ping(self) -> float:
        """A cheap round trip (the fault switch applies, as `ping`); its duration in seconds."""
        started = perf_counter()
        self.faults.enter(PING_OBJECT)
        conn = self._connect()
        try:
            conn.execute("SELECT 1").fetchone()
        finally:
            conn.close()
        return perf_counter() - started

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own connection."""


def _without(table: pa.Table, faults: Faults, obj: str) -> pa.Table:
    """The table less the columns the fault switch says are missing from `obj`."""
    missing = [c for c in faults.missing_columns.get(obj, ()) if c in table.column_names]
    return table.drop_columns(missing) if missing else table
