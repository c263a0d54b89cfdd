"""/health/deep is complete and bounded: pool in effect, the database probe with its own
timeout (a hanging source answers `timeout` in time), breakers, Redis, alerts and actions."""

from __future__ import annotations

import json
import time
from pathlib import Path

from admin_session import sign_in_admin
from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.services import build_services
from mes_dashboard.sources.demo.generator import generate

PROBE_TIMEOUT_S = 0.5
SLACK_S = 0.5


def test_deep_health_is_complete_and_never_waits_past_the_probe_timeout(tmp_path: Path) -> None:
    db, faults = tmp_path / "demo.sqlite", tmp_path / "faults.json"
    generate(db, lots=500, machines=80, seed=4, history_days=1)
    env = {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "MES_DEMO_FAULTS": str(faults),
        "MES_HEALTH_PROBE_TIMEOUT_S": str(PROBE_TIMEOUT_S),
        "MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json"),
        "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
    }
    settings = load_settings(env, env_file=None)
    services = build_services(settings)
    client = create_app(settings, services, start_background=False).test_client()
    sign_in_admin(client, settings.accounts_file)
    assert services.refresh_all() == {"wip": "built", "resource": "built"}

    deep = client.get("/health/deep").get_json()
    assert deep["status"] == "ok" and deep["problems"] == []
    assert deep["database"]["status"] == "ok" and deep["database"]["latency_ms"] >= 0
    assert deep["source"]["name"] == "demo" and "in_flight" in deep["source"]["request"]
    assert deep["breakers"]["database"]["state"] == "closed"
    assert deep["breakers"]["database"]["threshold"] == settings.breaker_threshold
    assert deep["redis"] == {"configured": False}
    assert deep["alerts"] == []  # the in-process evaluation of observability/alerts.py: none firing
    wip = deep["datasets"]["wip"]
    assert wip["version"] and wip["age_s"] is not None and wip["last_result"] == "built"
    assert deep["settings"]["health_probe_timeout_s"] == PROBE_TIMEOUT_S

    faults.write_text(json.dumps({"hang": True}))
    try:
        for _ in range(2):  # the second finds the first probe still hanging
            started = time.monotonic()
            deep = client.get("/health/deep").get_json()
            assert time.monotonic() - started < PROBE_TIMEOUT_S + SLACK_S
            assert deep["database"]["status"] == "timeout"
            assert deep["status"] == "degraded"
            timed_out = [p for p in deep["problems"] if p["problem"] == "probe-timeout"]
            assert timed_out and timed_out[0]["action"]
    finally:
        faults.write_text("{}")  # the hanging probe returns
    deadline = time.monotonic() + 5
    while client.get("/health/deep").get_json()["database"]["status"] != "ok":
        assert time.monotonic() < deadline
        time.sleep(0.05)

    faults.write_text(json.dumps({"unavailable": True}))
    deep = client.get("/health/deep").get_json()
    assert deep["database"] == deep["database"] | {"status": "error", "code": "DB_UNAVAILABLE"}
    services.close()
