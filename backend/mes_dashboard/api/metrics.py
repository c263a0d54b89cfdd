"""GET /metrics in the Prometheus text format."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, Response

from mes_dashboard.services import Services
from mes_dashboard.watchdog.report import metric_lines

TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


def render_metrics(services: Services) -> str:
    """Every exported metric of this process."""
    now = datetime.now(UTC)
    lines = _source_query_lines(services) + _anomaly_lines(services) + _redis_lines(services)
    gauges = {
        "mes_refresh_duration_seconds": "Duration of the last refresh.",
        "mes_refresh_last_success_timestamp_seconds": "Unix time of the last successful refresh.",
        "mes_snapshot_bytes": "IPC bytes of the current snapshot.",
        "mes_snapshot_rows": "Rows of the current snapshot.",
        "mes_snapshot_age_seconds": "Age of the current snapshot's data.",
    }
    values: dict[str, list[tuple[str, float]]] = {k: [] for k in gauges}
    for name, r in services.refreshers.items():
        values["mes_refresh_duration_seconds"].append((name, r.state.last_duration_s))
        if r.state.last_success:
            values["mes_refresh_last_success_timestamp_seconds"].append(
                (name, r.state.last_success.timestamp())
            )
        snap = services.store.current(name)
        if snap is not None:
            values["mes_snapshot_bytes"].append((name, len(snap.body)))
            values["mes_snapshot_rows"].append((name, snap.rows))
            values["mes_snapshot_age_seconds"].append(
                (name, (now - snap.snapshot_time).total_seconds())
            )
    for metric, help_text in gauges.items():
        lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} gauge"]
        lines += [f'{metric}{{dataset="{n}"}} {float(v)!r}' for n, v in values[metric]]
    lines += metric_lines(services.settings, time.time())
    return "\n".join(lines) + "\n"


def _source_query_lines(services: Services) -> list[str]:
    """Source queries: cluster-wide (from Redis) when Redis is configured, else this process."""
    scope = "all workers" if services.query_counter else "this process"
    lines = [
        f"# HELP mes_source_queries_total Queries sent to the source, per dataset ({scope}).",
        "# TYPE mes_source_queries_total counter",
    ]
    for name, r in services.refreshers.items():
        total = r.state.source_queries
        if services.query_counter is not None:
            shared = services.query_counter.total(name)
            if shared is None:
                continue
            total = shared
        lines.append(f'mes_source_queries_total{{dataset="{name}"}} {total}')
    lines += [
        "# HELP mes_source_queries_process_total Queries sent to the source by this process.",
        "# TYPE mes_source_queries_process_total counter",
    ]
    for name, r in services.refreshers.items():
        lines.append(
            f'mes_source_queries_process_total{{dataset="{name}"}} {r.state.source_queries}'
        )
    return lines


def _anomaly_lines(services: Services) -> list[str]:
    """Values the last published build changed or dropped, per dataset and kind."""
    lines = [
        "# HELP mes_build_anomalies Values the last published build rounded, nulled or chose "
        "between (per kind).",
        "# TYPE mes_build_anomalies gauge",
    ]
    for name, r in services.refreshers.items():
        for kind, count in sorted(r.state.anomalies.items()):
            lines.append(f'mes_build_anomalies{{dataset="{name}",kind="{kind}"}} {count}')
    return lines


def _redis_lines(services: Services) -> list[str]:
    """Whether Redis answered the last call (only when Redis is configured)."""
    if services.redis is None:
        return []
    up = 1 if services.redis.healthy else 0
    return [
        "# HELP mes_redis_up 1 when the last Redis call succeeded.",
        "# TYPE mes_redis_up gauge",
        f"mes_redis_up {up}",
    ]


def make_blueprint(services: Services) -> Blueprint:
    """The metrics endpoint bound to `services`."""
    bp = Blueprint("metrics", __name__)

    @bp.get("/metrics")
    def metrics() -> Response:
        return Response(render_metrics(services), content_type=TEXT_FORMAT)

    return bp
