"""DemoSource: the Source protocol over the demo SQLite database."""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from mes_dashboard.config import Settings
from mes_dashboard.sources.base import OBJECTS, Source
from mes_dashboard.sources.demo import schema
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource, production_filter
from mes_dashboard.sources.history_filter import HistoryFilter

NOW = datetime(2026, 11, 28, 8, 0, 0)
LOTS, MACHINES, DAYS = 2000, 300, 5


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate(path, lots=LOTS, machines=MACHINES, seed=11, history_days=DAYS, now=NOW)
    return path


@pytest.fixture()
def source(db: Path) -> DemoSource:
    return DemoSource.from_settings(Settings(demo_db=str(db)))


def sql_count(db: Path, sql: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        (value,) = conn.execute(sql).fetchone()
    return int(value)


def test_implements_the_source_protocol(source: DemoSource) -> None:
    as_protocol: Source = source
    assert as_protocol.name == "demo"
    assert source.tables["lot"] == "DW_MES_LOT_V"


def test_lot_types_follow_the_declared_types(source: DemoSource, db: Path) -> None:
    table = source.fetch("lot")
    assert table.num_rows == LOTS
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["LOTID"] == pa.string()
    # NUMBER without precision arrives as float, NUMBER(10) as int (python-oracledb)
    assert types["QTY"] == pa.float64() and types["CURRENTHOLDCOUNT"] == pa.int64()
    assert types["AGEBYDAYS"] == pa.float64()
    assert types["SPECSEQUENCE"] == pa.string() and types["UTS"] == pa.string()
    assert types["RELEASETIME"] == pa.string()  # VARCHAR2(4000) in the warehouse
    for column in ("SYS_DATE", "STARTDATE", "CURRENTHOLDTIME", "MOVEINTIMESTAMP"):
        assert types[column] == pa.timestamp("ms"), column  # naive: no time zone
    assert set(table.column("SYS_DATE").to_pylist()) == {NOW}
    held = table.filter(pc.equal(table.column("STATUS"), "HOLD"))
    assert held.column("CURRENTHOLDTIME").null_count == 0
    assert table.column("WORKORDER").null_count > 0


def test_values_keep_their_raw_shapes(source: DemoSource) -> None:
    master = source.fetch("resource")
    ids = master.column("RESOURCEID").to_pylist()
    assert all(len(i) == 16 and i.endswith(" ") for i in ids)
    assert master.schema.field("PJ_ISKEY").type == pa.float64()  # NUMBER flag
    assert master.column("PJ_ISKEY").null_count > 0
    status = source.fetch("equipment_status")
    assert status.schema.field("LOTTRACKINTIME").type == pa.timestamp("ms")
    assert status.schema.field("LOTTRACKINQTY_PCS").type == pa.float64()  # NUMBER
    mapping = source.fetch("spec_workcenter")
    sequences = set(mapping.column("WORKCENTERSEQUENCE_GROUP").to_pylist())
    assert {"090", "1200"} <= sequences


def test_every_object_matches_its_table(source: DemoSource, db: Path) -> None:
    for obj in ("lot", "resource", "equipment_status", "spec_workcenter"):
        table = source.fetch(obj)
        expected = sql_count(db, f"SELECT COUNT(*) FROM {schema.TABLE_OF[obj]}")
        if obj == "resource":  # the master fetch keeps the production machines only
            expected = MACHINES
        assert table.num_rows == expected
        assert table.schema.names == [name for name, _ in schema.TABLES[schema.TABLE_OF[obj]]]


def test_watermarks(source: DemoSource, db: Path) -> None:
    assert source.watermark("lot") == NOW
    with closing(sqlite3.connect(db)) as conn:
        (latest,) = conn.execute(f"SELECT MAX(LASTCHANGEDATE) FROM {schema.RESOURCE}").fetchone()
    assert source.watermark("resource") == datetime.fromisoformat(latest)
    assert source.watermark("spec_workcenter") is None
    assert source.watermark("equipment_status") is None


def test_unknown_objects_raise_key_error(source: DemoSource) -> None:
    with pytest.raises(KeyError, match="unknown object 'wafers'"):
        source.fetch("wafers")
    with pytest.raises(KeyError, match="unknown object"):
        source.watermark("wafers")
    with pytest.raises(ValueError, match="fetch_history"):
        source.fetch("resource_history")
    partial = DemoSource(source.path, {"lot": "DWH.DW_MES_LOT_V"})
    with pytest.raises(KeyError, match="no configured name"):
        partial.fetch("resource")


def test_configured_names_use_the_part_after_the_last_dot(db: Path) -> None:
    source = DemoSource(db, {obj: f"SOME.SCHEMA.{schema.TABLE_OF[obj]}" for obj in OBJECTS})
    assert source.fetch("spec_workcenter").num_rows > 200
    with pytest.raises(ValueError, match="not a table name"):
        DemoSource(db, {"lot": 'DWH.LOT"; DROP TABLE x; --'})


def test_history_range_is_inclusive_and_summed_in_sql(source: DemoSource, db: Path) -> None:
    first, last = date(2026, 11, 24), date(2026, 11, 25)
    table = source.fetch_history(HistoryFilter(first, last))
    days = {d.date() for d in table.column("TXNDATE").to_pylist()}
    assert days == {first, last}
    expected = sql_count(
        db,
        "SELECT COUNT(*) FROM (SELECT DISTINCT HISTORYID, TXNDATE, OLDSTATUSNAME "
        f"FROM {schema.RESOURCE_HISTORY} "
        "WHERE TXNDATE IN ('2026-11-24 00:00:00', '2026-11-25 00:00:00'))",
    )
    assert table.num_rows == expected >= MACHINES * 2
    assert pc.sum(table["HOURS"]).as_py() == pytest.approx(
        24.0 * 2 * len(set(table["HISTORYID"].to_pylist()))
    )
    assert table.schema.field("HOURS").type == pa.float64()
    assert table.schema.field("TXNDATE").type == pa.timestamp("ms")
    empty = source.fetch_history(HistoryFilter(date(2020, 1, 1), date(2020, 1, 31)))
    assert empty.num_rows == 0 and empty.schema == table.schema


def test_missing_database_raises_file_not_found_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    source = DemoSource(missing, {"lot": "DWH.DW_MES_LOT_V"})
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        source.fetch("lot")
    with pytest.raises(FileNotFoundError):
        source.watermark("lot")
    assert not missing.exists()  # read-only: a missing file is not created


def test_empty_tables_keep_their_types(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    generate(path, lots=0, machines=0, history_days=0, now=NOW)
    source = DemoSource.from_settings(Settings(demo_db=str(path)))
    table = source.fetch("lot")
    assert table.num_rows == 0
    assert table.schema.field("SYS_DATE").type == pa.timestamp("ms")
    assert source.watermark("lot") is None


def test_concurrent_reads_from_threads(source: DemoSource) -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            results.append(source.fetch("lot").num_rows)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [LOTS] * 4
    source.close()
    assert source.fetch("spec_workcenter").num_rows > 0  # close() leaves nothing broken


def test_master_fetch_filters_production_machines_in_sql_with_binds(db: Path) -> None:
    where, params = production_filter(("ATEC", "報廢"))
    assert "ATEC" not in where and "?" in where and "ATEC" in params
    assert production_filter(())[0].count("?") == 5  # no location list: no NOT IN ()
    everything = DemoSource.from_settings(Settings(demo_db=str(db), excluded_locations=()))
    master = everything.fetch("resource")
    kinds = (master.column(c).to_pylist() for c in ("OBJECTCATEGORY", "OBJECTTYPE"))
    categories = set(zip(*kinds, strict=True))
    assert categories <= {("ASSEMBLY", "ASSEMBLY"), ("WAFERSORT", "WAFERSORT")}
    assert master.num_rows > MACHINES  # the near misses at excluded locations come back
    with closing(sqlite3.connect(db)) as conn:
        plan = conn.execute(f"EXPLAIN QUERY PLAN SELECT * FROM {schema.RESOURCE} {where}", params)
        assert "IX_RESOURCE_OBJECT" in " ".join(str(row) for row in plan.fetchall())


def test_status_rows_of_a_machine_disagree_and_arrive_unordered(source: DemoSource) -> None:
    status = source.fetch("equipment_status").to_pylist()
    by_machine: dict[str, list[dict[str, object]]] = {}
    for row in status:
        by_machine.setdefault(str(row["RESOURCEID"]), []).append(row)
    disagreeing = [
        rows for rows in by_machine.values() if len({r["EQUIPMENTASSETSSTATUS"] for r in rows}) > 1
    ]
    assert disagreeing
    split_jobs = [rows for rows in by_machine.values() if len({r["JOBID"] for r in rows}) > 1]
    assert split_jobs
    ids = [str(r["RESOURCEID"]) for r in status]
    assert ids != sorted(ids)
