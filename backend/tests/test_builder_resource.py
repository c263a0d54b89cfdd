"""Domain rules 5, 7 and the equipment master filter as the builder applies them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from mes_dashboard import contracts
from mes_dashboard.config import EXCLUDED_LOCATIONS, NON_QUALITY_HOLD_REASONS
from mes_dashboard.datasets.resource import build_resource
from mes_dashboard.snapshots.builder import BuildRules, Built
from mes_dashboard.snapshots.rules import e10_category, e10_status
from mes_dashboard.snapshots.shape import SourceShapeError
from raw_tables import SNAP, mapping_table, master_table, status_table

RULES = BuildRules("Asia/Taipei", NON_QUALITY_HOLD_REASONS, EXCLUDED_LOCATIONS)
NOW = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "e10", "category"),
    [
        ("PRD", "PRD", "productive"),
        ("SBY", "SBY", "standby"),
        ("UDT", "UDT", "down"),
        ("SDT", "SDT", "down"),
        ("EGT", "EGT", "engineering"),
        ("NST", "NST", "not_scheduled"),
        ("PM", "UDT", "down"),
        ("BKD", "UDT", "down"),
        ("ENG", "EGT", "engineering"),
        ("OFF", "NST", "not_scheduled"),
        (" prd ", "PRD", "productive"),
        ("WAIT", "OTHER", "other"),
        (None, "OTHER", "other"),
    ],
)
def test_e10_mapping(raw: str | None, e10: str, category: str) -> None:
    status = e10_status(pa.chunked_array([pa.array([raw], pa.string())]))
    assert status.to_pylist() == [e10]
    assert e10_category(status).to_pylist() == [category]


def test_master_filter_keeps_only_production_machines() -> None:
    master = master_table(
        [
            {"RESOURCEID": "KEEP-A"},
            {"RESOURCEID": "KEEP-W", "OBJECTCATEGORY": "WAFERSORT", "OBJECTTYPE": "WAFERSORT"},
            {"RESOURCEID": "KEEP-L", "LOCATIONNAME": "A棟2F", "PJ_ASSETSSTATUS": "Approved"},
            {"RESOURCEID": "MIXED", "OBJECTCATEGORY": "ASSEMBLY", "OBJECTTYPE": "WAFERSORT"},
            {"RESOURCEID": "CARRIER", "OBJECTCATEGORY": "CARRIER", "OBJECTTYPE": "CARRIER"},
            {"RESOURCEID": "NOWC", "WORKCENTERNAME": None},
            {"RESOURCEID": "FAREA", "LOCATIONNAME": "F區"},
            {"RESOURCEID": "SCRAP", "LOCATIONNAME": "報廢"},
            {"RESOURCEID": "DIS", "PJ_ASSETSSTATUS": "Disapproved"},
        ]
    )
    built = build_resource(master, status_table([]), mapping_table(), RULES, NOW)
    # Rows come sorted by the key (RESOURCEID).
    assert built.table.column("RESOURCEID").to_pylist() == ["KEEP-A", "KEEP-L", "KEEP-W"]


def test_excluded_locations_are_configuration() -> None:
    master = master_table([{"RESOURCEID": "A", "LOCATIONNAME": "F區"}])
    rules = BuildRules("Asia/Taipei", (), ("B棟",))
    built = build_resource(master, status_table([]), mapping_table(), rules, NOW)
    assert built.table.column("RESOURCEID").to_pylist() == ["A"]


def test_lots_on_a_machine_and_char_padding() -> None:
    master = master_table(
        [
            {"RESOURCEID": "EQ1".ljust(16)},
            {"RESOURCEID": "EQ2".ljust(16)},
            {"RESOURCEID": "EQ3".ljust(16)},
        ]
    )
    status = status_table(
        [
            {
                "RESOURCEID": "EQ1".ljust(16),
                "EQUIPMENTASSETSSTATUS": "PRD",
                "RUNCARDLOTID": "L1",
                "LOTTRACKINQTY_PCS": 100.0,
            },
            {
                "RESOURCEID": "EQ1".ljust(16),
                "EQUIPMENTASSETSSTATUS": "PRD",
                "RUNCARDLOTID": "L2",
                "LOTTRACKINQTY_PCS": 50.0,
            },
            {
                "RESOURCEID": "EQ1".ljust(16),
                "EQUIPMENTASSETSSTATUS": "PRD",
                "RUNCARDLOTID": "L2",
                "LOTTRACKINQTY_PCS": 50.0,
            },  # same lot twice: counted once
            {
                "RESOURCEID": "EQ2".ljust(16),
                "EQUIPMENTASSETSSTATUS": "PM",
                "JOBORDER": "JO-1",
                "JOBID": "J1".ljust(16),
            },
        ]
    )
    built = build_resource(master, status, mapping_table(), RULES, NOW)
    out = built.table.to_pydict()
    assert out["RESOURCEID"] == ["EQ1", "EQ2", "EQ3"]
    assert out["LOT_COUNT"] == [2, 0, 0]  # idle machines show 0, not 1
    assert out["TOTAL_TRACKIN_QTY"] == [150, 0, 0]
    assert out["STATUS_E10"] == ["PRD", "UDT", "OTHER"]  # no status row at all -> OTHER
    assert out["HAS_JOB"] == [False, True, False]
    assert out["JOBID"] == [None, "J1", None]
    assert [lot["RUNCARDLOTID"] for lot in built.detail_lists["lots"]["EQ1"]] == ["L1", "L2"]
    assert "EQ3" not in built.detail_lists["lots"]


def test_flags_are_true_only_when_one() -> None:
    master = master_table(
        [{"RESOURCEID": "A", "PJ_ISKEY": 1.0, "PJ_ISMONITOR": 0.0, "PJ_ISPRODUCTION": None}]
    )
    out = build_resource(master, status_table([]), mapping_table(), RULES, NOW).table.to_pydict()
    assert (out["PJ_ISKEY"], out["PJ_ISMONITOR"], out["PJ_ISPRODUCTION"]) == (
        [True],
        [False],
        [False],
    )


def test_resource_matches_the_field_contract_with_groups_from_mapping() -> None:
    master = master_table([{"RESOURCEID": "A", "WORKCENTERNAME": "切割"}])
    built = build_resource(master, status_table([]), mapping_table(), RULES, NOW)
    assert built.table.schema.equals(contracts.arrow_schema("resource", payload=None))
    assert built.table.column("WORKCENTER_GROUP").to_pylist() == ["前段"]
    assert built.table.column("WORKCENTER_GROUP_SEQ").to_pylist() == [90]
    assert built.table.column("LASTCHANGEDATE")[0].as_py().isoformat() == (
        SNAP.isoformat() + "+08:00"
    )


def resource(status_rows: list[dict[str, object]], rules: BuildRules = RULES) -> Built:
    master = master_table([{"RESOURCEID": "M1      ", "RESOURCENAME": "M1"}, {"RESOURCEID": "M2"}])
    return build_resource(master, status_table(status_rows), mapping_table(), rules, NOW)


DISAGREEING = [
    {"RESOURCEID": "M1", "EQUIPMENTASSETSSTATUS": "SBY", "RUNCARDLOTID": "L1",
     "LOTTRACKINTIME": SNAP - timedelta(hours=2), "JOBORDER": "JO1", "JOBID": "JB1     ",
     "LOTTRACKINQTY_PCS": 100.0},
    {"RESOURCEID": "M1", "EQUIPMENTASSETSSTATUS": "PRD", "RUNCARDLOTID": "L2",
     "LOTTRACKINTIME": SNAP - timedelta(hours=1), "LOTTRACKINQTY_PCS": 50.5},
    {"RESOURCEID": "M1", "EQUIPMENTASSETSSTATUS": "PRD", "RUNCARDLOTID": "L2",
     "LOTTRACKINTIME": SNAP - timedelta(hours=1), "LOTTRACKINQTY_PCS": 50.5},
    {"RESOURCEID": "M2", "EQUIPMENTASSETSSTATUS": "UDT"},
]  # fmt: skip


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]])
def test_status_per_machine_does_not_depend_on_row_order(order: list[int]) -> None:
    result = resource([DISAGREEING[i] for i in order])
    out = result.table.to_pydict()
    assert out["RESOURCEID"] == ["M1", "M2"]
    assert out["EQUIPMENTASSETSSTATUS"] == ["PRD", "UDT"]  # the latest track-in decides
    assert out["HAS_JOB"] == [True, False]  # a job when any row has one
    assert out["JOBORDER"] == ["JO1", None] and out["JOBID"] == ["JB1", None]
    assert out["LOT_COUNT"] == [2, 0]
    assert out["TOTAL_TRACKIN_QTY"] == [150, 0]  # 100 + round_half_even(50.5)
    assert result.anomalies == {"status_disagreement": 1, "quantity_rounded": 1}
    lots = result.detail_lists["lots"]["M1"]
    assert [lot["RUNCARDLOTID"] for lot in lots] == ["L1", "L2"]
    assert [lot["LOTTRACKINQTY_PCS"] for lot in lots] == [100, 50]


def test_an_empty_excluded_locations_setting_keeps_every_location() -> None:
    rules = BuildRules("Asia/Taipei", NON_QUALITY_HOLD_REASONS, ())
    master = master_table([{"RESOURCEID": "M1", "LOCATIONNAME": "ATEC"}])
    table = build_resource(master, status_table([]), mapping_table(), rules, NOW).table
    assert table.column("RESOURCEID").to_pylist() == ["M1"]


def test_an_empty_master_fails_the_build() -> None:
    with pytest.raises(SourceShapeError, match=r"resource.*no rows"):
        build_resource(master_table([]), status_table([]), mapping_table(), RULES, NOW)


def test_a_missing_status_column_fails_the_build_by_name() -> None:
    status = status_table([{"RESOURCEID": "M1"}]).drop_columns(["JOBORDER"])
    master = master_table([{"RESOURCEID": "M1"}])
    with pytest.raises(SourceShapeError, match=r"equipment_status.*JOBORDER"):
        build_resource(master, status, mapping_table(), RULES, NOW)
