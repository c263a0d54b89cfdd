"""GET /metrics in the Prometheus text format (every worker's values under gunicorn)."""

from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST

from mes_dashboard.services import Services


def render_metrics(services: Services) -> str:
    """Every exported metric, the gauges sampled from this process first."""
    services.sample_metrics()
    return services.metrics.render().decode()


def make_blueprint(services: Services) -> Blueprint:
    """The metrics endpoint bound to `services`."""
    bp = Blueprint("metrics", __name__)

    @bp.get("/metrics")
    def metrics() -> Response:
        return Response(render_metrics(services), content_type=CONTENT_TYPE_LATEST)

    return bp
