"""Signing in through the real session routes, for tests that need an admin."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mes_dashboard.auth.accounts import AccountStore

ADMIN = "ops-admin"
ADMIN_PASSWORD = "correct horse battery staple"


def csrf_token(client: FlaskClient) -> str:
    """The session's CSRF token (creates the anonymous session)."""
    return str(client.get("/api/v1/session").get_json()["csrf_token"])


def sign_in(client: FlaskClient, username: str, password: str, **kwargs: object) -> TestResponse:
    """POST /api/v1/session with the session's CSRF token."""
    token = csrf_token(client)
    return client.post(
        "/api/v1/session",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": token},
        **kwargs,  # type: ignore[arg-type]
    )


def sign_in_admin(client: FlaskClient, accounts_file: str | Path) -> str:
    """Create the local admin in `accounts_file`, sign in, return the new CSRF token."""
    AccountStore(Path(accounts_file)).set_password(ADMIN, ADMIN_PASSWORD)
    resp = sign_in(client, ADMIN, ADMIN_PASSWORD)
    assert resp.status_code == 200, resp.get_json()
    return str(resp.get_json()["csrf_token"])
