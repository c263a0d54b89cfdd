"""POST /api/v1/admin/restart: an admin asks the watchdog for a restart; the policy decides.

`guard` is the view decorator the app factory injects (the admin check); `actor_of` names the
signed-in admin for the audit line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from mes_dashboard.errors import ApiError
from mes_dashboard.services import Services
from mes_dashboard.watchdog.manual import ManualControl
from mes_dashboard.watchdog.policy import RestartRequest

Guard = Callable[[Callable[..., Any]], Callable[..., Any]]
VALIDATION = {"a reason is required", "an override needs an acknowledgement"}


def unknown_actor() -> str:
    """The actor when no sign-in names one."""
    return "admin"


def make_blueprint(
    services: Services, guard: Guard, actor_of: Callable[[], str] = unknown_actor
) -> Blueprint:
    """The restart route, protected by `guard`."""
    bp = Blueprint("admin_restart", __name__)
    control = ManualControl.from_settings(services.settings)

    @bp.post("/api/v1/admin/restart")
    @guard
    def restart() -> tuple[Response, int]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError("BAD_REQUEST", "expected JSON {reason, override?, acknowledge?}")
        ask = RestartRequest(
            actor_of(),
            str(body.get("reason") or ""),
            override=body.get("override") is True,
            acknowledge=body.get("acknowledge") is True,
            request_id=getattr(g, "request_id", ""),
        )
        decision = control.request_restart(ask)
        shown = asdict(decision)
        if decision.action == "scheduled":
            return jsonify({"decision": shown}), 202
        code = "BAD_REQUEST" if decision.reason in VALIDATION else "RESTART_REFUSED"
        raise ApiError(code, decision.reason, extra={"decision": shown})

    return bp
