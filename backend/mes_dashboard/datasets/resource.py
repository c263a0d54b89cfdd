"""The `resource` dataset: every production machine with its E10 status, job and lots."""

from __future__ import annotations

import math
from dataclasses import replace
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
from mes_dashboard.snapshots.normalize import INT32_MAX, INT32_MIN
from mes_dashboard.snapshots.shape import require_columns, require_rows

NAME = "resource"
MASTER = Watermark("resource", "LASTCHANGEDATE")


def _production_master(m: dict[str, pa.ChunkedArray], br: BuildRules) -> pa.ChunkedArray:
    cat, typ = m["OBJECTCATEGORY"], m["OBJECTTYPE"]
    kind_ok = pc.or_kleene(
        pc.and_kleene(pc.equal(cat, "ASSEMBLY"), pc.equal(typ, "ASSEMBLY")),
        pc.and_kleene(pc.equal(cat, "WAFERSORT"), pc.equal(typ, "WAFERSORT")),
    )
    loc = m["LOCATIONNAME"]
    excluded = pa.array(list(br.excluded_locations), pa.string())
    loc_ok = pc.or_kleene(pc.is_null(loc), pc.invert(pc.is_in(loc, value_set=excluded)))
    asset = m["PJ_ASSETSSTATUS"]
    asset_ok = pc.or_kleene(pc.is_null(asset), pc.not_equal(asset, "Disapproved"))
    keep = pc.and_kleene(
        pc.and_kleene(pc.fill_null(kind_ok, False), pc.is_valid(m["WORKCENTERNAME"])),
        pc.and_kleene(pc.fill_null(loc_ok, False), pc.fill_null(asset_ok, False)),
    )
    return keep


STATUS_OBJECT = "equipment_status"
STATUS_COLUMNS = tuple(
    c["name"] for c in contracts.columns(NAME) if c.get("origin") == STATUS_OBJECT
)
JOB_COLUMNS = tuple(c["name"] for c in contracts.columns(NAME) if c.get("section") == "job")
STATE_COLUMNS = tuple(c for c in STATUS_COLUMNS if c not in JOB_COLUMNS)
# the master filter's columns (the domain's production-machine rule)
FILTER_COLUMNS = (
    "OBJECTCATEGORY",
    "OBJECTTYPE",
    "WORKCENTERNAME",
    "LOCATIONNAME",
    "PJ_ASSETSSTATUS",
)
LOT_LIST = "lots"


def required_master_columns() -> list[str]:
    """The master columns a build needs: its fetched contract columns and the filter's."""
    fetched = [
        c["name"]
        for c in contracts.columns(NAME)
        if not c.get("derived") and c["name"] not in STATUS_COLUMNS
    ]
    return [*fetched, *(c for c in FILTER_COLUMNS if c not in fetched)]


def lot_columns() -> tuple[str, ...]:
    """The per-machine lot list's columns, as the contract's `detail_lists.lots` names them."""
    return tuple(c["name"] for c in contracts.dataset(NAME)["detail_lists"][LOT_LIST])


def _status_order(row: dict[str, Any]) -> tuple[Any, ...]:
    """Rows of one machine, first the one that decides: the latest LOTTRACKINTIME (rows without
    one last), then the status code, then the lot, in code-point order (nulls last)."""
    since = row["LOTTRACKINTIME"]
    status, lot = row["EQUIPMENTASSETSSTATUS"], row["RUNCARDLOTID"]
    return (
        since is None,
        -since.timestamp() if since is not None else 0.0,
        status is None,
        status or "",
        lot is None,
        lot or "",
    )


def _lot_entry(
    row: dict[str, Any], lot_cols: tuple[str, ...], anomalies: nz.Anomalies
) -> dict[str, Any]:
    entry = {k: row.get(k) for k in lot_cols}
    qty = entry.get("LOTTRACKINQTY_PCS")
    if isinstance(qty, float):
        whole = round(qty) if math.isfinite(qty) else None  # half to even, as everywhere
        if whole is None or not INT32_MIN <= whole <= INT32_MAX:
            anomalies["quantity_out_of_range"] += 1
            whole = None
        elif whole != qty:
            anomalies["quantity_rounded"] += 1
        entry["LOTTRACKINQTY_PCS"] = whole
    return entry


def _status_by_machine(
    s: dict[str, pa.ChunkedArray], anomalies: nz.Anomalies
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """One status per machine and its distinct tracked-in lots (rule 7).

    The view has a row per machine x lot in no order, and the rows can disagree: status and
    reason come from the first row in `_status_order`; the job from the first row that has one
    (a machine has a job when any row does); a machine whose rows disagree on status or job is
    counted as `status_disagreement`. Lots are listed by track-in time, then lot id.
    """
    lot_cols = lot_columns()
    names = ("RESOURCEID", *STATUS_COLUMNS, *lot_cols)
    by_machine: dict[str, list[dict[str, Any]]] = {}
    for row in pa.table({k: s[k] for k in names}).to_pylist():
        if row["RESOURCEID"] is not None:
            by_machine.setdefault(row["RESOURCEID"], []).append(row)
    status: dict[str, dict[str, Any]] = {}
    lots: dict[str, list[dict[str, Any]]] = {}
    for rid, rows in by_machine.items():
        rows.sort(key=_status_order)
        with_job = [r for r in rows if r["JOBORDER"] is not None]
        job = with_job[0] if with_job else {}
        status[rid] = {k: rows[0][k] for k in STATE_COLUMNS} | {k: job.get(k) for k in JOB_COLUMNS}
        if (
            len({r["EQUIPMENTASSETSSTATUS"] for r in rows}) > 1
            or len({r["JOBORDER"] for r in rows}) > 1
        ):
            anomalies["status_disagreement"] += 1
        seen: set[str] = set()
        for row in sorted(rows, key=_track_in_order):
            lot = row["RUNCARDLOTID"]
            if lot is not None and lot not in seen:
                seen.add(lot)
                lots.setdefault(rid, []).append(_lot_entry(row, lot_cols, anomalies))
    return status, lots


def _track_in_order(row: dict[str, Any]) -> tuple[Any, ...]:
    since, lot = row["LOTTRACKINTIME"], row["RUNCARDLOTID"]
    return (since is None, since.timestamp() if since is not None else 0.0, lot or "")


def build_resource(
    raw_master: pa.Table,
    raw_status: pa.Table,
    raw_mapping: pa.Table,
    br: BuildRules,
    now: datetime,
) -> Built:
    """Build the `resource` dataset (rules 5, 7 and 8; the master filter of the domain);
    refuses an empty master and a master or status view without the columns it needs."""
    require_rows(raw_master, MASTER.object)
    require_columns(raw_master, required_master_columns(), MASTER.object)
    require_columns(raw_status, ("RESOURCEID", *STATUS_COLUMNS, *lot_columns()), STATUS_OBJECT)
    tz = br.plant_tz
    anomalies = nz.Anomalies()
    m = normalize_raw(raw_master, tz)
    keep = _production_master(m, br)
    m = {k: v.filter(keep) for k, v in m.items()}
    n = len(m["RESOURCEID"])
    status, lots = _status_by_machine(normalize_raw(raw_status, tz), anomalies)
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
    totals = [sum(lot["LOTTRACKINQTY_PCS"] or 0 for lot in x) for x in machine_lots]
    m["TOTAL_TRACKIN_QTY"] = pc.fill_null(
        nz.to_int32(pa.chunked_array([pa.array(totals, pa.int64())]), anomalies), 0
    )
    for flag in ("PJ_ISPRODUCTION", "PJ_ISKEY", "PJ_ISMONITOR"):
        m[flag] = nz.to_flag(m[flag])
    wc = workcenter_columns(m["WORKCENTERNAME"], raw_mapping, tz)
    m["WORKCENTER_GROUP"] = wc["WORKCENTER_GROUP"]
    m["WORKCENTER_GROUP_SEQ"] = wc["WORKCENTER_GROUP_SEQ"]
    snap = now.astimezone(ZoneInfo(tz))
    table = sorted_by_key(NAME, conform(NAME, m, n, tz))
    detail = {LOT_LIST: {r: lots[r] for r in ids if r in lots}}
    return Built(NAME, table, snap, detail, anomalies=dict(anomalies))


class ResourceBuild:
    """Rebuilds every cycle; refetches the machine master only when its watermark moved. A
    master is kept for later cycles only once a build from it succeeded."""

    def __init__(self) -> None:
        self._master: pa.Table | None = None
        self._mark: object = None

    def __call__(self, cycle: Cycle) -> Built:
        """The rebuilt dataset from the cached (or refreshed) master and the current status."""
        mark = cycle.watermark(MASTER.object)
        master = self._master
        if master is None or mark is None or mark != self._mark:
            master = cycle.fetch(MASTER.object)
        status = cycle.fetch(STATUS_OBJECT)
        mapping = cycle.fetch("spec_workcenter")
        built = build_resource(master, status, mapping, cycle.rules, cycle.now)
        self._master, self._mark = master, mark
        return replace(built, watermark=mark)


RESOURCE = DatasetSpec(
    name=NAME,
    kind="snapshot",
    key="RESOURCEID",
    sources=(MASTER.object, STATUS_OBJECT, "spec_workcenter"),
    watermark=MASTER,
    build=ResourceBuild,
    refresh_setting="refresh_resource_s",
    poll_setting="ui_refresh_resource_s",
)
