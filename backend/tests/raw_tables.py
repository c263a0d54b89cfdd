"""Small raw source tables shaped like the Oracle objects, for builder tests: every column of the
dumped object (`contracts/oracle-schema.json`) with the type python-oracledb fetches it as."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from mes_dashboard.sources.oracle_types import arrow_type, columns_of

SNAP = datetime(2026, 11, 28, 8, 0, 0)  # plant-local, naive like an Oracle DATE


def oracle_types(table: str, extra: dict[str, pa.DataType] | None = None) -> dict[str, pa.DataType]:
    """Every column of a dumped object with the Arrow type python-oracledb fetches it as."""
    types = {name: arrow_type(col) for name, col in columns_of(table).items()}
    return types | (extra or {})


# CURRENTHOLDTIME: a DATE in the plants whose view has it (the dump lacks it)
LOT_TYPES = oracle_types("DW_MES_LOT_V", {"CURRENTHOLDTIME": pa.timestamp("ms")})


def lot_table(rows: list[dict[str, Any]]) -> pa.Table:
    """A raw lot view; unspecified columns are null, SYS_DATE defaults to SNAP."""
    filled = [{"SYS_DATE": SNAP, "WORKORDER": "GA25120081"} | r for r in rows]
    return pa.table(
        {name: pa.array([r.get(name) for r in filled], typ) for name, typ in LOT_TYPES.items()}
    )


def mapping_table(rows: list[tuple[str, str, str, str]] | None = None) -> pa.Table:
    """The workcenter mapping view: WORK_CENTER, group, sequence text, short name."""
    rows = (
        rows
        if rows is not None
        else [
            ("焊接_DB", "焊接", "300", "DB"),
            ("切割", "前段", "090", "SAW"),
            ("測試_TMTT", "測試", "1200", "TMTT"),
        ]
    )
    names = ["WORK_CENTER", "WORK_CENTER_GROUP", "WORKCENTERSEQUENCE_GROUP", "WORK_CENTER_SHORT"]
    filled = [dict(zip(names, row, strict=True)) for row in rows]
    return pa.table({n: pa.array([r.get(n) for r in filled], t) for n, t in MAPPING_TYPES.items()})


MASTER_TYPES = oracle_types("DW_MES_RESOURCE")
STATUS_TYPES = oracle_types("DW_MES_EQUIPMENTSTATUS_WIP_V")
MAPPING_TYPES = oracle_types("DW_MES_SPEC_WORKCENTER_V")


def master_table(rows: list[dict[str, Any]]) -> pa.Table:
    """A raw equipment master; defaults make a production ASSEMBLY machine."""
    base = {
        "OBJECTCATEGORY": "ASSEMBLY",
        "OBJECTTYPE": "ASSEMBLY",
        "WORKCENTERNAME": "焊接_DB",
        "PJ_ISPRODUCTION": 1.0,
        "LASTCHANGEDATE": SNAP,
    }
    filled = [base | r for r in rows]
    return pa.table({n: pa.array([r.get(n) for r in filled], t) for n, t in MASTER_TYPES.items()})


def status_table(rows: list[dict[str, Any]]) -> pa.Table:
    """A raw real-time equipment status view (one row per machine x tracked-in lot)."""
    return pa.table({n: pa.array([r.get(n) for r in rows], t) for n, t in STATUS_TYPES.items()})
