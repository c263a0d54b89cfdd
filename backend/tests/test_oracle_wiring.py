"""MES_SOURCE=oracle wired end to end against a never-answering listener (no Oracle here)."""

from __future__ import annotations

from pathlib import Path

from admin_session import sign_in_admin
from blackhole import BlackHole
from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.services import build_services


def test_oracle_source_in_effect_and_cold_start_while_the_database_hangs(tmp_path: Path) -> None:
    with BlackHole() as hole:
        settings = load_settings(
            {
                "MES_ENV": "test",
                "MES_SOURCE": "oracle",
                "ORACLE_DSN": hole.dsn,
                "ORACLE_USER": "mes",
                "ORACLE_PASSWORD": "x",
                "ORACLE_WAIT_TIMEOUT_MS": "300",
                "ORACLE_POOL_MAX": "3",
                "MES_REFRESH_WIP_S": "30",
                "MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json"),
                "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            },
            env_file=None,
        )
        services = build_services(settings)
        try:
            assert services.refreshers["wip"].refresh_once() == "failed"
            assert "DB_UNAVAILABLE" in services.refreshers["wip"].state.last_error
            client = create_app(settings, services, start_background=False).test_client()
            sign_in_admin(client, settings.accounts_file)
            deep = client.get("/health/deep").get_json()
            request_pool = deep["source"]["request"]
            assert request_pool["getmode"] == "TIMEDWAIT"
            assert request_pool["wait_timeout_ms"] == 300 and request_pool["max"] == 3
            assert deep["datasets"]["wip"]["last_result"] == "failed"
            assert deep["status"] == "degraded"
            resp = client.get("/api/v1/datasets/wip")
            assert resp.status_code == 503
            assert resp.get_json()["code"] == "SNAPSHOT_UNAVAILABLE"
            assert resp.headers["Retry-After"] == "30"
            assert "x" not in str(deep["settings"]["oracle_password"]).replace("***", "")
        finally:
            services.close()
