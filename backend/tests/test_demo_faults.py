"""The demo's fault switch: empty fetches, missing columns, an unavailable source, delays."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path

import pytest

from mes_dashboard.config import ConfigError, Settings, load_settings
from mes_dashboard.resilience.db_errors import DbError, DbErrorKind
from mes_dashboard.sources.demo.faults import FaultSwitch, parse_faults
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource
from mes_dashboard.sources.history_filter import HistoryFilter

NOW = datetime(2026, 11, 28, 8, 0, 0)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "demo.sqlite"
    generate(path, lots=200, machines=30, seed=3, history_days=1, now=NOW)
    return path


def demo(db: Path, faults: Path) -> DemoSource:
    return DemoSource.from_settings(Settings(demo_db=str(db), demo_faults=str(faults)))


def test_no_file_means_no_faults(db: Path, tmp_path: Path) -> None:
    source = demo(db, tmp_path / "absent.json")
    assert source.fetch("lot").num_rows == 200


def test_empty_objects_return_zero_rows_with_their_columns(db: Path, tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    source = demo(db, faults)
    columns = source.fetch("lot").column_names
    faults.write_text(json.dumps({"empty": ["lot", "resource"]}))
    lot = source.fetch("lot")
    assert (lot.num_rows, lot.column_names) == (0, columns)
    assert source.fetch("resource").num_rows == 0
    assert source.watermark("lot") is None
    assert source.fetch("equipment_status").num_rows > 0
    faults.write_text("{}")  # read on every call
    assert source.fetch("lot").num_rows == 200


def test_missing_columns_are_dropped(db: Path, tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"missing_columns": {"lot": ["CURRENTHOLDTIME"]}}))
    assert "CURRENTHOLDTIME" not in demo(db, faults).fetch("lot").column_names


def test_unavailable_raises_the_oracle_paths_connection_error(db: Path, tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"unavailable": ["resource"]}))
    source = demo(db, faults)
    with pytest.raises(DbError) as caught:
        source.watermark("resource")
    assert caught.value.kind is DbErrorKind.UNAVAILABLE
    assert caught.value.spec.code == "DB_UNAVAILABLE"
    assert source.fetch("lot").num_rows == 200
    faults.write_text(json.dumps({"unavailable": True}))
    with pytest.raises(DbError):
        source.fetch("lot")


def test_slow_ms_waits_before_the_call(tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"slow_ms": 1500}))
    slept: list[float] = []
    FaultSwitch(faults, sleep=slept.append).enter("lot")
    assert slept == [1.5]


def test_hang_blocks_until_the_file_changes(tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"hang": ["lot"]}))
    switch = FaultSwitch(faults)
    switch.enter("resource")  # not covered
    done = threading.Event()
    worker = threading.Thread(target=lambda: (switch.enter("lot"), done.set()))
    worker.start()
    assert not done.wait(0.3)
    faults.write_text("{}")
    assert done.wait(5)
    worker.join()


def test_hang_has_a_cap(tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"hang": True}))
    clock = iter(range(1000))
    switch = FaultSwitch(faults, sleep=lambda _: None, monotonic=lambda: next(clock), hang_cap_s=5)
    switch.enter("lot")  # returns after the fake clock passes the cap


def test_malformed_faults_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        parse_faults({"emtpy": ["lot"]})
    with pytest.raises(ValueError, match="unavailable"):
        parse_faults({"unavailable": "lot"})


def test_production_refuses_the_fault_switch() -> None:
    env = {"MES_ENV": "production", "MES_SECRET_KEY": "a-real-secret-value-1234"}
    load_settings(env, env_file=None)
    with pytest.raises(ConfigError, match="MES_DEMO_FAULTS"):
        load_settings(env | {"MES_DEMO_FAULTS": "/tmp/faults.json"}, env_file=None)


def test_a_hanging_history_query_holds_its_in_flight_slot(db: Path, tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"hang": True}))
    settings = Settings(
        demo_db=str(db), demo_faults=str(faults), demo_pool_max=1, demo_wait_timeout_ms=100
    )
    source = DemoSource.from_settings(settings)
    query = HistoryFilter(start=NOW.date(), end=NOW.date())
    first = threading.Thread(target=source.fetch_history, args=(query,))
    first.start()
    while source.limit.status()["in_flight"] == 0:
        threading.Event().wait(0.01)
    with pytest.raises(DbError) as caught:
        source.fetch_history(query)
    assert caught.value.kind is DbErrorKind.POOL_EXHAUSTED
    faults.write_text("{}")
    first.join(5)
    assert source.limit.status()["in_flight"] == 0
