"""The go-live source check on the demo database: clean, and with each problem planted in a copy."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import oracledb
import pytest

from mes_dashboard.config import Settings
from mes_dashboard.source_check.kinds import compatible, fetch_kind
from mes_dashboard.source_check.report import blocking_problems, full_report, object_names
from mes_dashboard.source_check.start import check_at_start
from mes_dashboard.sources.base import OBJECTS
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource
from mes_dashboard.sources.oracle import declared_type
from testkit.app_server import GunicornServer

NAMES = object_names({obj: getattr(Settings(), attr) for obj, attr in OBJECTS.items()})
LOT = "DW_MES_LOT_V"
SECTIONS = (
    "Required columns",
    "Row counts",
    "Mapping conflicts (groups with several sequences)",
    "Workcenters with lots but no mapping",
    "Lots whose WORKCENTER_GROUP differs from the mapped group",
    "Machines whose status rows disagree",
    "History rows per day (last 7 days)",
    "Blocking problems",
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("check") / "demo.sqlite"
    generate(db, lots=600, machines=80, seed=5, history_days=2)
    return db


def planted(demo_db: Path, tmp_path: Path, plant: Callable[[sqlite3.Connection], None]) -> Path:
    """A copy of the demo database with `plant` applied."""
    copy = tmp_path / "planted.sqlite"
    shutil.copy(demo_db, copy)
    with sqlite3.connect(copy) as conn:
        plant(conn)
    conn.close()
    return copy


def report_text(db: Path) -> tuple[str, list[str]]:
    source = DemoSource(db, {obj: getattr(Settings(), attr) for obj, attr in OBJECTS.items()})
    report = full_report(source, NAMES, date(2026, 12, 1))
    return report.text(), report.blocking


def section(text: str, title: str) -> str:
    """The lines of one section of a report."""
    return text.split(f"== {title}\n", 1)[1].split("\n==", 1)[0]


def drop_column(table: str, column: str) -> Callable[[sqlite3.Connection], None]:
    def plant(conn: sqlite3.Connection) -> None:
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        keep = [(row[1], row[2]) for row in info if row[1] != column]
        body = ", ".join(f"{n} {t}" for n, t in keep)
        names = ", ".join(n for n, _ in keep)
        conn.execute(f"CREATE TABLE NEW_{table} ({body})")
        conn.execute(f"INSERT INTO NEW_{table} SELECT {names} FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE NEW_{table} RENAME TO {table}")

    return plant


def test_the_demo_is_clean_and_the_report_lists_every_section(demo_db: Path) -> None:
    text, blocking = report_text(demo_db)
    assert blocking == []
    assert [line[3:] for line in text.splitlines() if line.startswith("== ")] == list(SECTIONS)
    assert f"DWH.{LOT}: 41/41 required ok" in text
    assert "DWH.DW_MES_LOT_V: 600 rows" in text
    assert section(text, "Blocking problems").strip() == "none"


def test_a_dropped_required_column_blocks(demo_db: Path, tmp_path: Path) -> None:
    db = planted(demo_db, tmp_path, drop_column(LOT, "CURRENTHOLDTIME"))
    text, blocking = report_text(db)
    assert blocking == [f"DWH.{LOT}.CURRENTHOLDTIME: required column missing"]
    assert f"DWH.{LOT}: 40/41 required ok" in text


def test_an_incompatible_type_blocks(demo_db: Path, tmp_path: Path) -> None:
    def text_hold_time(conn: sqlite3.Connection) -> None:
        drop_column(LOT, "CURRENTHOLDTIME")(conn)
        conn.execute(f"ALTER TABLE {LOT} ADD COLUMN CURRENTHOLDTIME VARCHAR2(40)")

    _, blocking = report_text(planted(demo_db, tmp_path, text_hold_time))
    assert blocking == [
        f"DWH.{LOT}.CURRENTHOLDTIME: VARCHAR2(40) fetches as str, the contract needs timestamp"
    ]


def test_a_text_release_time_is_accepted(demo_db: Path, tmp_path: Path) -> None:
    def text_release_time(conn: sqlite3.Connection) -> None:
        drop_column(LOT, "RELEASETIME")(conn)
        conn.execute(f"ALTER TABLE {LOT} ADD COLUMN RELEASETIME VARCHAR2(4000)")

    _, blocking = report_text(planted(demo_db, tmp_path, text_release_time))
    assert blocking == []


def test_an_empty_lot_view_blocks(demo_db: Path, tmp_path: Path) -> None:
    db = planted(demo_db, tmp_path, lambda c: c.execute(f"DELETE FROM {LOT}"))
    text, blocking = report_text(db)
    assert blocking == [f"DWH.{LOT}: no rows (a refresh in progress, or the wrong object)"]
    assert f"DWH.{LOT}: 0 rows" in section(text, "Row counts")


def test_a_mapping_conflict_is_named(demo_db: Path, tmp_path: Path) -> None:
    def conflict(conn: sqlite3.Connection) -> None:
        group, seq = conn.execute(
            "SELECT WORK_CENTER_GROUP, WORKCENTERSEQUENCE_GROUP FROM DW_MES_SPEC_WORKCENTER_V"
        ).fetchone()
        conn.execute(
            "INSERT INTO DW_MES_SPEC_WORKCENTER_V (WORK_CENTER, WORK_CENTER_GROUP, "
            "WORKCENTERSEQUENCE_GROUP) VALUES ('X-extra', ?, ?)",
            (group, str(int(seq) + 500)),
        )

    text, blocking = report_text(planted(demo_db, tmp_path, conflict))
    lines = section(text, SECTIONS[2]).strip().splitlines()
    assert len(lines) == 1 and "," in lines[0]
    assert blocking == []


def test_a_workcenter_without_mapping_is_named(demo_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        (workcenter,) = conn.execute(
            f"SELECT WORKCENTERNAME FROM {LOT} WHERE WORKCENTERNAME IN "
            "(SELECT WORK_CENTER FROM DW_MES_SPEC_WORKCENTER_V) LIMIT 1"
        ).fetchone()
    conn.close()
    assert f"{workcenter}:" not in section(report_text(demo_db)[0], SECTIONS[3])
    db = planted(
        demo_db,
        tmp_path,
        lambda c: c.execute(
            "DELETE FROM DW_MES_SPEC_WORKCENTER_V WHERE WORK_CENTER = ?", (workcenter,)
        ),
    )
    assert f"{workcenter}:" in section(report_text(db)[0], SECTIONS[3])


def test_a_lot_with_another_group_is_named(demo_db: Path, tmp_path: Path) -> None:
    def regroup(conn: sqlite3.Connection) -> None:
        conn.execute(
            f"UPDATE {LOT} SET WORKCENTER_GROUP = 'ELSEWHERE' WHERE rowid = (SELECT MIN(rowid) "
            f"FROM {LOT} WHERE WORKCENTERNAME IN (SELECT WORK_CENTER FROM "
            "DW_MES_SPEC_WORKCENTER_V))"
        )

    text, _ = report_text(planted(demo_db, tmp_path, regroup))
    assert "1 lots say ELSEWHERE, the mapping says" in section(text, SECTIONS[4])


def test_a_disagreeing_machine_is_named(demo_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        (rid,) = conn.execute("SELECT RESOURCEID FROM DW_MES_EQUIPMENTSTATUS_WIP_V").fetchone()
    conn.close()

    def disagree(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO DW_MES_EQUIPMENTSTATUS_WIP_V (RESOURCEID, EQUIPMENTASSETSSTATUS) "
            "VALUES (?, 'NOT-THE-SAME')",
            (rid,),
        )

    text, blocking = report_text(planted(demo_db, tmp_path, disagree))
    assert f"{rid.strip()}: status" in section(text, SECTIONS[5])
    assert blocking == []


def test_the_start_check_refuses_with_the_missing_column(demo_db: Path, tmp_path: Path) -> None:
    db = planted(demo_db, tmp_path, drop_column(LOT, "CURRENTHOLDTIME"))
    settings = Settings(env="test", demo_db=str(db))
    with pytest.raises(SystemExit, match=r"DWH\.DW_MES_LOT_V\.CURRENTHOLDTIME: required column"):
        check_at_start(settings)
    check_at_start(Settings(env="test", demo_db=str(demo_db)))
    source = DemoSource(demo_db, {obj: getattr(settings, a) for obj, a in OBJECTS.items()})
    assert blocking_problems(source, NAMES) == []


def run_command(db: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("mes-dashboard")
    env = dict(os.environ) | {"MES_ENV": "test", "MES_DEMO_DB": str(db)}
    return subprocess.run(
        [str(command), "check-source"], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_console_command_reports_and_exits_non_zero_on_a_blocking_problem(
    demo_db: Path, tmp_path: Path
) -> None:
    clean = run_command(demo_db)
    assert clean.returncode == 0, clean.stderr
    assert "== Blocking problems\n  none" in clean.stdout
    broken = run_command(planted(demo_db, tmp_path, lambda c: c.execute(f"DELETE FROM {LOT}")))
    assert broken.returncode == 1
    assert f"DWH.{LOT}: no rows" in section(broken.stdout, "Blocking problems")


def test_gunicorn_refuses_to_start_naming_the_column(demo_db: Path, tmp_path: Path) -> None:
    db = planted(demo_db, tmp_path, drop_column(LOT, "CURRENTHOLDTIME"))
    server = GunicornServer({"MES_ENV": "test", "MES_DEMO_DB": str(db), "MES_WORKERS": "1"})
    with pytest.raises(RuntimeError, match=r"CURRENTHOLDTIME: required column missing"):
        server.start(timeout=60)


@pytest.mark.parametrize(
    ("info", "declared", "kind"),
    [
        (("QTY", oracledb.DB_TYPE_NUMBER, 127, None, 0, -127, True), "NUMBER", "float"),
        (("N", oracledb.DB_TYPE_NUMBER, 11, None, 10, 0, True), "NUMBER(10,0)", "int"),
        (("H", oracledb.DB_TYPE_NUMBER, 14, None, 12, 6, True), "NUMBER(12,6)", "float"),
        (("D", oracledb.DB_TYPE_DATE, 23, None, None, None, True), "DATE", "timestamp"),
        (("T", oracledb.DB_TYPE_TIMESTAMP, 23, None, 0, 6, True), "TIMESTAMP", "timestamp"),
        (("C", oracledb.DB_TYPE_CHAR, 16, 16, None, None, True), "CHAR(16)", "str"),
        (("V", oracledb.DB_TYPE_VARCHAR, 4000, 4000, None, None, True), "VARCHAR2(4000)", "str"),
        (("B", oracledb.DB_TYPE_BLOB, None, None, None, None, True), "BLOB", None),
    ],
)
def test_driver_types_map_to_fetch_kinds(
    info: tuple[object, ...], declared: str, kind: str
) -> None:
    assert declared_type(info) == declared
    assert fetch_kind(declared) == kind


def test_contract_types_accept_the_kinds_the_builder_conforms() -> None:
    assert compatible("NUMBER", "int32") and compatible("NUMBER(10,0)", "int32")
    assert compatible("NUMBER", "bool") and compatible("INTEGER", "float64")
    assert compatible("CHAR(16)", "utf8") and compatible("DATE", "timestamp")
    assert not compatible("VARCHAR2(4000)", "timestamp")
    assert not compatible("DATE", "utf8") and not compatible("BLOB", "utf8")
    assert [fetch_kind(t) for t in ("TEXT", "INTEGER", "REAL", "DATE")] == [
        "str", "int", "float", "timestamp",
    ]  # fmt: skip
