"""Sign-in through /api/v1/session: cookies, CSRF, limiter, expiry, audit, the admin guard and the
admin-only surfaces (full /health/deep, dev pages, page-registry editing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Blueprint, Flask, Response, jsonify
from flask.testing import FlaskClient

from admin_session import ADMIN, ADMIN_PASSWORD, csrf_token, sign_in, sign_in_admin
from fake_clock import FakeClock
from mes_dashboard.app import create_app
from mes_dashboard.auth.accounts import AccountStore
from mes_dashboard.auth.audit import AuditLog
from mes_dashboard.config import Settings, load_settings
from mes_dashboard.services import build_services, object_names
from mes_dashboard.sources.demo.source import DemoSource

IDLE_S, ABSOLUTE_S = 600, 3600


def make_app(tmp_path: Path, clock: FakeClock, **env: str) -> Flask:
    settings = load_settings(
        {
            "MES_ENV": "test",
            "MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json"),
            "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
            "MES_PAGE_REGISTRY": str(tmp_path / "pages.json"),
            "MES_SESSION_IDLE_S": str(IDLE_S),
            "MES_SESSION_ABSOLUTE_S": str(ABSOLUTE_S),
        }
        | env,
        env_file=None,
    )
    source = DemoSource(tmp_path / "absent.sqlite", object_names(settings))
    services = build_services(settings, source=source)
    return create_app(settings, services, start_background=False, clock=clock)


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock(1_800_000_000.0)


@pytest.fixture()
def app(tmp_path: Path, clock: FakeClock) -> Flask:
    return make_app(tmp_path, clock)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def settings_of(app: Flask) -> Settings:
    settings: Settings = app.extensions["mes_services"].settings
    return settings


def audit(app: Flask) -> list[dict[str, object]]:
    return AuditLog(Path(settings_of(app).audit_log)).read()


def assert_problem(resp, status: int, code: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == "application/problem+json"
    body: dict[str, object] = resp.get_json()
    assert body["code"] == code and body["status"] == status and body["request_id"]
    return body


def test_anonymous_session_has_a_csrf_token_and_no_user(client: FlaskClient) -> None:
    resp = client.get("/api/v1/session")
    body = resp.get_json()
    assert body["authenticated"] is False and len(body["csrf_token"]) >= 32
    assert resp.headers["Cache-Control"] == "no-store"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("mes_session=")
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Strict" in cookie


def test_local_admin_signs_in_and_out_and_both_are_audited(app: Flask, client: FlaskClient) -> None:
    before = csrf_token(client)
    AccountStore(Path(settings_of(app).accounts_file)).set_password(ADMIN, ADMIN_PASSWORD)
    resp = sign_in(client, ADMIN, ADMIN_PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    body = resp.get_json()
    assert resp.status_code == 200
    assert body["authenticated"] is True and body["username"] == ADMIN and body["role"] == "admin"
    assert body["csrf_token"] != before, "sign-in rotates the CSRF token"
    assert client.get("/api/v1/session").get_json()["role"] == "admin"

    out = client.delete("/api/v1/session", headers={"X-CSRF-Token": body["csrf_token"]})
    assert out.status_code == 200 and out.get_json()["authenticated"] is False
    assert client.get("/api/v1/session").get_json()["authenticated"] is False

    entries = audit(app)
    assert [(e["action"], e["result"], e["actor"]) for e in entries] == [
        ("sign_in", "ok", ADMIN),
        ("sign_out", "ok", ADMIN),
    ]
    first = entries[0]
    assert first["ip"] == "10.0.0.7" and first["reason"] == "local:admin"
    assert first["request_id"] and first["time"].startswith("2027-01-15T08:00:00")
    assert set(first) == {
        "time",
        "actor",
        "action",
        "target",
        "reason",
        "result",
        "request_id",
        "ip",
    }
    assert ADMIN_PASSWORD not in Path(settings_of(app).audit_log).read_text()


@pytest.mark.parametrize(
    ("username", "password"), [(ADMIN, "wrong password!!"), ("ghost", "x" * 20)]
)
def test_wrong_password_or_unknown_user_is_401_and_audited(
    app: Flask, client: FlaskClient, username: str, password: str
) -> None:
    AccountStore(Path(settings_of(app).accounts_file)).set_password(ADMIN, ADMIN_PASSWORD)
    body = assert_problem(sign_in(client, username, password), 401, "SIGN_IN_FAILED")
    assert body["detail"] == "Wrong user name or password"
    assert client.get("/api/v1/session").get_json()["authenticated"] is False
    [entry] = audit(app)
    assert (entry["actor"], entry["action"], entry["result"]) == (username, "sign_in", "failed")
    assert password not in Path(settings_of(app).audit_log).read_text()


def test_malformed_sign_in_is_400(client: FlaskClient) -> None:
    token = csrf_token(client)
    resp = client.post("/api/v1/session", json=["x"], headers={"X-CSRF-Token": token})
    assert_problem(resp, 400, "BAD_REQUEST")


def test_every_mutation_needs_the_session_csrf_token(app: Flask, client: FlaskClient) -> None:
    creds = {"username": ADMIN, "password": ADMIN_PASSWORD}
    assert_problem(client.post("/api/v1/session", json=creds), 403, "CSRF_FAILED")
    csrf_token(client)
    wrong = {"X-CSRF-Token": "not-the-token"}
    assert_problem(client.post("/api/v1/session", json=creds, headers=wrong), 403, "CSRF_FAILED")
    token = sign_in_admin(client, settings_of(app).accounts_file)
    put = "/api/v1/pages/equipment-history"
    assert_problem(client.put(put, json={"status": "released"}), 403, "CSRF_FAILED")
    assert_problem(client.delete("/api/v1/session", headers=wrong), 403, "CSRF_FAILED")
    assert client.get("/api/v1/session").get_json()["authenticated"] is True
    ok = client.put(put, json={"status": "released"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200
    assert client.post("/api/v1/datasets").status_code == 405, "routing errors stay what they are"


def test_failures_per_user_name_are_limited_then_the_window_frees_them(
    app: Flask, client: FlaskClient, clock: FakeClock
) -> None:
    AccountStore(Path(settings_of(app).accounts_file)).set_password(ADMIN, ADMIN_PASSWORD)
    for i in range(5):
        ip = {"REMOTE_ADDR": f"10.0.1.{i}"}  # a different address each time: the name counts
        assert sign_in(client, ADMIN, "wrong password!!", environ_base=ip).status_code == 401
        clock.advance(10)
    limited = sign_in(client, ADMIN, ADMIN_PASSWORD, environ_base={"REMOTE_ADDR": "10.0.1.9"})
    body = assert_problem(limited, 429, "RATE_LIMITED")
    assert limited.headers["Retry-After"] == str(900 - 50)
    assert body["retryable"] is True
    assert audit(app)[-1]["result"] == "rate_limited"
    clock.advance(900 - 50)
    assert sign_in(client, ADMIN, ADMIN_PASSWORD).status_code == 200


def test_failures_per_address_are_limited_across_user_names(
    app: Flask, client: FlaskClient
) -> None:
    AccountStore(Path(settings_of(app).accounts_file)).set_password(ADMIN, ADMIN_PASSWORD)
    here = {"REMOTE_ADDR": "10.0.2.1"}
    for i in range(5):
        assert sign_in(client, f"user{i}", "wrong password!!", environ_base=here).status_code == 401
    assert_problem(sign_in(client, ADMIN, ADMIN_PASSWORD, environ_base=here), 429, "RATE_LIMITED")
    other = {"REMOTE_ADDR": "10.0.2.2"}
    assert sign_in(client, ADMIN, ADMIN_PASSWORD, environ_base=other).status_code == 200


def test_idle_expiry_ends_a_session_that_sees_no_request(
    app: Flask, client: FlaskClient, clock: FakeClock
) -> None:
    sign_in_admin(client, settings_of(app).accounts_file)
    for _ in range(3):
        clock.advance(IDLE_S - 1)  # each request renews the idle time
        assert client.get("/api/v1/session").get_json()["authenticated"] is True
    clock.advance(IDLE_S)
    assert client.get("/api/v1/session").get_json()["authenticated"] is False
    assert client.get("/health/deep").get_json().keys() == {"status", "datasets"}


def test_absolute_expiry_ends_even_an_active_session(
    app: Flask, client: FlaskClient, clock: FakeClock
) -> None:
    sign_in_admin(client, settings_of(app).accounts_file)
    elapsed = 0
    while elapsed + IDLE_S // 2 < ABSOLUTE_S:
        clock.advance(IDLE_S // 2)
        elapsed += IDLE_S // 2
        assert client.get("/api/v1/session").get_json()["authenticated"] is True
    clock.advance(ABSOLUTE_S - elapsed)
    assert client.get("/api/v1/session").get_json()["authenticated"] is False


def test_a_tampered_cookie_is_anonymous(app: Flask, client: FlaskClient) -> None:
    sign_in_admin(client, settings_of(app).accounts_file)
    cookie = client.get_cookie("mes_session")
    assert cookie is not None
    client.set_cookie("mes_session", cookie.value[:-2] + "xx")
    assert client.get("/api/v1/session").get_json()["authenticated"] is False


def test_health_deep_is_a_summary_for_anonymous_callers_and_full_for_admins(
    app: Flask, client: FlaskClient
) -> None:
    summary = client.get("/health/deep")
    assert summary.status_code == 200
    body = summary.get_json()
    assert body.keys() == {"status", "datasets"} and body["status"] == "ok"
    for entry in body["datasets"].values():
        assert entry.keys() == {"version", "snapshot_time", "age_s", "degraded"}
    sign_in_admin(client, settings_of(app).accounts_file)
    full = client.get("/health/deep").get_json()
    assert {"settings", "source", "redis", "degraded"} <= full.keys()
    assert full["settings"]["secret_key"] == "***"
    assert "admin_token" not in full["settings"]


def test_registry_editing_is_admin_only_atomic_and_audited(app: Flask, client: FlaskClient) -> None:
    registry = Path(settings_of(app).page_registry)
    url = "/api/v1/pages/equipment-history"
    token = csrf_token(client)
    anonymous = client.put(url, json={"status": "dev"}, headers={"X-CSRF-Token": token})
    assert_problem(anonymous, 401, "UNAUTHORIZED")
    assert not registry.exists()
    ids = {p["id"] for p in client.get("/api/v1/pages").get_json()["pages"]}
    assert "equipment-history" in ids, "released in the packaged registry"

    token = sign_in_admin(client, settings_of(app).accounts_file)
    headers = {"X-CSRF-Token": token}
    assert_problem(client.put(url, json={"status": "beta"}, headers=headers), 400, "BAD_REQUEST")
    assert_problem(
        client.put("/api/v1/pages/nope", json={"status": "dev"}, headers=headers), 404, "NOT_FOUND"
    )
    resp = client.put(url, json={"status": "dev"}, headers=headers)
    assert resp.status_code == 200 and resp.get_json()["status"] == "dev"
    stored = json.loads(registry.read_text())
    assert next(p for p in stored["pages"] if p["id"] == "equipment-history")["status"] == "dev"
    assert sorted(p.name for p in registry.parent.iterdir() if p.name.startswith(".pages-")) == []
    ids = {p["id"] for p in client.get("/api/v1/pages").get_json()["pages"]}
    assert "equipment-history" in ids, "admins see dev pages"

    client.delete("/api/v1/session", headers=headers)
    ids = {p["id"] for p in client.get("/api/v1/pages").get_json()["pages"]}
    assert "equipment-history" not in ids, "a dev page is hidden from everyone else"
    changes = [e for e in audit(app) if e["action"] == "page_status"]
    assert [(e["actor"], e["target"], e["result"], e["reason"]) for e in changes] == [
        (ADMIN, "nope", "not_found", "dev"),
        (ADMIN, "equipment-history", "ok", "released -> dev"),
    ]


def test_the_guard_published_for_other_blueprints(tmp_path: Path, clock: FakeClock) -> None:
    app = make_app(tmp_path, clock)
    bp = Blueprint("restart_probe", __name__)

    @bp.post("/api/v1/admin/probe")
    @app.extensions["mes_admin_guard"]
    def probe() -> Response:
        app.extensions["mes_audit"]("probe", "service", "accepted", "drill")
        return jsonify({"done": True})

    app.register_blueprint(bp)
    client = app.test_client()
    token = csrf_token(client)
    assert_problem(
        client.post("/api/v1/admin/probe", headers={"X-CSRF-Token": token}), 401, "UNAUTHORIZED"
    )
    token = sign_in_admin(client, tmp_path / "accounts.json")
    assert_problem(client.post("/api/v1/admin/probe"), 403, "CSRF_FAILED")
    assert client.post("/api/v1/admin/probe", headers={"X-CSRF-Token": token}).get_json() == {
        "done": True
    }
    last = AuditLog(tmp_path / "audit.jsonl").read()[-1]
    assert (last["actor"], last["action"], last["target"], last["result"], last["reason"]) == (
        ADMIN,
        "probe",
        "service",
        "accepted",
        "drill",
    )


def test_insecure_cookie_is_refused_in_production() -> None:
    from mes_dashboard.config import ConfigError

    env = {"MES_ENV": "production", "MES_SECRET_KEY": "k" * 32, "MES_COOKIE_SECURE": "false"}
    with pytest.raises(ConfigError, match="MES_COOKIE_SECURE"):
        load_settings(env, env_file=None)
