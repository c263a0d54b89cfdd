"""Serves the built frontend (frontend/dist): hashed assets cached long, HTML revalidated."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import PathConverter

from mes_dashboard.errors import ApiError

FALLBACK = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>MES Dashboard</title>"
    "<p>The frontend is not built. Run <code>make build</code>.</p></html>"
)


class PageConverter(PathConverter):
    """A path outside api/ and health/, so those answer 404 or 405 from their own routes."""

    regex = r"(?!api/|health/)[^/].*?"


def make_blueprint(dist: Path) -> Blueprint:
    """Static pages and assets from `dist`."""
    bp = Blueprint("frontend", __name__)

    @bp.record_once
    def add_converter(state: BlueprintSetupState) -> None:
        state.app.url_map.converters["page"] = PageConverter

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

    @bp.get("/<page:name>")
    def asset(name: str) -> Response:
        if name.startswith("assets/") and (dist / name).is_file():
            return send_from_directory(dist, name, max_age=31536000)
        if (dist / name).is_file():
            return page(name)
        if (dist / f"{name}.html").is_file():
            return page(f"{name}.html")
        raise ApiError("NOT_FOUND", f"no page {name!r}")

    return bp
