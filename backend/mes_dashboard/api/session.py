"""Sign-in: GET (who am I + CSRF token), POST (sign in), DELETE (sign out) /api/v1/session."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from mes_dashboard.api.access import Access
from mes_dashboard.auth.gatekeeper import Gatekeeper
from mes_dashboard.errors import ApiError


def _credentials() -> tuple[str, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError("BAD_REQUEST", "send JSON {username, password}")
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError("BAD_REQUEST", "username and password must be strings")
    return username, password


def make_blueprint(access: Access, gatekeeper: Gatekeeper) -> Blueprint:
    """Session endpoints bound to the access rules and the gatekeeper."""
    bp = Blueprint("session", __name__)

    def whoami() -> dict[str, Any]:
        identity = access.identity()
        body: dict[str, Any] = {"authenticated": identity is not None}
        if identity is not None:
            body |= {"username": identity.username, "role": identity.role}
        return body | {"csrf_token": access.csrf_token()}

    @bp.get("/api/v1/session")
    def current() -> Response:
        resp = jsonify(whoami())
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @bp.post("/api/v1/session")
    def sign_in() -> Response:
        username, password = _credentials()
        outcome = gatekeeper.sign_in(username, password, access.context())
        if outcome.refusal == "limited":
            raise ApiError(
                "RATE_LIMITED", "too many failed sign-ins", retry_after=outcome.retry_after_s
            )
        if outcome.identity is None:
            raise ApiError("SIGN_IN_FAILED")
        access.start(outcome.identity)
        resp = jsonify(whoami())
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @bp.delete("/api/v1/session")
    def sign_out() -> Response:
        identity = access.identity()
        if identity is not None:
            gatekeeper.sign_out(identity, access.context())
        access.end()
        return jsonify(whoami())

    return bp
