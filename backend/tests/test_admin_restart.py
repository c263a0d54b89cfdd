"""POST /api/v1/admin/restart through the app: guard, decisions, audit; the watchdog in health."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.services import build_services
from mes_dashboard.snapshots.store import MemoryStore
from mes_dashboard.watchdog.state import StateFile
from table_source import TableSource

ROUTE = "/api/v1/admin/restart"


def allow_all(view: Callable[..., Any]) -> Callable[..., Any]:
    """A permissive guard for the tests (sign-in supplies the real one)."""

    @wraps(view)
    def allowed(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return allowed


def make_app(tmp_path: Path, **kwargs: Any) -> Flask:
    env = {
        "MES_ENV": "test",
        "MES_STATE_DIR": str(tmp_path / "state"),
        "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "MES_WATCHDOG_COOLDOWN_S": "600",
        "MES_WATCHDOG_BUDGET": "1",
    }
    services = build_services(load_settings(env, env_file=None), TableSource(), MemoryStore())
    return create_app(services.settings, services, start_background=False, **kwargs)


@pytest.fixture()
def client(tmp_path: Path) -> FlaskClient:
    return make_app(tmp_path, admin_guard=allow_all).test_client()


def test_without_a_guard_everyone_gets_401(tmp_path: Path) -> None:
    resp = make_app(tmp_path).test_client().post(ROUTE, json={"reason": "x"})
    assert resp.status_code == 401
    assert resp.content_type == "application/problem+json"
    assert resp.get_json()["code"] == "UNAUTHORIZED"
    assert not (tmp_path / "audit.jsonl").exists()


def test_request_is_scheduled_then_refused_while_pending(
    client: FlaskClient, tmp_path: Path
) -> None:
    resp = client.post(ROUTE, json={"reason": "stuck page"}, headers={"X-Request-ID": "rq-1"})
    assert resp.status_code == 202
    assert resp.get_json()["decision"]["action"] == "scheduled"
    again = client.post(ROUTE, json={"reason": "stuck page"})
    assert again.status_code == 409
    body = again.get_json()
    assert body["code"] == "RESTART_REFUSED" and body["detail"] == "a restart is already pending"
    assert body["decision"]["action"] == "refused"
    audit = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert audit[0]["request_id"] == "rq-1" and audit[0]["result"] == "scheduled"
    assert audit[1]["result"] == "refused: a restart is already pending"


def test_validation_answers_400(client: FlaskClient) -> None:
    assert client.post(ROUTE, data="nope").status_code == 400
    no_reason = client.post(ROUTE, json={"reason": ""})
    assert no_reason.status_code == 400 and no_reason.get_json()["detail"] == "a reason is required"
    no_ack = client.post(ROUTE, json={"reason": "hung", "override": True})
    assert no_ack.status_code == 400
    assert no_ack.get_json()["detail"] == "an override needs an acknowledgement"


def test_override_in_churn_guard(client: FlaskClient, tmp_path: Path) -> None:
    with StateFile(tmp_path / "state").locked() as state:
        state.mode = "churn_guarded"
    refused = client.post(ROUTE, json={"reason": "down again"})
    assert refused.status_code == 409 and refused.get_json()["detail"].startswith("churn-guarded")
    ok = client.post(ROUTE, json={"reason": "fixed disk", "override": True, "acknowledge": True})
    assert ok.status_code == 202
    assert ok.get_json()["decision"]["reason"] == "override acknowledged"


def test_health_deep_and_metrics_show_the_watchdog(client: FlaskClient) -> None:
    before = client.get("/health/deep").get_json()["watchdog"]
    assert before["running"] is False and before["policy"]["budget"] == 1
    assert "mes_watchdog" not in client.get("/metrics").get_data(as_text=True)
    client.post(ROUTE, json={"reason": "test"})
    section = client.get("/health/deep").get_json()["watchdog"]
    assert section["mode"] == "watching" and section["pending"]["reason"] == "test"
    assert section["decisions"][0]["action"] == "scheduled"
    text = client.get("/metrics").get_data(as_text=True)
    assert "mes_watchdog_restarts_total 0" in text.splitlines()
    assert "mes_watchdog_churn_guarded 0" in text.splitlines()
