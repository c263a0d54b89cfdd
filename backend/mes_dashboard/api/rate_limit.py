"""Rate limits on the expensive routes, per client IP and route class, for the whole app.

    snapshot  GET /api/v1/datasets/<served snapshot dataset>: full payload downloads
    query     GET /api/v1/datasets/<query-backed dataset>: requests that reach the database

A request over its class's budget is answered 429 `RATE_LIMITED` with Retry-After the rest of
the window, before it runs; a conditional request (If-None-Match, or `?since=` naming a held
version) runs first, since it may end in a free 304, and its 200 is replaced by the 429 when over
budget. Only 200 answers (full snapshots and deltas) are charged, so 304 revalidations and
failures are free; health, metrics, row lookups and pages are never
limited.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, g, request

from mes_dashboard.api.problem import problem_response
from mes_dashboard.cluster.rate_limiter import Verdict
from mes_dashboard.datasets import REGISTRY
from mes_dashboard.errors import ApiError
from mes_dashboard.services import Services

DATASET_PATH = re.compile(r"^/api/v1/datasets/([^/]+)$")


def route_class(path: str) -> str | None:
    """snapshot, query, or None for a route that is not limited."""
    match = DATASET_PATH.match(path)
    spec = REGISTRY.get(match.group(1)) if match else None
    if spec is None:
        return None
    return "query" if spec.kind == "query" else "snapshot"


def _conditional() -> bool:
    """A request that may end in a free 304."""
    return "If-None-Match" in request.headers or "since" in request.args


def _limited(cls: str, verdict: Verdict) -> ApiError:
    return ApiError(
        "RATE_LIMITED",
        f"too many {cls} requests from this client; try again after the window",
        retry_after=verdict.retry_after_s,
    )


def make_blueprint(services: Services) -> Blueprint:
    """App-wide hooks enforcing `services.rate_limiter` on the limited route classes."""
    bp = Blueprint("rate_limit", __name__)
    limiter = services.rate_limiter

    def client() -> str:
        return request.remote_addr or "unknown"

    @bp.before_app_request
    def check() -> None:
        cls = route_class(request.path) if request.method == "GET" else None
        if cls is None:
            return
        g.rate_class = cls
        if _conditional():
            return
        verdict = limiter.check(cls, client())
        if not verdict.allowed:
            raise _limited(cls, verdict)

    @bp.after_app_request
    def charge(resp: Response) -> Response:
        cls = g.pop("rate_class", None)
        if cls is None or resp.status_code != 200:
            return resp
        if _conditional():
            verdict = limiter.check(cls, client())
            if not verdict.allowed:
                return problem_response(_limited(cls, verdict))
        limiter.charge(cls, client())
        return resp

    return bp
