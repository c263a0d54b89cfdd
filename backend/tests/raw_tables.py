"""Small raw source tables shaped like the Oracle objects, for builder tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

SNAP = datetime(2026, 11, 28, 8, 0, 0)  # plant-local, naive like an Oracle DATE

LOT_TYPES = {
    "LOTID": pa.string(),
    "WORKORDER": pa.string(),
    "QTY": pa.float64(),
    "STATUS": pa.string(),
    "CURRENTHOLDCOUNT": pa.float64(),
    "HOLDREASONNAME": pa.string(),
    "CURRENTHOLDTIME": pa.timestamp("ms"),
    "EQUIPMENTCOUNT": pa.float64(),
    "EQUIPMENTNAME": pa.string(),
    "WORKCENTERNAME": pa.string(),
    "SPECSEQUENCE": pa.string(),
    "PACKAGE_LEF": pa.string(),
    "AGEBYDAYS": pa.float64(),
    "SYS_DATE": pa.timestamp("ms"),
    "CONTAINERCOMMENTS": pa.string(),
}


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
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    names = ["WORK_CENTER", "WORK_CENTER_GROUP", "WORKCENTERSEQUENCE_GROUP", "WORK_CENTER_SHORT"]
    return pa.table({n: pa.array(list(c), pa.string()) for n, c in zip(names, cols, strict=True)})


MASTER_TYPES = {
    "RESOURCEID": pa.string(),
    "RESOURCENAME": pa.string(),
    "WORKCENTERNAME": pa.string(),
    "RESOURCEFAMILYNAME": pa.string(),
    "LOCATIONNAME": pa.string(),
    "PJ_ASSETSSTATUS": pa.string(),
    "PJ_ISPRODUCTION": pa.float64(),
    "PJ_ISKEY": pa.float64(),
    "PJ_ISMONITOR": pa.float64(),
    "OBJECTCATEGORY": pa.string(),
    "OBJECTTYPE": pa.string(),
    "LASTCHANGEDATE": pa.timestamp("ms"),
}
STATUS_TYPES = {
    "RESOURCEID": pa.string(),
    "EQUIPMENTASSETSSTATUS": pa.string(),
    "JOBORDER": pa.string(),
    "JOBID": pa.string(),
    "RUNCARDLOTID": pa.string(),
    "LOTTRACKINQTY_PCS": pa.float64(),
    "LOTTRACKINTIME": pa.timestamp("ms"),
}


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
