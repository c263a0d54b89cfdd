"""The live simulator: atomic, consistent, reproducible ticks and one simulator per database."""

from __future__ import annotations

import itertools
import logging
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mes_dashboard.config import Settings
from mes_dashboard.sources.demo import schema
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.simulator import Simulator, start_simulator
from mes_dashboard.sources.demo.simulator_steps import inconsistencies
from mes_dashboard.sources.demo.source import DemoSource

NOW = datetime(2026, 11, 28, 8, 0, 0)
SEED = 5


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.sqlite"
    generate(path, lots=1500, machines=200, seed=SEED, history_days=1, now=NOW)
    return path


@pytest.fixture()
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(template, path)
    return path


@pytest.fixture()
def stoppers() -> Iterator[list[Simulator]]:
    started: list[Simulator] = []
    yield started
    for simulator in started:
        simulator.stop()


def later(seconds: int) -> datetime:
    return NOW + timedelta(seconds=seconds)


def stepping_clock() -> Callable[[], datetime]:
    ticks = itertools.count(1)
    return lambda: later(5 * next(ticks))


def read(db: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(db)) as c:
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in schema.TABLES}


def machine_states(db: Path) -> dict[object, object]:
    return dict(
        read(db, f"SELECT RESOURCEID, EQUIPMENTASSETSSTATUS FROM {schema.EQUIPMENT_STATUS}")
    )


def test_a_tick_stamps_the_snapshot_and_changes_the_floor(db: Path) -> None:
    before = machine_states(db)
    Simulator(db, SEED).tick(later(5))
    assert read(db, f"SELECT DISTINCT SYS_DATE FROM {schema.LOT}") == [("2026-11-28 08:00:05",)]
    assert machine_states(db) != before
    moved = f"SELECT COUNT(*) FROM {schema.LOT} WHERE MOVEINTIMESTAMP = '2026-11-28 08:00:05'"
    assert read(db, moved)[0][0] > 0  # type: ignore[operator]
    source = DemoSource.from_settings(Settings(demo_db=str(db)))
    assert source.watermark("lot") == later(5)


def test_ticks_keep_wip_and_equipment_consistent(db: Path) -> None:
    simulator = Simulator(db, SEED)
    with closing(sqlite3.connect(db)) as conn:
        for k in range(1, 41):
            simulator.tick(later(5 * k))
            assert inconsistencies(conn) == [], k
    events = {
        "held": f"SELECT COUNT(*) FROM {schema.LOT} WHERE CURRENTHOLDTIME > '2026-11-28 08:00:00'",
        "tracked in": f"SELECT COUNT(*) FROM {schema.EQUIPMENT_STATUS} "
        "WHERE LOTTRACKINTIME > '2026-11-28 08:00:00'",
        "master": f"SELECT COUNT(*) FROM {schema.RESOURCE} "
        "WHERE LASTCHANGEDATE > '2026-11-28 08:00:00'",
    }
    for name, sql in events.items():
        assert read(db, sql)[0][0] > 0, name  # type: ignore[operator]
    codes = {
        row[0] for row in read(db, f"SELECT EQUIPMENTASSETSSTATUS FROM {schema.EQUIPMENT_STATUS}")
    }
    assert {"PRD", "SBY"} <= codes
    held = read(db, f"SELECT COUNT(*) FROM {schema.LOT} WHERE STATUS = 'HOLD'")[0][0]
    assert 0 < held < 0.1 * 1500  # type: ignore[operator]


def test_released_lots_lose_their_hold_data(db: Path) -> None:
    simulator = Simulator(db, SEED)
    held_before = {r[0] for r in read(db, f"SELECT LOTID FROM {schema.LOT} WHERE STATUS = 'HOLD'")}
    for k in range(1, 61):
        simulator.tick(later(5 * k))
    rows = read(
        db, f"SELECT LOTID, CURRENTHOLDCOUNT, HOLDREASONNAME, CURRENTHOLDTIME FROM {schema.LOT}"
    )
    released = [r for r in rows if r[0] in held_before and r[1] == 0]
    assert released and all(r[2] is None and r[3] is None for r in released)


def test_ticks_are_reproducible(template: Path, tmp_path: Path) -> None:
    copies = [tmp_path / "a.sqlite", tmp_path / "b.sqlite"]
    for copy in copies:
        shutil.copyfile(template, copy)
        simulator = Simulator(copy, SEED)
        for k in range(1, 6):
            simulator.tick(later(5 * k))
    assert contents(copies[0]) == contents(copies[1])


def test_only_one_simulator_per_database(db: Path, stoppers: list[Simulator]) -> None:
    first = start_simulator(db, SEED, 3600, clock=stepping_clock())
    assert first is not None
    stoppers.append(first)
    assert start_simulator(db, SEED, 3600, clock=stepping_clock()) is None
    first.stop()
    again = start_simulator(db, SEED, 3600, clock=stepping_clock())
    assert again is not None
    stoppers.append(again)


def test_readers_never_see_half_a_tick(db: Path, stoppers: list[Simulator]) -> None:
    simulator = start_simulator(db, SEED, 0, clock=stepping_clock())
    assert simulator is not None
    stoppers.append(simulator)
    source = DemoSource.from_settings(Settings(demo_db=str(db)))
    stamps = set()
    start_ticks = simulator.ticks
    for _ in range(12):
        lots = source.fetch("lot")
        sys_dates = set(lots.column("SYS_DATE").to_pylist())
        assert len(sys_dates) == 1
        stamps |= sys_dates
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
            conn.execute("BEGIN")  # one read transaction over WIP, status view and master
            assert inconsistencies(conn) == []
            conn.execute("COMMIT")
    assert simulator.ticks > start_ticks
    assert len(stamps) > 1


def test_run_survives_a_failing_tick(db: Path, caplog: pytest.LogCaptureFixture) -> None:
    calls = itertools.count()
    stop = threading.Event()

    def clock() -> datetime:
        n = next(calls)
        if n == 0:
            raise RuntimeError("clock glitch")
        if n >= 2:
            stop.set()
        return later(5 * n)

    with caplog.at_level(logging.ERROR, logger="mes_dashboard.sources.demo.simulator"):
        Simulator(db, SEED, clock).run(stop, 0)
    assert "tick failed" in caplog.text
    assert read(db, f"SELECT DISTINCT SYS_DATE FROM {schema.LOT}") == [("2026-11-28 08:00:10",)]


def test_tick_on_a_missing_database_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Simulator(tmp_path / "missing.sqlite", SEED).tick(NOW)
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_tick_after_a_shift_ended_appends_that_shift(db: Path) -> None:
    table = schema.RESOURCE_HISTORY
    before = read(db, f"SELECT MAX(DATADATE), COUNT(*) FROM {table}")[0]
    assert before[0] == "2026-11-28 07:30:00"
    simulator = Simulator(db, SEED)
    simulator.tick(NOW + timedelta(hours=1))  # 09:00: the day shift is still running
    assert read(db, f"SELECT MAX(DATADATE), COUNT(*) FROM {table}")[0] == before
    simulator.tick(NOW + timedelta(hours=12))  # 20:00: the day shift 07:30-19:30 has ended
    shift = read(
        db,
        f"SELECT TXNDATE, HISTORYID, SUM(HOURS) FROM {table} "
        "WHERE DATADATE = '2026-11-28 19:30:00' GROUP BY TXNDATE, HISTORYID",
    )
    machines = read(db, f"SELECT DISTINCT HISTORYID FROM {table} WHERE DATADATE = '{before[0]}'")
    assert {rid for _, rid, _ in shift} == {rid for (rid,) in machines}
    assert {(txn, hours) for txn, _, hours in shift} == {("2026-11-28 00:00:00", 12.0)}
    simulator.tick(NOW + timedelta(hours=12, seconds=5))
    assert read(db, f"SELECT COUNT(*) FROM {table} WHERE DATADATE > '2026-11-28 19:30:00'") == [
        (0,)
    ]
