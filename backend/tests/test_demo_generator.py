"""The demo database generator: tables, value shapes, determinism, atomic replace, CLI."""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mes_dashboard.config import EXCLUDED_LOCATIONS, NON_QUALITY_HOLD_REASONS, Settings
from mes_dashboard.sources.demo import schema
from mes_dashboard.sources.demo.generator import ensure_demo_db, generate, main
from mes_dashboard.sources.demo.simulator_steps import inconsistencies

NOW = datetime(2026, 11, 28, 8, 0, 0)
LOTS, MACHINES, DAYS = 2000, 300, 7
# domain.md, "WIP lot columns that the product uses" and "Equipment columns that the product uses"
WIP_COLUMNS = re.findall(
    r"\w+",
    """LOTID WORKORDER QTY QTY2 STATUS CURRENTHOLDCOUNT HOLDREASONNAME CURRENTHOLDTIME HOLDEMP
    DEPTNAME COMMENT_HOLD EVENTNAME RELEASETIME EQUIPMENTCOUNT EQUIPMENTS EQUIPMENTNAME
    WORKCENTERNAME WORKCENTER_GROUP WORKCENTERSEQUENCE_GROUP WORKCENTER_SHORT SPECNAME SPECSEQUENCE
    LOCATIONNAME PACKAGE_LEF PRODUCTLINENAME PJ_TYPE PJ_FUNCTION BOP PRODUCT WORKFLOWNAME DATECODE
    WAFERLOT LEADFRAMENAME STARTDATE MOVEINTIMESTAMP AGEBYDAYS UTS SYS_DATE OWNER PRIORITYCODENAME
    CONTAINERCOMMENTS""",
)
MASTER_COLUMNS = re.findall(
    r"\w+",
    """RESOURCEID RESOURCENAME WORKCENTERNAME RESOURCEFAMILYNAME LOCATIONNAME PJ_DEPARTMENT
    VENDORNAME VENDORMODEL PJ_ASSETSSTATUS PJ_ISPRODUCTION PJ_ISKEY PJ_ISMONITOR OBJECTCATEGORY
    OBJECTTYPE LASTCHANGEDATE""",
)
STATUS_COLUMNS = re.findall(
    r"\w+",
    """RESOURCEID EQUIPMENTASSETSSTATUS EQUIPMENTASSETSSTATUSREASON JOBORDER JOBMODEL JOBSTAGE
    JOBID JOBSTATUS CREATEDATE CREATEUSERNAME TECHNICIANUSERNAME SYMPTOMCODE CAUSECODE REPAIRCODE
    RUNCARDLOTID LOTTRACKINQTY_PCS LOTTRACKINTIME LOTTRACKINEMPLOYEE""",
)
EXCLUDED_SQL = ", ".join(f"'{x}'" for x in EXCLUDED_LOCATIONS)
PRODUCTION_FILTER = f"""
    (OBJECTCATEGORY, OBJECTTYPE) IN (VALUES ('ASSEMBLY', 'ASSEMBLY'), ('WAFERSORT', 'WAFERSORT'))
    AND WORKCENTERNAME IS NOT NULL
    AND (LOCATIONNAME IS NULL OR LOCATIONNAME NOT IN ({EXCLUDED_SQL}))
    AND (PJ_ASSETSSTATUS IS NULL OR PJ_ASSETSSTATUS <> 'Disapproved')"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate(path, lots=LOTS, machines=MACHINES, seed=7, history_days=DAYS, now=NOW)
    return path


@pytest.fixture()
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    yield connection
    connection.close()


def q(conn: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.execute(sql).fetchall()


def one(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as c:
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in schema.TABLES}


def test_tables_mirror_the_oracle_objects_with_declared_types(conn: sqlite3.Connection) -> None:
    declared = {
        t: {row[1]: row[2] for row in q(conn, f"PRAGMA table_info({t})")} for t in schema.TABLES
    }
    assert set(WIP_COLUMNS) <= set(declared[schema.LOT])
    assert set(MASTER_COLUMNS) <= set(declared[schema.RESOURCE])
    assert set(STATUS_COLUMNS) <= set(declared[schema.EQUIPMENT_STATUS])
    assert list(declared[schema.SPEC_WORKCENTER]) == [
        "SPEC", "SPECSEQUENCE", "SPEC_ORDER", "WORK_CENTER", "WORK_CENTER_SEQUENCE",
        "WORK_CENTER_GROUP", "WORKCENTERSEQUENCE_GROUP", "WORKCENTERGROUP_ORDER",
        "WORK_CENTER_SHORT",
    ]  # fmt: skip
    assert declared[schema.RESOURCE_HISTORY] == {
        "HISTORYID": "CHAR(16)", "TXNDATE": "DATE", "DATADATE": "DATE",
        "OLDSTATUSNAME": "VARCHAR2(40)", "HOURS": "NUMBER(12,6)",
    }  # fmt: skip
    lot = declared[schema.LOT]
    assert (lot["QTY"], lot["AGEBYDAYS"], lot["SYS_DATE"], lot["SPECSEQUENCE"]) == (
        "NUMBER", "NUMBER", "DATE", "VARCHAR2(10)"
    )  # fmt: skip
    assert (lot["CURRENTHOLDCOUNT"], lot["RELEASETIME"], lot["CONTAINERID"]) == (
        "NUMBER(10)", "VARCHAR2(4000)", "CHAR(16)"
    )  # fmt: skip
    kinds = {d.split("(")[0] for table in declared.values() for d in table.values()}
    assert kinds == {"VARCHAR2", "CHAR", "NUMBER", "DATE"}
    assert one(conn, f"SELECT COUNT(*) FROM {schema.LOT}") == LOTS
    assert one(conn, "PRAGMA journal_mode") == "wal"


def test_dates_are_plant_local_text_to_the_second(conn: sqlite3.Connection) -> None:
    shape = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    for column in ("STARTDATE", "MOVEINTIMESTAMP", "CURRENTHOLDTIME", "SYS_DATE"):
        values = [r[0] for r in q(conn, f"SELECT DISTINCT {column} FROM {schema.LOT}")]
        assert all(shape.match(str(x)) for x in values if x is not None), column
    # RELEASETIME is VARCHAR2 text in the warehouse's own form, now and then a note
    release = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$")
    values = [r[0] for r in q(conn, f"SELECT RELEASETIME FROM {schema.LOT} WHERE STATUS = 'HOLD'")]
    assert None in values
    texts = [str(x) for x in values if x is not None]
    assert any(release.match(x) for x in texts) and not all(release.match(x) for x in texts)
    assert q(conn, f"SELECT DISTINCT SYS_DATE FROM {schema.LOT}") == [("2026-11-28 08:00:00",)]
    assert one(conn, f"SELECT MAX(MOVEINTIMESTAMP) <= SYS_DATE FROM {schema.LOT}") == 1
    assert one(conn, f"SELECT COUNT(*) FROM {schema.LOT} WHERE STARTDATE > MOVEINTIMESTAMP") == 0
    held_after_start = f"SELECT MIN(CURRENTHOLDTIME >= STARTDATE) FROM {schema.LOT}"
    assert one(conn, held_after_start + " WHERE CURRENTHOLDTIME IS NOT NULL") == 1


def test_same_seed_and_now_give_identical_contents(db: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again.sqlite", tmp_path / "other.sqlite"
    generate(again, lots=LOTS, machines=MACHINES, seed=7, history_days=DAYS, now=NOW)
    generate(other, lots=LOTS, machines=MACHINES, seed=8, history_days=DAYS, now=NOW)
    first, second, third = contents(db), contents(again), contents(other)
    assert first == second
    for table in (schema.LOT, schema.RESOURCE, schema.EQUIPMENT_STATUS, schema.RESOURCE_HISTORY):
        assert first[table] != third[table], table


def test_generate_replaces_atomically_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "demo.sqlite"
    generate(path, lots=50, machines=20, history_days=1, now=NOW)
    Path(f"{path}-wal").write_bytes(b"stale wal of an older database")
    generate(path, lots=80, machines=20, history_days=1, now=NOW)
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.sqlite"]
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    with closing(sqlite3.connect(path)) as c:
        assert c.execute(f"SELECT COUNT(*) FROM {schema.LOT}").fetchone() == (80,)


def test_a_failed_generation_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    generate(path, lots=50, machines=20, history_days=1, now=NOW)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        generate(path, lots=-1)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["demo.sqlite"]


def test_lot_and_work_order_shapes(conn: sqlite3.Connection) -> None:
    rows = q(conn, f"SELECT LOTID, WORKORDER FROM {schema.LOT}")
    normal = [(lot, wo) for lot, wo in rows if wo is not None and "UMMY" not in str(lot).upper()]
    assert all(re.fullmatch(r"G[A-Z]\d{8}-A\d{2}-\d{3}", str(lot)) for lot, _ in normal)
    assert all(str(lot).startswith(f"{wo}-") for lot, wo in rows if wo is not None)
    assert max(Counter(wo for _, wo in normal).values()) >= 5
    assert len({lot for lot, _ in rows}) == len(rows)
    raw = [lot for lot, wo in rows if wo is None]
    assert 0 < len(raw) < 0.03 * LOTS
    dummies = {m.group() for lot, _ in rows if (m := re.search("dummy", str(lot), re.I))}
    assert dummies == {"DUMMY", "dummy", "Dummy"}


def test_status_and_hold_shapes(conn: sqlite3.Connection) -> None:
    counts = dict(q(conn, f"SELECT STATUS, COUNT(*) FROM {schema.LOT} GROUP BY STATUS"))
    assert set(counts) == {"ACTIVE", "HOLD"}
    assert 0.975 < counts["ACTIVE"] / LOTS < 0.995
    held = f"SELECT COUNT(*) FROM {schema.LOT} WHERE"
    assert one(conn, f"{held} STATUS = 'HOLD' AND NOT CURRENTHOLDCOUNT > 0") == 0
    assert one(conn, f"{held} STATUS = 'ACTIVE' AND CURRENTHOLDCOUNT <> 0") == 0
    assert one(conn, f"{held} STATUS = 'HOLD' AND CURRENTHOLDTIME IS NULL") == 0
    active_with_hold_data = (
        "STATUS = 'ACTIVE' AND (HOLDREASONNAME IS NOT NULL OR CURRENTHOLDTIME IS NOT NULL)"
    )
    assert one(conn, f"{held} {active_with_hold_data}") == 0
    reasons = [
        r[0] for r in q(conn, f"SELECT HOLDREASONNAME FROM {schema.LOT} WHERE STATUS = 'HOLD'")
    ]
    assert None in reasons
    assert any(r in NON_QUALITY_HOLD_REASONS for r in reasons)
    assert any(r is not None and r not in NON_QUALITY_HOLD_REASONS for r in reasons)
    assert one(conn, f"{held} STATUS = 'HOLD' AND EQUIPMENTCOUNT > 0") >= 1
    hours = [
        (NOW - datetime.fromisoformat(str(t))).total_seconds() / 3600
        for (t,) in q(conn, f"SELECT CURRENTHOLDTIME FROM {schema.LOT} WHERE STATUS = 'HOLD'")
    ]
    buckets = Counter(sum(h >= edge for edge in (24, 72, 168)) for h in hours)
    assert set(buckets) == {0, 1, 2, 3}


def test_equipment_on_lots_matches_the_status_view(conn: sqlite3.Connection) -> None:
    assert inconsistencies(conn) == []
    tmtt = (
        f"SELECT COUNT(*) FROM {schema.LOT} WHERE EQUIPMENTNAME IS NOT NULL AND EQUIPMENTCOUNT = 0"
    )
    assert one(conn, tmtt) > 0
    assert one(conn, f"SELECT MAX(EQUIPMENTCOUNT) FROM {schema.LOT}") == 2
    running = one(conn, f"SELECT COUNT(*) FROM {schema.LOT} WHERE EQUIPMENTCOUNT > 0")
    assert 0.05 * LOTS < running < 0.4 * LOTS
    same_wc = f"""SELECT COUNT(*) FROM {schema.EQUIPMENT_STATUS} s
        JOIN {schema.RESOURCE} r ON r.RESOURCEID = s.RESOURCEID
        JOIN {schema.LOT} l ON l.LOTID = s.RUNCARDLOTID
        WHERE r.WORKCENTERNAME <> l.WORKCENTERNAME"""
    assert one(conn, same_wc) == 0


def test_sequences_are_numeric_strings_whose_text_order_differs(conn: sqlite3.Connection) -> None:
    groups = [
        r[0]
        for r in q(conn, f"SELECT DISTINCT WORKCENTERSEQUENCE_GROUP FROM {schema.SPEC_WORKCENTER}")
    ]
    assert {"090", "300", "1200"} <= set(groups)
    assert sorted(groups) != sorted(groups, key=int)
    specs = [
        str(r[0])
        for r in q(
            conn, f"SELECT DISTINCT SPECSEQUENCE FROM {schema.LOT} WHERE WORKCENTER_GROUP = '切割'"
        )
    ]
    assert all(s.isdigit() for s in specs)
    assert sorted(specs) != sorted(specs, key=int)  # within one group, e.g. '950' < '1000'


def test_mapping_view_and_unmapped_workcenters(conn: sqlite3.Connection) -> None:
    # one row per (spec, workcenter): a workcenter repeats, once per spec of its group
    assert 480 <= one(conn, f"SELECT COUNT(*) FROM {schema.SPEC_WORKCENTER}") <= 520
    repeated = f"""SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM {schema.SPEC_WORKCENTER}
        GROUP BY WORK_CENTER)"""
    assert one(conn, repeated) > 1
    split = f"""SELECT WORK_CENTER_GROUP FROM {schema.SPEC_WORKCENTER} GROUP BY WORK_CENTER_GROUP
        HAVING COUNT(DISTINCT WORKCENTERSEQUENCE_GROUP) > 1"""
    assert q(conn, split) == [("焊線",)]
    assert (
        15
        <= one(conn, f"SELECT COUNT(DISTINCT WORK_CENTER_GROUP) FROM {schema.SPEC_WORKCENTER}")
        <= 20
    )
    unmapped = f"""SELECT COUNT(*), COUNT(WORKCENTER_GROUP) FROM {schema.LOT}
        WHERE WORKCENTERNAME NOT IN (SELECT WORK_CENTER FROM {schema.SPEC_WORKCENTER})"""
    lots, with_group = conn.execute(unmapped).fetchone()
    assert lots > 0 and with_group == 0
    names = [r[0] for r in q(conn, f"SELECT WORK_CENTER FROM {schema.SPEC_WORKCENTER}")]
    assert all(re.search(r"[\u4e00-\u9fff]", str(n)) or str(n).startswith("TMTT") for n in names)


def test_product_quantity_and_text_shapes(conn: sqlite3.Connection) -> None:
    packages = q(conn, f"SELECT PACKAGE_LEF, SUM(QTY) FROM {schema.LOT} GROUP BY 1 ORDER BY 2 DESC")
    assert None in {p for p, _ in packages}
    named = [(p, s) for p, s in packages if p is not None]
    assert len(named) >= 30
    assert {"SOD-123FL OP1", "SMA", "SOT-23"} <= {p for p, _ in named}
    assert named[0][1] > 10 * named[len(named) // 2][1]
    low, high = conn.execute(f"SELECT MIN(QTY), MAX(QTY) FROM {schema.LOT}").fetchone()
    assert low >= 1 and high <= 3_000_000 and high > 200_000
    ages = [r[0] for r in q(conn, f"SELECT AGEBYDAYS FROM {schema.LOT}")]
    assert any(a != int(a) for a in ages)
    assert all(
        re.fullmatch(r"\d{4}/\d{2}/\d{2}", str(r[0]))
        for r in q(conn, f"SELECT UTS FROM {schema.LOT}")
    )
    priorities = {r[0] for r in q(conn, f"SELECT DISTINCT PRIORITYCODENAME FROM {schema.LOT}")}
    assert priorities == {"1.超特急", "2.特急", "3.急件", "4.一般"}
    comments = {r[0] for r in q(conn, f"SELECT DISTINCT CONTAINERCOMMENTS FROM {schema.LOT}")}
    assert "<img src=x onerror=alert(1)>" in comments and None in comments
    assert any("🚀" in str(c) for c in comments)
    for column in ("LOCATIONNAME", "EQUIPMENTNAME", "WAFERLOT", "QTY2"):
        assert one(conn, f"SELECT COUNT(*) - COUNT({column}) FROM {schema.LOT}") > 0, column


def test_master_has_production_machines_and_many_rows_the_filter_drops(
    conn: sqlite3.Connection,
) -> None:
    total = one(conn, f"SELECT COUNT(*) FROM {schema.RESOURCE}")
    kept = one(conn, f"SELECT COUNT(*) FROM {schema.RESOURCE} WHERE {PRODUCTION_FILTER}")
    assert kept == MACHINES
    assert total == 31 * MACHINES  # about 30 carriers and tools per machine, as the real master
    ids = [str(r[0]) for r in q(conn, f"SELECT RESOURCEID FROM {schema.RESOURCE}")]
    assert all(len(i) == 16 and i != i.rstrip() for i in ids)
    assert len({i.strip() for i in ids}) == len(ids)
    locations = {r[0] for r in q(conn, f"SELECT DISTINCT LOCATIONNAME FROM {schema.RESOURCE}")}
    assert set(EXCLUDED_LOCATIONS) & locations and None in locations
    dropped = f"SELECT COUNT(*) FROM {schema.RESOURCE} WHERE"
    assert one(conn, f"{dropped} WORKCENTERNAME IS NULL") > 0
    assert one(conn, f"{dropped} PJ_ASSETSSTATUS = 'Disapproved'") > 0
    assert one(conn, f"{dropped} OBJECTCATEGORY IN ('CARRIER', 'TOOL')") > MACHINES
    for flag in ("PJ_ISPRODUCTION", "PJ_ISKEY", "PJ_ISMONITOR"):
        assert {r[0] for r in q(conn, f"SELECT DISTINCT {flag} FROM {schema.RESOURCE}")} == {
            0,
            1,
            None,
        }


def test_status_view_shapes(conn: sqlite3.Connection) -> None:
    columns = "RESOURCEID, EQUIPMENTASSETSSTATUS, JOBID, RUNCARDLOTID"
    rows = q(conn, f"SELECT {columns} FROM {schema.EQUIPMENT_STATUS}")
    assert all(len(str(r[0])) == 16 for r in rows)
    assert all(len(str(r[2])) == 16 and str(r[2]).endswith(" ") for r in rows if r[2] is not None)
    codes = {r[1] for r in rows}
    assert {"PRD", "SBY", "UDT", "SDT", "EGT", "NST", "PM", "BKD", "ENG", "OFF"} <= codes
    assert {"WAIT", "XYZ", None} <= codes
    per_machine = Counter(r[0] for r in rows)
    assert max(per_machine.values()) >= 2
    idle = {r[0] for r in rows if r[3] is None}
    assert idle and all(per_machine[m] == 1 for m in idle)
    production = {
        str(r[0])
        for r in q(conn, f"SELECT RESOURCEID FROM {schema.RESOURCE} WHERE {PRODUCTION_FILTER}")
    }
    without_row = production - set(per_machine)
    assert 0 < len(without_row) < 0.05 * MACHINES
    with_job = {r[0] for r in rows if r[2] is not None}
    assert 0.01 * MACHINES < len(with_job) < 0.15 * MACHINES


def test_history_hours_sum_to_twelve_per_machine_shift(conn: sqlite3.Connection) -> None:
    # a shift is identified by its machine and its end (DATADATE); two 12-hour shifts a day
    per_shift = f"FROM {schema.RESOURCE_HISTORY} GROUP BY HISTORYID, DATADATE"
    sums = q(conn, f"SELECT SUM(HOURS) {per_shift}")
    assert len(sums) == MACHINES * DAYS * 2
    assert {s for (s,) in sums} == {12.0}
    days = [
        r[0] for r in q(conn, f"SELECT DISTINCT TXNDATE FROM {schema.RESOURCE_HISTORY} ORDER BY 1")
    ]
    expected = [f"{NOW.date() - timedelta(days=k)} 00:00:00" for k in range(DAYS, 0, -1)]
    assert days == expected
    codes = {r[0] for r in q(conn, f"SELECT DISTINCT OLDSTATUSNAME FROM {schema.RESOURCE_HISTORY}")}
    assert {"PRD", "SBY", "UDT", "PM", "BKD", "ENG", "OFF", "設備-LOST", "載具-IDLE"} <= codes
    parts = Counter(n for (n,) in q(conn, f"SELECT COUNT(*) {per_shift}"))
    assert set(parts) == {1, 2, 3}
    ids = {  # HISTORYID is CHAR(16) = RESOURCEID, both padded
        str(r[0])
        for r in q(conn, f"SELECT RESOURCEID FROM {schema.RESOURCE} WHERE {PRODUCTION_FILTER}")
    }
    history_ids = {
        str(r[0]) for r in q(conn, f"SELECT DISTINCT HISTORYID FROM {schema.RESOURCE_HISTORY}")
    }
    assert {len(h) for h in history_ids} == {16}  # CHAR(16)
    assert history_ids == ids


def test_shifts_run_07_30_to_19_30_and_a_night_belongs_to_the_day_it_started(
    conn: sqlite3.Connection,
) -> None:
    shifts = q(
        conn,
        f"SELECT DISTINCT TXNDATE, DATADATE FROM {schema.RESOURCE_HISTORY} ORDER BY DATADATE",
    )
    first, last = NOW.date() - timedelta(days=DAYS), NOW.date() - timedelta(days=1)
    assert shifts[:2] == [
        (f"{first} 00:00:00", f"{first} 19:30:00"),
        (f"{first} 00:00:00", f"{first + timedelta(days=1)} 07:30:00"),
    ]
    assert shifts[-1] == (f"{last} 00:00:00", f"{NOW.date()} 07:30:00")  # NOW is 08:00
    indexed = conn.execute(f"PRAGMA index_list({schema.RESOURCE_HISTORY})").fetchall()
    columns = {conn.execute(f"PRAGMA index_info({r[1]})").fetchone()[2] for r in indexed}
    assert columns == {"TXNDATE", "DATADATE", "HISTORYID"}


def test_the_history_span_comes_from_the_setting(tmp_path: Path) -> None:
    settings = Settings(demo_db=str(tmp_path / "span.sqlite"), demo_lots=20, demo_machines=10)
    short = replace(settings, demo_history_days=3)
    with closing(sqlite3.connect(ensure_demo_db(short))) as c:
        (days,) = c.execute(
            f"SELECT COUNT(DISTINCT TXNDATE) FROM {schema.RESOURCE_HISTORY}"
        ).fetchone()
    # three whole production days, plus today's first shift once it has ended
    assert days in (3, 4)


def test_empty_database_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    generate(path, lots=0, machines=0, history_days=0, now=NOW)
    with closing(sqlite3.connect(path)) as c:
        assert c.execute(f"SELECT COUNT(*) FROM {schema.LOT}").fetchone() == (0,)


def test_ensure_demo_db_generates_once(tmp_path: Path) -> None:
    settings = Settings(demo_db=str(tmp_path / "d" / "demo.sqlite"), demo_lots=60, demo_machines=15)
    path = ensure_demo_db(settings)
    assert path == Path(settings.demo_db) and path.is_file()
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp - 10**9, stamp - 10**9))
    assert ensure_demo_db(settings) == path
    assert path.stat().st_mtime_ns == stamp - 10**9


def test_ensure_demo_db_regenerates_a_file_of_another_format(tmp_path: Path) -> None:
    settings = Settings(demo_db=str(tmp_path / "demo.sqlite"), demo_lots=40, demo_machines=10)
    path = ensure_demo_db(settings)
    with closing(sqlite3.connect(path)) as c:
        assert c.execute("PRAGMA user_version").fetchone() == (schema.FORMAT_VERSION,)
        c.execute(f"PRAGMA user_version = {schema.FORMAT_VERSION - 1}")
        c.execute(f"DELETE FROM {schema.LOT}")
        c.commit()
    ensure_demo_db(settings)
    with closing(sqlite3.connect(path)) as c:
        assert c.execute(f"SELECT COUNT(*) FROM {schema.LOT}").fetchone() == (40,)
        assert c.execute("PRAGMA user_version").fetchone() == (schema.FORMAT_VERSION,)


def test_cli_writes_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.sqlite"
    args = [
        "--db",
        str(path),
        "--lots",
        "120",
        "--machines",
        "25",
        "--seed",
        "3",
        "--history-days",
        "2",
    ]
    assert main(args) == 0
    with closing(sqlite3.connect(path)) as c:
        assert c.execute(f"SELECT COUNT(*) FROM {schema.LOT}").fetchone() == (120,)
    assert "lots" in capsys.readouterr().err
