"""GET /api/v1/pages (the page registry as this user sees it), PUT /api/v1/pages/<id> (an admin
sets a page's status) and GET /api/v1/ui-config."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, request

from mes_dashboard.api.access import Access
from mes_dashboard.config import Settings
from mes_dashboard.datasets import refreshed
from mes_dashboard.datasets.resource_history import NAME as HISTORY
from mes_dashboard.datasets.resource_history import deadline_ms
from mes_dashboard.errors import ApiError
from mes_dashboard.registry.pages import STATUSES, read_registry, visible_pages, write_registry


def _requested_status() -> str:
    body = request.get_json(silent=True)
    status = body.get("status") if isinstance(body, dict) else None
    if status not in STATUSES:
        raise ApiError("BAD_REQUEST", f"send JSON {{status}} with one of {sorted(STATUSES)}")
    return str(status)


def make_blueprint(settings: Settings, access: Access) -> Blueprint:
    """Registry and browser configuration endpoints."""
    bp = Blueprint("pages", __name__)
    registry_path = Path(settings.page_registry)

    @bp.get("/api/v1/pages")
    def pages() -> Response:
        return jsonify(visible_pages(read_registry(registry_path), is_admin=access.is_admin()))

    @bp.get("/api/v1/pages/<page_id>")
    def page(page_id: str) -> Response:
        visible = visible_pages(read_registry(registry_path), is_admin=access.is_admin())
        found = next((p for p in visible["pages"] if p["id"] == page_id), None)
        if found is None:
            raise ApiError("NOT_FOUND", f"no page {page_id!r} for this user")
        return jsonify(found)

    @bp.put("/api/v1/pages/<page_id>")
    @access.admin_required
    def set_status(page_id: str) -> Response:
        status = _requested_status()
        doc = read_registry(registry_path)
        page = next((p for p in doc["pages"] if p["id"] == page_id), None)
        if page is None:
            access.audit("page_status", page_id, "not_found", status)
            raise ApiError("NOT_FOUND", f"no page {page_id!r} in the registry")
        before = page["status"]
        page["status"] = status
        write_registry(registry_path, doc)
        access.audit("page_status", page_id, "ok", f"{before} -> {status}")
        return jsonify(page)

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
