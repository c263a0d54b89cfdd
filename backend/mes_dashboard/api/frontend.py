"""Serves the built frontend (frontend/dist): hashed assets cached long, HTML revalidated."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from mes_dashboard.errors import ApiError

FALLBACK = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>MES Dashboard</title>"
    "<p>The frontend is not built. Run <code>make build</code>.</p></html>"
)


def make_blueprint(dist: Path) -> Blueprint:
    """Static pages and assets from `dist`."""
    bp = Blueprint("frontend", __name__)

    def page(name: str) -> Response:
        if not (dist / name).is_file():
            if name == "index.html":
                return Response(FALLBACK, content_type="text/html; charset=utf-8")
            raise ApiError("NOT_FOUND", f"no page {name!r}")
        resp = send_from_directory(dist, name, max_age=0)
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    @bp.get("/")
    def index() -> Response:
        return page("index.html")

    @bp.get("/<path:name>")
    def asset(name: str) -> Response:
        if name.startswith(("api/", "health/")):
            raise ApiError("NOT_FOUND", f"no route /{name}")
        if name.startswith("assets/") and (dist / name).is_file():
            return send_from_directory(dist, name, max_age=31536000)
        if (dist / name).is_file():
            return page(name)
        if (dist / f"{name}.html").is_file():
            return page(f"{name}.html")
        raise ApiError("NOT_FOUND", f"no page {name!r}")

    return bp
