"""The Flask application factory: wires services into blueprints, errors and headers."""

from __future__ import annotations

import json
import logging
import re
import uuid
from pathlib import Path

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from mes_dashboard.api import admin_restart, datasets, frontend, health, metrics, pages
from mes_dashboard.api.admin_guard import deny_all
from mes_dashboard.api.admin_restart import Guard
from mes_dashboard.config import Settings, load_settings
from mes_dashboard.errors import PROBLEM_CONTENT_TYPE, ApiError, problem_body, retry_after_header
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
    admin_guard: Guard = deny_all,
) -> Flask:
    """Build the app; background refreshers start unless `start_background` is False.

    `admin_guard` protects the admin routes (every request is refused until sign-in supplies one).
    """
    settings = settings or load_settings()
    services = services or build_services(settings)
    app = Flask(__name__, static_folder=None)
    app.config.update(SECRET_KEY=settings.secret_key, JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["mes_services"] = services
    for module in (datasets, health, metrics):
        app.register_blueprint(module.make_blueprint(services))
    app.register_blueprint(pages.make_blueprint(settings))
    app.register_blueprint(admin_restart.make_blueprint(services, admin_guard))
    app.register_blueprint(frontend.make_blueprint(dist))
    _install_hooks(app)
    if start_background:
        services.start()
    return app


def _problem(error: ApiError) -> Response:
    rid = getattr(g, "request_id", "")
    resp = Response(status=error.status, content_type=PROBLEM_CONTENT_TYPE)
    resp.set_data(json.dumps(problem_body(error, rid, request.path), ensure_ascii=False))
    if error.retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after_header(error.retry_after))
    return resp


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
        return _problem(exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = HTTP_CODES.get(exc.code or 500, "INTERNAL_ERROR")
        return _problem(ApiError(code, exc.description or ""))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.path)
        return _problem(ApiError("INTERNAL_ERROR", "an unexpected error occurred"))
