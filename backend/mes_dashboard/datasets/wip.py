"""The `wip` dataset: every open lot, with its status, hold type and workcenter group."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
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
    latest_time,
    normalize_raw,
    sorted_by_key,
    workcenter_columns,
)
from mes_dashboard.snapshots.conform import conform
from mes_dashboard.snapshots.shape import require_columns, require_rows

NAME = "wip"
LOT = Watermark("lot", "SYS_DATE")
# built from the mapping view (rule 8), not taken from the lot view
FROM_MAPPING = ("WORKCENTER_GROUP", "WORKCENTER_SHORT")
QUANTITIES = ("QTY", "QTY2", "CURRENTHOLDCOUNT", "EQUIPMENTCOUNT")
# timestamps the warehouse keeps as VARCHAR2 text; the build parses them in the plant zone
TEXT_TIMES = ("RELEASETIME",)


def required_lot_columns() -> list[str]:
    """The lot view columns a build needs: every fetched (not derived) contract column."""
    return [
        c["name"]
        for c in contracts.columns(NAME)
        if not c.get("derived") and c["name"] not in FROM_MAPPING
    ]


def build_wip(raw_lot: pa.Table, raw_mapping: pa.Table, br: BuildRules, now: datetime) -> Built:
    """Build the `wip` dataset (rules 1-4 and 8); refuses an empty or incomplete lot view."""
    require_rows(raw_lot, LOT.object)
    require_columns(raw_lot, required_lot_columns(), LOT.object)
    tz = br.plant_tz
    anomalies = nz.Anomalies()
    c = normalize_raw(raw_lot, tz)
    base = pc.is_valid(c["WORKORDER"])
    c = {k: v.filter(base) for k, v in c.items()}
    snap = latest_time(c["SYS_DATE"], now.astimezone(ZoneInfo(tz)))
    snap_ms = int(snap.timestamp() * 1000)
    # rule 2 reads the source's numbers, before an out-of-range count is nulled for the wire
    status = rules.wip_status(c["EQUIPMENTCOUNT"], c["EQUIPMENTNAME"], c["CURRENTHOLDCOUNT"])
    for name in QUANTITIES:
        c[name] = nz.to_int32(c[name], anomalies)
    c["AGEBYDAYS"] = nz.to_float64(c["AGEBYDAYS"])
    for name in TEXT_TIMES:
        c[name] = nz.parse_plant_time(c[name], tz, anomalies)
    c["WIP_STATUS"] = status
    c["HOLD_TYPE"] = rules.hold_type(status, c["HOLDREASONNAME"], br.non_quality_hold_reasons)
    c["HOLD_HOURS"] = rules.hold_hours(status, c["CURRENTHOLDTIME"], snap_ms)
    c["IS_DUMMY"] = rules.is_dummy(c["LOTID"])
    c.update(workcenter_columns(c["WORKCENTERNAME"], raw_mapping, tz))
    c["SPEC_SEQ"] = nz.numeric_sequence(c["SPECSEQUENCE"])
    table = sorted_by_key(NAME, conform(NAME, c, len(c["LOTID"]), tz))
    return Built(NAME, table, snap, {}, anomalies=dict(anomalies))


class WipBuild:
    """Rebuilds when the lot watermark moved since the last published build, or when this
    process no longer holds the current version (another leader published since)."""

    def __call__(self, cycle: Cycle) -> Built | None:
        """The rebuilt dataset, or None when the published one is still current."""
        mark = cycle.watermark(LOT.object)
        if cycle.holds_current() and mark is not None and mark == cycle.published_watermark:
            return None
        lot = cycle.fetch(LOT.object)
        mapping = cycle.fetch("spec_workcenter")
        return replace(build_wip(lot, mapping, cycle.rules, cycle.now), watermark=mark)


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
