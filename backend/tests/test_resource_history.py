"""The resource_history build: E10 per status, hours re-summed per machine, production day and
status, the machine attributes joined, the production day a date whatever the zone."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from mes_dashboard import contracts
from mes_dashboard.config import Settings
from mes_dashboard.datasets.resource_history import build_history, deadline_ms
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource
from mes_dashboard.sources.history_filter import HistoryFilter

TZ = "Asia/Taipei"
NOW = datetime(2026, 11, 28, 8, 0, 0)


def machines() -> pa.Table:
    return pa.table(
        {
            "RESOURCEID": ["M1", "M2"],
            "RESOURCENAME": ["one", "two"],
            "WORKCENTER_GROUP": pa.array(["焊接", "切割"]).dictionary_encode(),
            "WORKCENTER_GROUP_SEQ": pa.array([10, 20], pa.int32()),
            "RESOURCEFAMILYNAME": pa.array(["F-A", None]).dictionary_encode(),
            "PJ_ISPRODUCTION": [True, True],
            "PJ_ISKEY": [False, True],
            "PJ_ISMONITOR": [False, False],
        }
    )


def raw(rows: list[tuple[str, date, str, float | None]]) -> pa.Table:
    ids, days, names, hours = zip(*rows, strict=True)
    return pa.table(
        {
            "HISTORYID": [i.ljust(16) for i in ids],
            "TXNDATE": pa.array([datetime.combine(d, datetime.min.time()) for d in days]).cast(
                pa.timestamp("ms")
            ),
            "OLDSTATUSNAME": list(names),
            "HOURS": pa.array(hours, pa.float64()),
        }
    )


D1, D2 = date(2026, 11, 26), date(2026, 11, 27)


def test_statuses_fold_into_e10_and_hours_are_resummed() -> None:
    table = build_history(
        raw(
            [
                ("M1", D1, "PRD", 10.0),
                ("M1", D1, "UDT", 4.0),
                ("M1", D1, "PM", 3.0),
                ("M1", D1, "BKD", 1.0),
                ("M1", D1, "設備-LOST", 2.0),
                ("M1", D1, "載具-IDLE", 4.0),
                ("M2", D2, "ENG", 12.0),
                ("M2", D2, "OFF", 12.0),
                ("M2", D2, "SBY", None),
                ("GONE", D1, "PRD", 24.0),  # no longer a production machine: left out
            ]
        ),
        machines(),
        TZ,
    )
    assert table.schema == contracts.arrow_schema("resource_history")
    got = {(r["RESOURCEID"], r["TXNDATE"], r["STATUS_E10"]): r["HOURS"] for r in table.to_pylist()}
    assert got == {
        ("M1", D1, "OTHER"): 6.0,
        ("M1", D1, "PRD"): 10.0,
        ("M1", D1, "UDT"): 8.0,
        ("M2", D2, "EGT"): 12.0,
        ("M2", D2, "NST"): 12.0,
        ("M2", D2, "SBY"): 0.0,
    }
    first = table.slice(0, 1).to_pylist()[0]
    assert (first["RESOURCENAME"], first["WORKCENTER_GROUP"], first["PJ_ISKEY"]) == (
        "one", "焊接", False
    )  # fmt: skip


@pytest.fixture()
def zone() -> Iterator[None]:
    before = os.environ.get("TZ")
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("tz", ["UTC", "Asia/Taipei", "America/Los_Angeles"])
def test_a_production_day_stays_the_same_date_in_any_zone(zone: None, tz: str) -> None:
    os.environ["TZ"] = tz
    time.tzset()
    table = build_history(raw([("M1", D1, "PRD", 12.0)]), machines(), tz)
    assert table.schema.field("TXNDATE").type == pa.date32()
    assert table["TXNDATE"].to_pylist() == [D1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSource:
    path = tmp_path_factory.mktemp("history") / "demo.sqlite"
    generate(path, lots=200, machines=60, seed=3, history_days=2, now=NOW)
    return DemoSource.from_settings(Settings(demo_db=str(path)))


def test_a_night_shift_counts_for_the_day_it_started(demo: DemoSource) -> None:
    # 11-27's night shift runs 19:30 to 11-28 07:30: its hours belong to 11-27, so each machine
    # has 24 hours on 11-27 and none on 11-28 (whose day shift is still running at NOW)
    summed = demo.fetch_history(HistoryFilter(D2, date(2026, 11, 28)))
    per_machine = summed.group_by("HISTORYID").aggregate([("HOURS", "sum")])
    assert set(per_machine["HOURS_sum"].to_pylist()) == {24.0}
    assert {d.date() for d in summed["TXNDATE"].to_pylist()} == {D2}


def test_only_production_machines_and_the_filters_reach_the_result(demo: DemoSource) -> None:
    everything = demo.fetch_history(HistoryFilter(D1, D2))
    ids = set(pc.utf8_rtrim_whitespace(everything["HISTORYID"]).to_pylist())
    master = demo.fetch("resource")
    production = pc.equal(master["OBJECTCATEGORY"], master["OBJECTTYPE"])
    assert ids <= set(pc.utf8_rtrim_whitespace(master.filter(production)["RESOURCEID"]).to_pylist())
    families = sorted(set(master["RESOURCEFAMILYNAME"].to_pylist()) - {None})[:2]
    narrowed = demo.fetch_history(HistoryFilter(D1, D2, families=tuple(families)))
    keep = pc.is_in(master["RESOURCEFAMILYNAME"], pa.array(families))
    chosen = set(pc.utf8_rtrim_whitespace(master.filter(keep)["RESOURCEID"]).to_pylist())
    narrowed_ids = set(pc.utf8_rtrim_whitespace(narrowed["HISTORYID"]).to_pylist())
    assert narrowed_ids and narrowed_ids <= chosen and narrowed_ids < ids
    key_only = demo.fetch_history(HistoryFilter(D1, D2, flags=(("PJ_ISKEY", True),)))
    keys = set(
        pc.utf8_rtrim_whitespace(
            master.filter(pc.equal(master["PJ_ISKEY"], 1))["RESOURCEID"]
        ).to_pylist()
    )
    assert set(pc.utf8_rtrim_whitespace(key_only["HISTORYID"]).to_pylist()) <= keys


def test_the_browser_deadline_exceeds_the_server_worst_case() -> None:
    for settings in (Settings(), Settings(source="oracle", oracle_call_timeout_ms=90_000)):
        worst = (
            settings.oracle_wait_timeout_ms + settings.oracle_call_timeout_ms
            if settings.source == "oracle"
            else settings.demo_wait_timeout_ms + settings.demo_call_timeout_ms
        )
        assert deadline_ms(settings) > worst


def test_keys_are_padded_in_the_source_and_stripped_in_the_result() -> None:
    table = build_history(raw([("M2", D1, "PRD", 1.0)]), machines(), TZ)
    assert table["RESOURCEID"].to_pylist() == ["M2"]
