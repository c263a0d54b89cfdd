"""POST /api/v1/admin/restart through the app: admin guard, decisions, audit; the watchdog in
/health/deep, /metrics and the in-process alert samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from admin_session import ADMIN, csrf_token, sign_in_admin
from mes_dashboard.app import create_app
from mes_dashboard.config import Settings, load_settings
from mes_dashboard.services import Services, build_services
from mes_dashboard.snapshots.store import MemoryStore
from mes_dashboard.watchdog.state import StateFile
from table_source import TableSource

ROUTE = "/api/v1/admin/restart"


class Admin:
    """A signed-in admin's client: every POST carries the session's CSRF token."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.token = token

    def post(self, body: Any = None, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.token} | kwargs.pop("headers", {})
        return self.client.post(ROUTE, json=body, headers=headers, **kwargs)


def make_services(tmp_path: Path) -> Services:
    env = {
        "MES_ENV": "test",
        "MES_STATE_DIR": str(tmp_path / "state"),
        "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json"),
        "MES_WATCHDOG_COOLDOWN_S": "600",
        "MES_WATCHDOG_BUDGET": "1",
    }
    return build_services(load_settings(env, env_file=None), TableSource(), MemoryStore())


def make_client(services: Services) -> FlaskClient:
    return create_app(services.settings, services, start_background=False).test_client()


def audit(settings: Settings) -> list[dict[str, str]]:
    lines = Path(settings.audit_log).read_text().splitlines()
    return [e for e in map(json.loads, lines) if e["action"].startswith("watchdog.")]


@pytest.fixture()
def services(tmp_path: Path) -> Services:
    return make_services(tmp_path)


@pytest.fixture()
def admin(services: Services) -> Admin:
    client = make_client(services)
    return Admin(client, sign_in_admin(client, services.settings.accounts_file))


def test_anonymous_gets_401_and_a_missing_csrf_token_403(services: Services) -> None:
    client = make_client(services)
    token = {"X-CSRF-Token": csrf_token(client)}
    anonymous = client.post(ROUTE, json={"reason": "x"}, headers=token)
    assert anonymous.status_code == 401
    assert anonymous.content_type == "application/problem+json"
    assert anonymous.get_json()["code"] == "UNAUTHORIZED"
    client = make_client(services)
    sign_in_admin(client, services.settings.accounts_file)
    no_token = client.post(ROUTE, json={"reason": "x"})
    assert no_token.status_code == 403 and no_token.get_json()["code"] == "CSRF_FAILED"
    assert not StateFile(services.settings.state_dir).exists()
    assert audit(services.settings) == []


def test_request_is_scheduled_then_refused_while_pending(admin: Admin, services: Services) -> None:
    resp = admin.post({"reason": "stuck page"}, headers={"X-Request-ID": "rq-1"})
    assert resp.status_code == 202
    decision = resp.get_json()["decision"]
    assert (decision["action"], decision["actor"]) == ("scheduled", ADMIN)
    again = admin.post({"reason": "stuck page"})
    assert again.status_code == 409
    body = again.get_json()
    assert body["code"] == "RESTART_REFUSED" and body["detail"] == "a restart is already pending"
    assert body["decision"]["action"] == "refused"
    first, second = audit(services.settings)
    assert (first["actor"], first["action"], first["target"]) == (
        ADMIN, "watchdog.restart_request", "mes-dashboard",
    )  # fmt: skip
    assert first["request_id"] == "rq-1" and first["result"] == "scheduled"
    assert first["reason"] == "stuck page" and first["ip"]
    assert second["result"] == "refused: a restart is already pending"
    pending = StateFile(services.settings.state_dir).load().pending
    assert pending is not None and (pending.actor, pending.request_id) == (ADMIN, "rq-1")


def test_validation_answers_400(admin: Admin) -> None:
    assert admin.post(data="nope", content_type="text/plain").status_code == 400
    no_reason = admin.post({"reason": ""})
    assert no_reason.status_code == 400 and no_reason.get_json()["detail"] == "a reason is required"
    no_ack = admin.post({"reason": "hung", "override": True})
    assert no_ack.status_code == 400
    assert no_ack.get_json()["detail"] == "an override needs an acknowledgement"


def test_override_in_churn_guard(admin: Admin, services: Services) -> None:
    with StateFile(services.settings.state_dir).locked() as state:
        state.mode = "churn_guarded"
    refused = admin.post({"reason": "down again"})
    assert refused.status_code == 409 and refused.get_json()["detail"].startswith("churn-guarded")
    ok = admin.post({"reason": "fixed disk", "override": True, "acknowledge": True})
    assert ok.status_code == 202
    assert ok.get_json()["decision"]["reason"] == "override acknowledged"
    assert [e["action"] for e in audit(services.settings)] == [
        "watchdog.restart_request", "watchdog.override",
    ]  # fmt: skip


def test_health_deep_metrics_and_alerts_show_the_watchdog(admin: Admin, services: Services) -> None:
    before = admin.client.get("/health/deep").get_json()["watchdog"]
    assert before["running"] is False and before["policy"]["budget"] == 1
    assert "mes_watchdog" not in admin.client.get("/metrics").get_data(as_text=True)
    admin.post({"reason": "test"})
    section = admin.client.get("/health/deep").get_json()["watchdog"]
    assert section["mode"] == "watching" and section["pending"]["reason"] == "test"
    assert section["decisions"][0]["action"] == "scheduled"
    text = admin.client.get("/metrics").get_data(as_text=True)
    assert "mes_watchdog_restarts_total 0.0" in text.splitlines()
    assert "mes_watchdog_churn_guarded 0.0" in text.splitlines()
    assert services.metrics.samples()[("mes_watchdog_restarts_total", ())] == 0


def test_a_churn_guarded_watchdog_is_a_deep_health_problem(
    admin: Admin, services: Services
) -> None:
    with StateFile(services.settings.state_dir).locked() as state:
        state.mode = "churn_guarded"
    deep = admin.client.get("/health/deep").get_json()
    assert deep["status"] == "degraded"
    [found] = [p for p in deep["problems"] if p["subject"] == "watchdog"]
    assert found["problem"] == "watchdog-churn-guarded" and found["action"]


def test_get_answers_405_with_the_allowed_method(services: Services) -> None:
    resp = make_client(services).get(ROUTE)
    assert resp.status_code == 405 and resp.get_json()["code"] == "METHOD_NOT_ALLOWED"
    assert set(resp.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
