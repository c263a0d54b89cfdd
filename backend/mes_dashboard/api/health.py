"""Health probes: live (process and its refresher threads), ready (a snapshot can be served),
deep (everything in effect, the database probe, breakers, problems and recommended actions, for
admins; a status summary without settings, source or Redis detail for everyone else)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from mes_dashboard.api.problems import find_problems
from mes_dashboard.errors import ApiError
from mes_dashboard.services import Services
from mes_dashboard.watchdog.report import health_section


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat(timespec="seconds")


def dataset_health(services: Services) -> dict[str, dict[str, Any]]:
    """Per-dataset snapshot version, age, last refresh result and shared degraded state."""
    now = datetime.now(UTC)
    out: dict[str, dict[str, Any]] = {}
    for name in services.refreshers:
        snap = services.store.current(name)
        state = services.refreshers[name].state
        degraded = services.store.degraded(name)
        confirmed = services.store.confirmed_time(snap) if snap else None
        out[name] = {
            "version": snap.version if snap else None,
            "rows": snap.rows if snap else 0,
            "snapshot_time": _iso(confirmed),
            "age_s": round((now - confirmed).total_seconds(), 1) if confirmed else None,
            "last_result": state.last_result,
            "last_error": state.last_error,
            "last_success": _iso(state.last_success),
            "failures_in_row": state.failures_in_row,
            "failures_total": state.failures_total,
            "degraded_since": _iso(degraded.since) if degraded else None,
            "degraded": degraded.describe() if degraded else None,
            "anomalies": dict(state.anomalies),
            "refresh_interval_s": services.refreshers[name].interval_s,
        }
    return out


def deep_report(services: Services) -> dict[str, Any]:
    """The /health/deep body; bounded by the probe timeout and the Redis socket timeouts."""
    services.sample_metrics()
    datasets = dataset_health(services)
    degraded = {n: d["degraded"] for n, d in datasets.items() if d["degraded"]}
    report: dict[str, Any] = {
        "datasets": datasets,
        "degraded": degraded,
        "database": services.probe.run() if services.probe else {"status": "not-probed"},
        "source": services.source_status(),
        "breakers": services.breaker_status(),
        "redis": services.redis_status(),
        "dead_threads": services.dead_threads(),
        "alerts": services.alerts.tick(),
        "watchdog": health_section(services.settings, time.time()),
    }
    report["problems"] = find_problems(report)
    report["status"] = "degraded" if degraded or report["problems"] else "ok"
    report["settings"] = services.settings.public()
    return report


def health_summary(datasets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What anyone may see: overall status and each dataset's version, age and degraded flag."""
    return {
        "status": "degraded" if any(d["degraded"] for d in datasets.values()) else "ok",
        "datasets": {
            name: {
                "version": d["version"],
                "snapshot_time": d["snapshot_time"],
                "age_s": d["age_s"],
                "degraded": bool(d["degraded"]),
            }
            for name, d in datasets.items()
        },
    }


def make_blueprint(services: Services, is_admin: Callable[[], bool]) -> Blueprint:
    """Health endpoints bound to `services`; `is_admin` tells whether the caller sees everything."""
    bp = Blueprint("health", __name__)

    @bp.get("/health/live")
    def live() -> Response:
        dead = services.dead_threads()
        if dead:
            raise ApiError("REFRESHER_STOPPED", f"background thread(s) ended: {', '.join(dead)}")
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
        if not is_admin():
            return jsonify(health_summary(dataset_health(services)))
        report = deep_report(services)
        return jsonify({"status": report.pop("status")} | report)

    return bp
