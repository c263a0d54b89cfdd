"""Domain rules 1-4 and 8 as the snapshot builder applies them to the wip dataset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from mes_dashboard import contracts
from mes_dashboard.config import EXCLUDED_LOCATIONS, NON_QUALITY_HOLD_REASONS
from mes_dashboard.datasets.wip import build_wip
from mes_dashboard.snapshots.builder import BuildRules, Built
from mes_dashboard.snapshots.shape import SourceShapeError
from raw_tables import SNAP, lot_table, mapping_table

RULES = BuildRules("Asia/Taipei", NON_QUALITY_HOLD_REASONS, EXCLUDED_LOCATIONS)
NOW = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)


def build(rows: list[dict[str, object]]) -> dict[str, list[object]]:
    table = build_wip(lot_table(rows), mapping_table(), RULES, NOW).table
    return table.to_pydict()


def test_raw_material_rows_with_null_workorder_are_always_excluded() -> None:
    out = build([{"LOTID": "A"}, {"LOTID": "RAW", "WORKORDER": None}])
    assert out["LOTID"] == ["A"]


@pytest.mark.parametrize("lotid", ["GA-DUMMY-1", "ga-dummy-2", "GA-Dummy-3", "XDuMmYX"])
def test_dummy_detection_is_case_insensitive(lotid: str) -> None:
    out = build([{"LOTID": lotid}, {"LOTID": "GA-REAL"}])
    assert dict(zip(out["LOTID"], out["IS_DUMMY"], strict=True)) == {lotid: True, "GA-REAL": False}


def test_rows_are_sorted_by_lotid_in_code_point_order() -> None:
    lots = ["b-2", "B-1", "a-9", "\u00e9-1", "a-10", "\U0001f600", "\uffff"]
    out = build([{"LOTID": lot} for lot in lots])
    # Code-point order (UTF-8 byte order), not locale order: upper case before lower case.
    assert out["LOTID"] == sorted(lots)


@pytest.mark.parametrize(
    ("row", "status"),
    [
        ({"EQUIPMENTCOUNT": 2.0}, "RUN"),
        ({"EQUIPMENTCOUNT": 0.0, "EQUIPMENTNAME": "TMTT-01"}, "RUN"),  # TMTT: name, count 0
        ({"EQUIPMENTCOUNT": 1.0, "CURRENTHOLDCOUNT": 1.0}, "RUN"),  # RUN beats HOLD
        ({"EQUIPMENTNAME": "   ", "CURRENTHOLDCOUNT": 2.0}, "HOLD"),  # blank name is empty
        ({"CURRENTHOLDCOUNT": 0.0}, "QUEUE"),
        ({}, "QUEUE"),
    ],
)
def test_wip_status(row: dict[str, object], status: str) -> None:
    assert build([{"LOTID": "L"} | row])["WIP_STATUS"] == [status]


def test_hold_type_uses_the_configured_list_and_null_reason_is_quality() -> None:
    held = {"CURRENTHOLDCOUNT": 1.0, "CURRENTHOLDTIME": SNAP}
    out = build(
        [
            {"LOTID": "1", "HOLDREASONNAME": "特殊需求管控"} | held,
            {"LOTID": "2", "HOLDREASONNAME": "外觀不良(QC)"} | held,
            {"LOTID": "3", "HOLDREASONNAME": None} | held,
            {"LOTID": "4", "HOLDREASONNAME": "特殊需求管控", "EQUIPMENTCOUNT": 1.0} | held,
        ]
    )
    assert out["HOLD_TYPE"] == ["non_quality", "quality", "quality", None]
    custom = BuildRules("Asia/Taipei", ("外觀不良(QC)",), ())
    t = build_wip(
        lot_table([{"LOTID": "2", "HOLDREASONNAME": "外觀不良(QC)"} | held]),
        mapping_table(),
        custom,
        NOW,
    ).table
    assert t.column("HOLD_TYPE").to_pylist() == ["non_quality"]


def test_hold_hours_count_from_the_snapshot_time_not_the_clock() -> None:
    out = build(
        [
            {"LOTID": "1", "CURRENTHOLDCOUNT": 1.0, "CURRENTHOLDTIME": SNAP - timedelta(hours=30)},
            {"LOTID": "2", "CURRENTHOLDCOUNT": 1.0, "CURRENTHOLDTIME": SNAP + timedelta(hours=1)},
            {"LOTID": "3", "CURRENTHOLDCOUNT": 1.0, "CURRENTHOLDTIME": None},
            {"LOTID": "4", "CURRENTHOLDTIME": SNAP - timedelta(hours=5)},  # not held
        ]
    )
    assert out["HOLD_HOURS"] == [30.0, 0.0, None, None]


def test_snapshot_time_is_sys_date_in_the_plant_zone() -> None:
    built = build_wip(lot_table([{"LOTID": "1"}]), mapping_table(), RULES, NOW)
    assert built.snapshot_time.isoformat() == "2026-11-28T08:00:00+08:00"
    ts = built.table.column("SYS_DATE")
    assert ts.type == pa.timestamp("ms", tz="Asia/Taipei")
    assert ts[0].value == int(built.snapshot_time.timestamp() * 1000)


def test_workcenter_group_comes_from_the_mapping_with_numeric_sequence() -> None:
    out = build(
        [
            {"LOTID": "1", "WORKCENTERNAME": "焊接_DB", "SPECSEQUENCE": "0300"},
            {"LOTID": "2", "WORKCENTERNAME": "測試_TMTT", "SPECSEQUENCE": "1200"},
            {"LOTID": "3", "WORKCENTERNAME": "未對應站", "SPECSEQUENCE": "x1"},
        ]
    )
    assert out["WORKCENTER_GROUP"] == ["焊接", "測試", None]
    assert out["WORKCENTER_GROUP_SEQ"] == [300, 1200, None]
    assert out["SPEC_SEQ"] == [300, 1200, None]
    assert sorted([300, 1200]) == [300, 1200] and sorted(["300", "1200"]) == ["1200", "300"]


def test_strings_are_stripped_and_empty_strings_become_null() -> None:
    out = build([{"LOTID": "  L1  ", "PACKAGE_LEF": "SOD-123FL OP1   ", "EQUIPMENTNAME": ""}])
    assert out["LOTID"] == ["L1"]
    assert out["PACKAGE_LEF"] == ["SOD-123FL OP1"]
    assert out["EQUIPMENTNAME"] == [None]


def test_nan_becomes_null_and_quantities_are_int32() -> None:
    built = build_wip(
        lot_table(
            [
                {"LOTID": "1", "QTY": float("nan"), "AGEBYDAYS": float("nan")},
                {"LOTID": "2", "QTY": 3_000_000.0, "AGEBYDAYS": 1.25},
            ]
        ),
        mapping_table(),
        RULES,
        NOW,
    )
    assert built.table.column("QTY").to_pylist() == [None, 3_000_000]
    assert built.table.column("AGEBYDAYS").to_pylist() == [None, 1.25]


def test_table_matches_the_field_contract() -> None:
    table = build_wip(lot_table([{"LOTID": "1"}]), mapping_table(), RULES, NOW).table
    expected = contracts.arrow_schema("wip", payload=None)
    assert table.schema.equals(expected)
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            assert col.num_chunks == 1


def test_a_view_of_raw_material_only_builds_an_empty_table() -> None:
    # an empty fetch is refused (test_an_empty_lot_fetch_fails_the_build); no WIP after rule 1
    # is a valid, empty snapshot
    lots = lot_table([{"LOTID": "RM-1", "WORKORDER": None}])
    built = build_wip(lots, mapping_table([]), RULES, NOW)
    assert built.table.num_rows == 0
    assert built.snapshot_time == NOW.astimezone(built.snapshot_time.tzinfo)


def test_dictionaries_are_in_code_point_order_and_keep_every_value() -> None:
    lots = [
        {"LOTID": "L1", "PACKAGE_LEF": "sot-23"},
        {"LOTID": "L2", "PACKAGE_LEF": "SOT-23"},
        {"LOTID": "L3", "PACKAGE_LEF": None},
        {"LOTID": "L4", "PACKAGE_LEF": "\u00c5BC"},
        {"LOTID": "L5", "PACKAGE_LEF": "QFN"},
        {"LOTID": "L6", "PACKAGE_LEF": "sot-23"},
    ]
    table = build_wip(lot_table(lots), mapping_table(), RULES, NOW).table
    column = table.column("PACKAGE_LEF").chunk(0)
    dictionary = column.dictionary.to_pylist()
    assert dictionary == sorted({"sot-23", "SOT-23", "\u00c5BC", "QFN"})
    assert column.to_pylist() == [lot["PACKAGE_LEF"] for lot in lots]


def built(rows: list[dict[str, object]], lots: pa.Table | None = None) -> Built:
    return build_wip(lots if lots is not None else lot_table(rows), mapping_table(), RULES, NOW)


def test_releasetime_text_is_parsed_in_the_plant_zone_and_failures_are_counted() -> None:
    texts = ["2026/11/29 10:00:00", "2026-11-29 11:30:00", "2026/11/30", "待PE確認", None]
    result = built([{"LOTID": f"L{i}", "RELEASETIME": t} for i, t in enumerate(texts)])
    taipei = ZoneInfo("Asia/Taipei")
    assert result.table.column("RELEASETIME").to_pylist() == [
        datetime(2026, 11, 29, 10, 0, tzinfo=taipei),
        datetime(2026, 11, 29, 11, 30, tzinfo=taipei),
        datetime(2026, 11, 30, 0, 0, tzinfo=taipei),
        None,
        None,
    ]
    assert result.anomalies == {"releasetime_unparsed": 1}


def test_a_missing_required_column_fails_the_build_by_name() -> None:
    lots = lot_table([{"LOTID": "A"}]).drop_columns(["CURRENTHOLDTIME"])
    with pytest.raises(SourceShapeError, match=r"lot.*CURRENTHOLDTIME"):
        built([], lots)


def test_an_empty_lot_fetch_fails_the_build() -> None:
    with pytest.raises(SourceShapeError, match=r"lot.*no rows"):
        built([])


def test_group_sequence_is_the_minimum_over_the_groups_mapping_rows() -> None:
    mapping = mapping_table(
        [
            ("焊線-A1", "焊線", "150", "WB-A1"),
            ("焊線-A1", "焊線", "150", "WB-A1"),  # one row per spec: the workcenter repeats
            ("焊線-B1", "焊線", "155", "WB-B1"),
            ("切割-A1", "切割", "090", "DS-A1"),
        ]
    )
    lots = lot_table(
        [
            {"LOTID": "1", "WORKCENTERNAME": "焊線-B1"},
            {"LOTID": "2", "WORKCENTERNAME": "焊線-A1"},
            {"LOTID": "3", "WORKCENTERNAME": "切割-A1"},
        ]
    )
    out = build_wip(lots, mapping, RULES, NOW).table.to_pydict()
    assert out["WORKCENTER_GROUP"] == ["焊線", "焊線", "切割"]
    assert out["WORKCENTER_GROUP_SEQ"] == [150, 150, 90]


def test_quantities_round_half_to_even_and_anomalies_are_counted() -> None:
    qty = [0.5, 1.5, 2.5, 7.0, 3_000_000_000.0, -3e12, None]
    result = built([{"LOTID": f"L{i}", "QTY": q} for i, q in enumerate(qty)])
    assert result.table.column("QTY").to_pylist() == [0, 2, 2, 7, None, None, None]
    assert result.anomalies == {"quantity_rounded": 3, "quantity_out_of_range": 2}
