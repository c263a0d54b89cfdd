"""Snapshot encoding: IPC read back with the contract schema, variants, versions, row lookups."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from mes_dashboard import contracts
from mes_dashboard.config import EXCLUDED_LOCATIONS, NON_QUALITY_HOLD_REASONS
from mes_dashboard.datasets.wip import build_wip
from mes_dashboard.snapshots.builder import BuildRules
from mes_dashboard.snapshots.encode import ENCODINGS, decompress, negotiate, read_ipc
from mes_dashboard.snapshots.snapshot import content_version, make_snapshot
from raw_tables import lot_table, mapping_table

RULES = BuildRules("Asia/Taipei", NON_QUALITY_HOLD_REASONS, EXCLUDED_LOCATIONS)
NOW = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)
ROWS = [
    {"LOTID": "GA1-001", "QTY": 10.0, "PACKAGE_LEF": "SMA", "CONTAINERCOMMENTS": "<b>x</b>"},
    {"LOTID": "GA1-002", "QTY": 20.0, "PACKAGE_LEF": "SOT-23"},
    {"LOTID": "GA1-003", "QTY": 30.0, "PACKAGE_LEF": "SMA", "CURRENTHOLDCOUNT": 1.0},
]


def snapshot(rows: list[dict[str, object]] = ROWS):  # type: ignore[no-untyped-def]
    return make_snapshot(build_wip(lot_table(rows), mapping_table(), RULES, NOW), NOW)


def test_body_reads_back_with_the_contract_schema_and_metadata() -> None:
    snap = snapshot()
    table = read_ipc(snap.body)
    assert table.schema.remove_metadata().equals(contracts.arrow_schema("wip"))
    meta = {k.decode(): v.decode() for k, v in table.schema.metadata.items()}
    assert meta["version"] == snap.version and meta["dataset"] == "wip"
    assert meta["snapshot_time"] == snap.snapshot_time.isoformat(timespec="milliseconds")
    assert table.num_rows == snap.rows == 3
    assert "CONTAINERCOMMENTS" not in table.column_names  # detail-only column


def test_one_dictionary_per_categorical_column() -> None:
    reader = pa.ipc.open_stream(pa.py_buffer(snapshot().body))
    batches = list(reader)
    assert len(batches) == 1
    pkg = batches[0].column("PACKAGE_LEF")
    assert pa.types.is_dictionary(pkg.type)
    assert sorted(pkg.dictionary.to_pylist()) == ["SMA", "SOT-23"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_variant_decodes_to_the_same_bytes(encoding: str) -> None:
    snap = snapshot()
    assert decompress(snap.variants[encoding], encoding) == snap.body
    assert len(snap.variants[encoding]) < len(snap.body)


def test_version_derives_from_content() -> None:
    a, b = snapshot(), snapshot()
    assert a.version == b.version and a.body == b.body
    assert re.fullmatch(r"[0-9a-f]{16}", a.version)
    changed = snapshot([*ROWS[:2], ROWS[2] | {"QTY": 31.0}])
    assert changed.version != a.version
    detail_only = snapshot([ROWS[0] | {"CONTAINERCOMMENTS": "<b>y</b>"}, *ROWS[1:]])
    assert detail_only.version != a.version  # the row endpoint serves the detail columns too


def test_version_ignores_the_snapshot_and_build_times() -> None:
    built = build_wip(lot_table(ROWS), mapping_table(), RULES, NOW)
    later = replace(built, snapshot_time=built.snapshot_time + timedelta(hours=1))
    a = make_snapshot(built, NOW)
    b = make_snapshot(later, NOW + timedelta(hours=2))
    assert a.version == b.version == content_version(built) == content_version(later)
    assert a.body != b.body  # the metadata keeps each one's snapshot time
    assert (
        read_ipc(b.body)
        .schema.metadata[b"snapshot_time"]
        .decode()
        .startswith(later.snapshot_time.isoformat()[:19])
    )


def test_row_lookup_joins_main_and_detail_columns() -> None:
    snap = snapshot()
    row = snap.row("GA1-001")
    assert row is not None
    assert row["LOTID"] == "GA1-001" and row["QTY"] == 10
    assert row["CONTAINERCOMMENTS"] == "<b>x</b>"
    assert row["SYS_DATE"].startswith("2026-11-28T08:00:00+08:00")
    assert snap.row("GA1-999") is None and snap.row("") is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", "zstd"),
        ("gzip", "gzip"),
        ("zstd;q=0, gzip;q=0.5", "gzip"),
        ("identity", None),
        ("", None),
        ("*", "zstd"),
        ("br", None),
    ],
)
def test_content_encoding_negotiation(header: str, expected: str | None) -> None:
    assert negotiate(header, {"zstd": b"", "gzip": b""}) == expected
