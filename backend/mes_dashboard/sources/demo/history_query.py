"""The equipment-history query on the demo SQLite database: the Oracle statement's shape, summed
in SQL with named parameters, under a call timeout; failures leave as classified DbErrors."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta

import pyarrow as pa

from mes_dashboard.resilience.db_errors import DbError, DbErrorKind, retry_after_s
from mes_dashboard.sources.history_filter import HistoryFilter
from mes_dashboard.sources.oracle_sql import history_fragments, list_binds, master_binds

# the statement of sql/resource_history.sql, with DATE text compared as text and returned as
# epoch milliseconds of the naive plant-local time
STATEMENT = """
SELECT h.HISTORYID, CAST(strftime('%s', h.TXNDATE) AS INTEGER) * 1000 AS TXNDATE,
       h.OLDSTATUSNAME, SUM(h.HOURS) AS HOURS
FROM {object} h
WHERE h.TXNDATE >= :start_day
  AND h.TXNDATE < :end_day
  AND h.HISTORYID IN (
    SELECT m.RESOURCEID
    FROM {resource_object} m
    WHERE ((m.OBJECTCATEGORY = :category_1 AND m.OBJECTTYPE = :type_1)
        OR (m.OBJECTCATEGORY = :category_2 AND m.OBJECTTYPE = :type_2))
      AND m.WORKCENTERNAME IS NOT NULL
      AND (m.PJ_ASSETSSTATUS IS NULL OR m.PJ_ASSETSSTATUS <> 'Disapproved')
      {excluded_locations}
      {families}
      {flags}
      {workcenter_groups}
  )
GROUP BY h.HISTORYID, h.TXNDATE, h.OLDSTATUSNAME
"""
SCHEMA = pa.schema(
    [
        ("HISTORYID", pa.string()),
        ("TXNDATE", pa.timestamp("ms")),
        ("OLDSTATUSNAME", pa.string()),
        ("HOURS", pa.float64()),
    ]
)
PROGRESS_STEPS = 10_000  # SQLite virtual machine steps between two deadline checks


def history_sql(
    tables: Mapping[str, str], excluded_locations: Sequence[str], query: HistoryFilter
) -> tuple[str, dict[str, object]]:
    """The SQLite statement and its named parameters for one query."""
    fragments = history_fragments(query, tables, len(excluded_locations))
    sql = STATEMENT
    for marker, fragment in fragments.items():
        sql = sql.replace(marker, fragment)
    sql = sql.replace("{object}", tables["resource_history"])
    params: dict[str, object] = dict(master_binds(excluded_locations))
    params |= list_binds("family", query.families) | list_binds("group", query.workcenter_groups)
    params["start_day"] = f"{query.start:%Y-%m-%d} 00:00:00"
    params["end_day"] = f"{query.end + timedelta(days=1):%Y-%m-%d} 00:00:00"
    return sql, params


def run_history(
    connect: Callable[[], sqlite3.Connection],
    sql: str,
    params: Mapping[str, object],
    call_timeout_ms: int,
    wait_timeout_ms: int,
) -> pa.Table:
    """Run the statement into Arrow; past `call_timeout_ms` it is interrupted (DB_TIMEOUT), and a
    database that cannot be opened or read is DB_UNAVAILABLE."""
    deadline = time.monotonic() + call_timeout_ms / 1000
    retry = retry_after_s(wait_timeout_ms)
    try:
        conn = connect()
    except (OSError, sqlite3.Error) as exc:
        raise DbError(DbErrorKind.UNAVAILABLE, type(exc).__name__, retry_after=retry) from exc
    try:
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if time.monotonic() > deadline:
            raise DbError(DbErrorKind.TIMEOUT, "interrupted", retry_after=retry) from exc
        raise DbError(DbErrorKind.UNAVAILABLE, str(exc), retry_after=retry) from exc
    finally:
        conn.close()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in SCHEMA]
    arrays = [
        pa.array(values, pa.int64()).cast(f.type)
        if f.type == pa.timestamp("ms")
        else pa.array(values, f.type)
        for values, f in zip(columns, SCHEMA, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)
