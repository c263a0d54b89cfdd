"""The `resource` dataset: every production machine with its E10 status, job and lots."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard import contracts
from mes_dashboard.datasets.spec import Cycle, DatasetSpec, Watermark
from mes_dashboard.snapshots import normalize as nz
from mes_dashboard.snapshots import rules
from mes_dashboard.snapshots.builder import (
    BuildRules,
    Built,
    normalize_raw,
    sorted_by_key,
    workcenter_columns,
)
from mes_dashboard.snapshots.conform import conform

NAME = "resource"
MASTER = Watermark("resource", "LASTCHANGEDATE")


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
LOT_LIST = "lots"


def lot_columns() -> tuple[str, ...]:
    """The per-machine lot list's columns, as the contract's `detail_lists.lots` names them."""
    return tuple(c["name"] for c in contracts.dataset(NAME)["detail_lists"][LOT_LIST])


def _status_by_machine(
    s: dict[str, pa.ChunkedArray],
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """First status row per machine, and its distinct tracked-in lots (rule 7)."""
    lot_cols = lot_columns()
    rows = pa.table({k: s[k] for k in ("RESOURCEID", *STATUS_COLUMNS, *lot_cols) if k in s})
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
            lots.setdefault(rid, []).append({k: row.get(k) for k in lot_cols})
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
    table = sorted_by_key(NAME, conform(NAME, m, n, tz))
    detail = {LOT_LIST: {r: lots[r] for r in ids if r in lots}}
    return Built(NAME, table, snap, detail)


class ResourceBuild:
    """Rebuilds every cycle; refetches the machine master only when its watermark moved."""

    def __init__(self) -> None:
        self._master: pa.Table | None = None
        self._mark: object = None

    def __call__(self, cycle: Cycle) -> Built:
        """The rebuilt dataset from the cached (or refreshed) master and the current status."""
        mark = cycle.watermark(MASTER.object)
        if self._master is None or mark is None or mark != self._mark:
            self._master = cycle.fetch(MASTER.object)
            self._mark = mark
        status = cycle.fetch("equipment_status")
        mapping = cycle.fetch("spec_workcenter")
        return build_resource(self._master, status, mapping, cycle.rules, cycle.now)


RESOURCE = DatasetSpec(
    name=NAME,
    kind="snapshot",
    key="RESOURCEID",
    sources=(MASTER.object, "equipment_status", "spec_workcenter"),
    watermark=MASTER,
    build=ResourceBuild,
    refresh_setting="refresh_resource_s",
    poll_setting="ui_refresh_resource_s",
)
