"""The refresher: a failed build keeps the last snapshot, says why, and never moves the
watermark; anomalies of the published build reach /health/deep and /metrics."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pyarrow as pa
import pytest

from admin_session import sign_in_admin
from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.datasets.refresher import Refresher
from mes_dashboard.services import build_services
from mes_dashboard.snapshots.store import MemoryStore
from mes_dashboard.sources.demo import schema
from mes_dashboard.sources.demo.generator import generate
from table_source import RULES, TableSource


class BreakableSource(TableSource):
    """Lots whose QTY column is unusable while `broken` is set."""

    broken = False

    def fetch(self, obj: str) -> pa.Table:
        table = super().fetch(obj)
        if obj == "lot" and self.broken:
            at = table.schema.get_field_index("QTY")
            return table.set_column(at, "QTY", pa.array(["abc"] * table.num_rows))
        return table


def test_a_failed_build_does_not_store_the_watermark() -> None:
    source = BreakableSource()
    refresher = Refresher("wip", source, MemoryStore(), RULES, 60.0)
    assert refresher.refresh_once() == "built"
    source.tick, source.broken = 1, True
    assert refresher.refresh_once() == "failed"
    source.broken = False
    assert refresher.refresh_once() == "built"  # the new data, not "unchanged"
    assert refresher.refresh_once() == "unchanged"


@pytest.fixture()
def demo(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "demo.sqlite"
    generate(db, lots=2000, machines=150, seed=9, history_days=1)
    return db, tmp_path / "faults.json"


def test_an_empty_or_incomplete_fetch_fails_and_the_last_snapshot_keeps_serving(
    demo: tuple[Path, Path],
) -> None:
    db, faults = demo
    env = {"MES_ENV": "test", "MES_DEMO_DB": str(db), "MES_DEMO_SIMULATE": "false"}
    env |= {"MES_ACCOUNTS_FILE": str(db.with_name("accounts.json"))}
    env |= {"MES_AUDIT_LOG": str(db.with_name("audit.jsonl"))}
    settings = load_settings(env | {"MES_DEMO_FAULTS": str(faults)}, env_file=None)
    services = build_services(settings)
    client = create_app(settings, services, start_background=False).test_client()
    sign_in_admin(client, settings.accounts_file)
    assert services.refresh_all() == {"wip": "built", "resource": "built"}
    served = services.store.current("wip")
    assert served is not None and served.rows > 0

    faults.write_text(json.dumps({"empty": ["lot", "resource"]}))
    assert services.refresh_all() == {"wip": "failed", "resource": "failed"}
    assert services.store.current("wip") is served
    deep = client.get("/health/deep").get_json()
    assert deep["status"] == "degraded"
    assert "lot: the source returned no rows" in deep["datasets"]["wip"]["last_error"]
    assert "resource: the source returned no rows" in deep["datasets"]["resource"]["last_error"]

    faults.write_text(json.dumps({"missing_columns": {"lot": ["CURRENTHOLDTIME"]}}))
    with closing(sqlite3.connect(db)) as conn:  # the view moves on: a new SYS_DATE
        conn.execute(f"UPDATE {schema.LOT} SET SYS_DATE = datetime(SYS_DATE, '+1 minute')")
        conn.commit()
    assert services.refresh_all()["wip"] == "failed"
    error = client.get("/health/deep").get_json()["datasets"]["wip"]["last_error"]
    assert "required columns missing: CURRENTHOLDTIME" in error

    faults.write_text("{}")
    # the machines did not change: resource keeps its version (content-derived) and recovers
    assert services.refresh_all() == {"wip": "built", "resource": "unchanged"}
    deep = client.get("/health/deep").get_json()
    assert deep["status"] == "ok"
    assert deep["datasets"]["wip"]["anomalies"]["releasetime_unparsed"] > 0
    assert deep["datasets"]["resource"]["anomalies"]["status_disagreement"] > 0
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "# TYPE mes_build_anomalies gauge" in metrics
    assert 'mes_build_anomalies{dataset="wip",kind="releasetime_unparsed"}' in metrics
    services.close()
