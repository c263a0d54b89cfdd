"""The `wip` dataset: every open lot, with its status, hold type and workcenter group."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard.datasets.spec import Cycle, DatasetSpec, Watermark
from mes_dashboard.snapshots import normalize as nz
from mes_dashboard.snapshots import rules
from mes_dashboard.snapshots.builder import (
    BuildRules,
    Built,
    latest_time,
    normalize_raw,
    null_column,
    sorted_by_key,
    workcenter_columns,
)
from mes_dashboard.snapshots.conform import conform

NAME = "wip"
LOT = Watermark("lot", "SYS_DATE")


def build_wip(raw_lot: pa.Table, raw_mapping: pa.Table, br: BuildRules, now: datetime) -> Built:
    """Build the `wip` dataset (rules 1-4 and 8)."""
    tz = br.plant_tz
    c = normalize_raw(raw_lot, tz)
    base = pc.is_valid(c["WORKORDER"])
    c = {k: v.filter(base) for k, v in c.items()}
    n = len(c["LOTID"])
    snap = latest_time(c.get("SYS_DATE"), now.astimezone(ZoneInfo(tz)))
    snap_ms = int(snap.timestamp() * 1000)
    for name in ("QTY", "QTY2", "CURRENTHOLDCOUNT", "EQUIPMENTCOUNT"):
        if name in c:
            c[name] = nz.to_int32(c[name])
    if "AGEBYDAYS" in c:
        c["AGEBYDAYS"] = nz.to_float64(c["AGEBYDAYS"])
    status = rules.wip_status(
        c.get("EQUIPMENTCOUNT", null_column(n, pa.int32())),
        c.get("EQUIPMENTNAME", null_column(n, pa.string())),
        c.get("CURRENTHOLDCOUNT", null_column(n, pa.int32())),
    )
    c["WIP_STATUS"] = status
    c["HOLD_TYPE"] = rules.hold_type(
        status, c.get("HOLDREASONNAME", null_column(n, pa.string())), br.non_quality_hold_reasons
    )
    c["HOLD_HOURS"] = rules.hold_hours(
        status, c.get("CURRENTHOLDTIME", null_column(n, pa.timestamp("ms", tz=tz))), snap_ms
    )
    c["IS_DUMMY"] = rules.is_dummy(c["LOTID"])
    c.update(
        workcenter_columns(c.get("WORKCENTERNAME", null_column(n, pa.string())), raw_mapping, tz)
    )
    if "SPECSEQUENCE" in c:
        c["SPEC_SEQ"] = nz.numeric_sequence(c["SPECSEQUENCE"])
    table = sorted_by_key(NAME, conform(NAME, c, n, tz))
    return Built(NAME, table, snap, {})


class WipBuild:
    """Rebuilds when the lot watermark moved, or when this process no longer holds the current
    version (another leader published since it last built)."""

    def __init__(self) -> None:
        self._mark: object = None

    def __call__(self, cycle: Cycle) -> Built | None:
        """The rebuilt dataset, or None when the published one is still current."""
        mark = cycle.watermark(LOT.object)
        have = cycle.holds_current()
        if have and mark is not None and mark == self._mark:
            return None
        lot = cycle.fetch(LOT.object)
        mapping = cycle.fetch("spec_workcenter")
        self._mark = mark
        return build_wip(lot, mapping, cycle.rules, cycle.now)


WIP = DatasetSpec(
    name=NAME,
    kind="snapshot",
    key="LOTID",
    sources=(LOT.object, "spec_workcenter"),
    watermark=LOT,
    build=WipBuild,
    refresh_setting="refresh_wip_s",
    poll_setting="ui_refresh_wip_s",
)
