"""GET /api/v1/pages (the page registry as this user sees it) and GET /api/v1/ui-config."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify

from mes_dashboard.config import Settings
from mes_dashboard.datasets import refreshed
from mes_dashboard.datasets.resource_history import NAME as HISTORY
from mes_dashboard.datasets.resource_history import deadline_ms
from mes_dashboard.registry.pages import read_registry, visible_pages


def make_blueprint(settings: Settings) -> Blueprint:
    """Registry and browser configuration endpoints."""
    bp = Blueprint("pages", __name__)
    registry_path = Path(settings.page_registry)

    @bp.get("/api/v1/pages")
    def pages() -> Response:
        # admin sessions arrive with the operations work; until then dev pages stay hidden
        return jsonify(visible_pages(read_registry(registry_path), is_admin=False))

    @bp.get("/api/v1/ui-config")
    def ui_config() -> Response:
        return jsonify(
            {
                "plant_tz": settings.plant_tz,
                "refresh_s": {spec.name: spec.poll_s(settings) for spec in refreshed()},
                # request deadlines longer than the server's worst case (pool wait + call)
                "deadline_ms": {HISTORY: deadline_ms(settings)},
                "languages": ["zh-TW", "en"],
                "default_language": "zh-TW",
            }
        )

    return bp
