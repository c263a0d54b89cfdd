"""Health probes: live (process), ready (a snapshot can be served), deep (everything in effect)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from mes_dashboard.errors import ApiError
from mes_dashboard.services import Services
from mes_dashboard.watchdog.report import health_section


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(timespec="seconds")


def dataset_health(services: Services) -> dict[str, dict[str, Any]]:
    """Per-dataset snapshot version, age and last refresh result."""
    now = datetime.now(UTC)
    out: dict[str, dict[str, Any]] = {}
    for name in services.refreshers:
        snap = services.store.current(name)
        state = services.refreshers[name].state
        out[name] = {
            "version": snap.version if snap else None,
            "rows": snap.rows if snap else 0,
            "snapshot_time": _iso(snap.snapshot_time) if snap else None,
            "age_s": round((now - snap.snapshot_time).total_seconds(), 1) if snap else None,
            "last_result": state.last_result,
            "last_error": state.last_error,
            "last_success": _iso(state.last_success),
            "degraded_since": _iso(state.degraded_since),
            "anomalies": dict(state.anomalies),
            "refresh_interval_s": services.refreshers[name].interval_s,
        }
    return out


def make_blueprint(services: Services) -> Blueprint:
    """Health endpoints bound to `services`."""
    bp = Blueprint("health", __name__)

    @bp.get("/health/live")
    def live() -> Response:
        return jsonify({"status": "ok"})

    @bp.get("/health/ready")
    def ready() -> Response:
        missing = [n for n in services.refreshers if services.store.current(n) is None]
        if missing:
            interval = min(r.interval_s for r in services.refreshers.values())
            raise ApiError(
                "SNAPSHOT_UNAVAILABLE",
                f"no snapshot yet for {', '.join(missing)}",
                retry_after=interval,
            )
        return jsonify({"status": "ready", "datasets": list(services.refreshers)})

    @bp.get("/health/deep")
    def deep() -> Response:
        datasets = dataset_health(services)
        degraded = {n: d["degraded_since"] for n, d in datasets.items() if d["degraded_since"]}
        return jsonify(
            {
                "status": "degraded" if degraded else "ok",
                "datasets": datasets,
                "degraded": degraded,
                "redis": services.redis_status(),
                "source": services.source_status(),
                "watchdog": health_section(services.settings, time.time()),
                "settings": services.settings.public(),
            }
        )

    return bp
