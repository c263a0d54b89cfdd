"""POST /api/v1/admin/restart: a signed-in admin asks the watchdog for a restart; policy decides.

The admin guard (401 anonymous, 403 non-admin or without the CSRF token) protects it; the actor is
the signed-in admin and the decision goes to the audit log through `Access.audit`.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, g, jsonify, request

from mes_dashboard.api.access import Access
from mes_dashboard.errors import ApiError
from mes_dashboard.services import Services
from mes_dashboard.watchdog.manual import TARGET, ManualControl, audit_result, restart_action
from mes_dashboard.watchdog.policy import RestartRequest

VALIDATION = {"a reason is required", "an override needs an acknowledgement"}


def make_blueprint(services: Services, access: Access) -> Blueprint:
    """The restart route, for admins only."""
    bp = Blueprint("admin_restart", __name__)
    control = ManualControl.from_settings(services.settings)

    @bp.post("/api/v1/admin/restart")
    @access.admin_required
    def restart() -> tuple[Response, int]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError("BAD_REQUEST", "expected JSON {reason, override?, acknowledge?}")
        identity = access.identity()
        ask = RestartRequest(
            identity.username if identity else "",
            str(body.get("reason") or ""),
            override=body.get("override") is True,
            acknowledge=body.get("acknowledge") is True,
            request_id=g.get("request_id", ""),
        )
        decision = control.decide_restart(ask)
        access.audit(restart_action(ask), TARGET, audit_result(decision), ask.reason)
        shown = asdict(decision)
        if decision.action == "scheduled":
            return jsonify({"decision": shown}), 202
        code = "BAD_REQUEST" if decision.reason in VALIDATION else "RESTART_REFUSED"
        raise ApiError(code, decision.reason, extra={"decision": shown})

    return bp
