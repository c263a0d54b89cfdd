"""The Flask application factory: wires services into blueprints, errors and headers."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from mes_dashboard.api import (
    admin_restart,
    datasets,
    frontend,
    health,
    metrics,
    pages,
    rate_limit,
    session,
)
from mes_dashboard.api.access import Access
from mes_dashboard.api.problem import problem_response
from mes_dashboard.api.request_metrics import install_request_metrics
from mes_dashboard.auth.gatekeeper import build_gatekeeper
from mes_dashboard.auth.sessions import SessionPolicy
from mes_dashboard.config import Settings, load_settings
from mes_dashboard.errors import ApiError
from mes_dashboard.services import Services, build_services

log = logging.getLogger(__name__)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "RATE_LIMITED",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    *,
    start_background: bool = True,
    dist: Path = DIST,
    clock: Callable[[], float] = time.time,
) -> Flask:
    """Build the app; background refreshers start unless `start_background` is False.

    `clock` (wall time in seconds) measures session lifetimes, the sign-in limiter and the audit.
    """
    settings = settings or load_settings()
    services = services or build_services(settings)
    app = Flask(__name__, static_folder=None)
    app.config.update(SECRET_KEY=settings.secret_key, JSON_SORT_KEYS=False)
    _configure_cookie(app, settings)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["mes_services"] = services
    gatekeeper = build_gatekeeper(settings, link=services.redis, clock=clock)
    policy = SessionPolicy(settings.session_idle_s, settings.session_absolute_s, clock)
    access = Access(policy, gatekeeper.audit)
    _install_hooks(app)
    access.install(app)
    # after the hooks: its 429 replacing a 200 still gets the request id and security headers
    for module in (rate_limit, datasets, metrics):
        app.register_blueprint(module.make_blueprint(services))
    app.register_blueprint(health.make_blueprint(services, access.is_admin))
    app.register_blueprint(pages.make_blueprint(settings, access))
    app.register_blueprint(admin_restart.make_blueprint(services, access))
    app.register_blueprint(session.make_blueprint(access, gatekeeper))
    app.register_blueprint(frontend.make_blueprint(dist))
    install_request_metrics(app, services.metrics)
    if start_background:
        services.start()
    return app


def _configure_cookie(app: Flask, settings: Settings) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="mes_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=settings.session_absolute_s,
    )
    if not settings.cookie_secure:
        log.warning(
            "MES_COOKIE_SECURE=false: the admin session cookie travels over plain HTTP and can be "
            "read on the network; use this only on a trusted development network"
        )


def _install_hooks(app: Flask) -> None:
    @app.before_request
    def assign_request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def secure(resp: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(name, value)
        resp.headers["X-Request-ID"] = getattr(g, "request_id", "")
        return resp

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return problem_response(exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = HTTP_CODES.get(exc.code or 500, "INTERNAL_ERROR")
        resp = problem_response(ApiError(code, exc.description or ""))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.path)
        return problem_response(ApiError("INTERNAL_ERROR", "an unexpected error occurred"))
