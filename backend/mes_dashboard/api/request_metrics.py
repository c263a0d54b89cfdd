"""Request counts, latency and retries by route (the Flask rule, never the raw path)."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from mes_dashboard.observability.metrics import Metrics

UNMATCHED = "(unmatched)"


def _retry_attempt() -> int:
    raw = request.headers.get("X-Retry-Attempt", "")
    return int(raw) if raw.isdigit() else 0


def install_request_metrics(app: Flask, metrics: Metrics) -> None:
    """Count and time every response, errors included, and the retries among them."""

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def record(resp: Response) -> Response:
        rule = request.url_rule
        route = rule.rule if rule is not None else UNMATCHED
        labels = (route, request.method, str(resp.status_code))
        metrics.requests.labels(*labels).inc()
        started = getattr(g, "request_started", None)
        if started is not None:
            metrics.latency.labels(*labels).observe(time.perf_counter() - started)
        if _retry_attempt() > 0:
            metrics.retries.labels(route).inc()
        return resp
