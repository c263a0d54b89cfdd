"""Snapshot builder: raw source tables -> the typed `wip` and `resource` tables of the contract.

Derived business columns (domain rules 1-7) are computed here, once per snapshot, from
configuration; the browser only aggregates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard import contracts
from mes_dashboard.config import Settings
from mes_dashboard.snapshots import normalize as nz
from mes_dashboard.snapshots import rules
from mes_dashboard.snapshots.conform import conform


@dataclass(frozen=True)
class BuildRules:
    """The configuration the business rules depend on."""

    plant_tz: str
    non_quality_hold_reasons: tuple[str, ...]
    excluded_locations: tuple[str, ...]

    @classmethod
    def from_settings(cls, s: Settings) -> BuildRules:
        """Take the rule configuration from the settings."""
        return cls(s.plant_tz, s.non_quality_hold_reasons, s.excluded_locations)


@dataclass(frozen=True)
class Built:
    """A built dataset: the full table (main and detail columns) and its snapshot time."""

    dataset: str
    table: pa.Table
    snapshot_time: datetime
    detail_lists: dict[str, dict[str, list[dict[str, Any]]]]


def normalize_raw(table: pa.Table, tz: str) -> dict[str, pa.ChunkedArray]:
    """Strip strings, drop NaN and localize DATE columns of a raw source table."""
    out: dict[str, pa.ChunkedArray] = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        typ = col.type
        if pa.types.is_dictionary(typ):
            col = col.cast(typ.value_type)
            typ = col.type
        if pa.types.is_string(typ) or pa.types.is_large_string(typ):
            out[name] = nz.strip_strings(col)
        elif pa.types.is_floating(typ):
            out[name] = nz.nan_to_null(col)
        elif pa.types.is_timestamp(typ) or pa.types.is_date(typ):
            out[name] = nz.localize(col, tz)
        elif pa.types.is_decimal(typ):
            out[name] = col.cast(pa.float64())
        else:
            out[name] = col
    return out


def workcenter_columns(
    workcenter: pa.ChunkedArray, raw_mapping: pa.Table, tz: str
) -> dict[str, pa.ChunkedArray]:
    """Rule 8: group, numeric group sequence and short name from the mapping view only."""
    m = normalize_raw(raw_mapping, tz)
    known = pc.is_valid(m["WORK_CENTER"])
    m = {k: v.filter(known) for k, v in m.items()}
    idx = pc.index_in(workcenter, value_set=m["WORK_CENTER"].combine_chunks())
    return {
        "WORKCENTER_GROUP": pc.take(m["WORK_CENTER_GROUP"], idx),
        "WORKCENTER_GROUP_SEQ": pc.take(nz.numeric_sequence(m["WORKCENTERSEQUENCE_GROUP"]), idx),
        "WORKCENTER_SHORT": pc.take(m["WORK_CENTER_SHORT"], idx),
    }


def _snapshot_time(col: pa.ChunkedArray | None, fallback: datetime) -> datetime:
    if col is not None and col.null_count < len(col):
        value = pc.max(col).as_py()
        if isinstance(value, datetime):
            return value
    return fallback


def build_wip(raw_lot: pa.Table, raw_mapping: pa.Table, br: BuildRules, now: datetime) -> Built:
    """Build the `wip` dataset (rules 1-4 and 8)."""
    tz = br.plant_tz
    c = normalize_raw(raw_lot, tz)
    base = pc.is_valid(c["WORKORDER"])
    c = {k: v.filter(base) for k, v in c.items()}
    n = len(c["LOTID"])
    snap = _snapshot_time(c.get("SYS_DATE"), now.astimezone(ZoneInfo(tz)))
    snap_ms = int(snap.timestamp() * 1000)
    for name in ("QTY", "QTY2", "CURRENTHOLDCOUNT", "EQUIPMENTCOUNT"):
        if name in c:
            c[name] = nz.to_int32(c[name])
    if "AGEBYDAYS" in c:
        c["AGEBYDAYS"] = nz.to_float64(c["AGEBYDAYS"])
    status = rules.wip_status(
        c.get("EQUIPMENTCOUNT", _nulls(n, pa.int32())),
        c.get("EQUIPMENTNAME", _nulls(n, pa.string())),
        c.get("CURRENTHOLDCOUNT", _nulls(n, pa.int32())),
    )
    c["WIP_STATUS"] = status
    c["HOLD_TYPE"] = rules.hold_type(
        status, c.get("HOLDREASONNAME", _nulls(n, pa.string())), br.non_quality_hold_reasons
    )
    c["HOLD_HOURS"] = rules.hold_hours(
        status, c.get("CURRENTHOLDTIME", _nulls(n, pa.timestamp("ms", tz=tz))), snap_ms
    )
    c["IS_DUMMY"] = rules.is_dummy(c["LOTID"])
    c.update(workcenter_columns(c.get("WORKCENTERNAME", _nulls(n, pa.string())), raw_mapping, tz))
    if "SPECSEQUENCE" in c:
        c["SPEC_SEQ"] = nz.numeric_sequence(c["SPECSEQUENCE"])
    table = sorted_by_key("wip", conform("wip", c, n, tz))
    return Built("wip", table, snap, {})


def _nulls(n: int, typ: pa.DataType) -> pa.ChunkedArray:
    return pa.chunked_array([pa.nulls(n, typ)], type=typ)


def _production_master(m: dict[str, pa.ChunkedArray], br: BuildRules) -> pa.ChunkedArray:
    cat, typ = m["OBJECTCATEGORY"], m["OBJECTTYPE"]
    kind_ok = pc.or_kleene(
        pc.and_kleene(pc.equal(cat, "ASSEMBLY"), pc.equal(typ, "ASSEMBLY")),
        pc.and_kleene(pc.equal(cat, "WAFERSORT"), pc.equal(typ, "WAFERSORT")),
    )
    loc = m["LOCATIONNAME"]
    loc_ok = pc.or_kleene(
        pc.is_null(loc), pc.invert(pc.is_in(loc, value_set=pa.array(list(br.excluded_locations))))
    )
    asset = m["PJ_ASSETSSTATUS"]
    asset_ok = pc.or_kleene(pc.is_null(asset), pc.not_equal(asset, "Disapproved"))
    keep = pc.and_kleene(
        pc.and_kleene(pc.fill_null(kind_ok, False), pc.is_valid(m["WORKCENTERNAME"])),
        pc.and_kleene(pc.fill_null(loc_ok, False), pc.fill_null(asset_ok, False)),
    )
    return keep


STATUS_COLUMNS = (
    "EQUIPMENTASSETSSTATUS",
    "EQUIPMENTASSETSSTATUSREASON",
    "JOBORDER",
    "JOBMODEL",
    "JOBSTAGE",
    "JOBID",
    "JOBSTATUS",
    "CREATEDATE",
    "CREATEUSERNAME",
    "TECHNICIANUSERNAME",
    "SYMPTOMCODE",
    "CAUSECODE",
    "REPAIRCODE",
)
LOT_COLUMNS = ("RUNCARDLOTID", "LOTTRACKINQTY_PCS", "LOTTRACKINTIME", "LOTTRACKINEMPLOYEE")


def _status_by_machine(
    s: dict[str, pa.ChunkedArray],
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """First status row per machine, and its distinct tracked-in lots (rule 7)."""
    rows = pa.table({k: s[k] for k in ("RESOURCEID", *STATUS_COLUMNS, *LOT_COLUMNS) if k in s})
    status: dict[str, dict[str, Any]] = {}
    lots: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows.to_pylist():
        rid = row["RESOURCEID"]
        if rid is None:
            continue
        status.setdefault(rid, row)
        lot = row.get("RUNCARDLOTID")
        if lot is not None and (rid, lot) not in seen:
            seen.add((rid, lot))
            lots.setdefault(rid, []).append({k: row.get(k) for k in LOT_COLUMNS})
    return status, lots


def build_resource(
    raw_master: pa.Table,
    raw_status: pa.Table,
    raw_mapping: pa.Table,
    br: BuildRules,
    now: datetime,
) -> Built:
    """Build the `resource` dataset (rules 5, 7 and 8; the master filter of the domain)."""
    tz = br.plant_tz
    m = normalize_raw(raw_master, tz)
    keep = _production_master(m, br)
    m = {k: v.filter(keep) for k, v in m.items()}
    n = len(m["RESOURCEID"])
    status, lots = _status_by_machine(normalize_raw(raw_status, tz))
    ids = m["RESOURCEID"].to_pylist()
    ztype = pa.timestamp("ms", tz=tz)
    for name in STATUS_COLUMNS:
        typ = ztype if name == "CREATEDATE" else pa.string()
        m[name] = pa.chunked_array([pa.array([status.get(r, {}).get(name) for r in ids], typ)], typ)
    m["STATUS_E10"] = rules.e10_status(m["EQUIPMENTASSETSSTATUS"])
    m["STATUS_CATEGORY"] = rules.e10_category(m["STATUS_E10"])
    m["HAS_JOB"] = pc.is_valid(m["JOBORDER"])
    machine_lots = [lots.get(r, []) for r in ids]
    m["LOT_COUNT"] = pa.chunked_array([pa.array([len(x) for x in machine_lots], pa.int32())])
    m["TOTAL_TRACKIN_QTY"] = pa.chunked_array(
        [
            pa.array(
                [sum(int(lot["LOTTRACKINQTY_PCS"] or 0) for lot in x) for x in machine_lots],
                pa.int32(),
            )
        ]
    )
    for flag in ("PJ_ISPRODUCTION", "PJ_ISKEY", "PJ_ISMONITOR"):
        m[flag] = nz.to_flag(m[flag]) if flag in m else pa.chunked_array([pa.array([False] * n)])
    wc = workcenter_columns(m["WORKCENTERNAME"], raw_mapping, tz)
    m["WORKCENTER_GROUP"] = wc["WORKCENTER_GROUP"]
    m["WORKCENTER_GROUP_SEQ"] = wc["WORKCENTER_GROUP_SEQ"]
    snap = now.astimezone(ZoneInfo(tz))
    table = sorted_by_key("resource", conform("resource", m, n, tz))
    detail = {"lots": {r: lots[r] for r in ids if r in lots}}
    return Built("resource", table, snap, detail)


def sorted_by_key(dataset: str, table: pa.Table) -> pa.Table:
    """Rows in ascending order of the dataset's key (code-point order, as UTF-8 bytes compare).

    The source returns rows in no fixed order; sorting makes the snapshot version depend on the
    content only, and lets the browser rank identifier suggestions without sorting them itself.
    """
    key = contracts.dataset(dataset).get("key")
    if not key or key not in table.column_names or table.num_rows < 2:
        return table
    return table.take(pc.sort_indices(table[key]))


def main_columns(dataset: str) -> list[str]:
    """Names of the columns that ship in the Arrow payload."""
    return [c["name"] for c in contracts.columns(dataset, "main")]


def detail_columns(dataset: str) -> list[str]:
    """Names of the columns that ship only in the row endpoint."""
    return [c["name"] for c in contracts.columns(dataset, "detail")]
