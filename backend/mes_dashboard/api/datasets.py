"""GET /api/v1/datasets[...]: cached Arrow payloads, 304 revalidation, projection, row lookup."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from mes_dashboard import contracts
from mes_dashboard.datasets import REGISTRY, served_queries
from mes_dashboard.datasets.query_result import QueryResult
from mes_dashboard.errors import ApiError
from mes_dashboard.services import Services
from mes_dashboard.snapshots.encode import ENCODINGS, compress, negotiate, write_ipc
from mes_dashboard.snapshots.snapshot import Snapshot

ARROW_STREAM = "application/vnd.apache.arrow.stream"
MAX_KEY_LENGTH = 128
# `?since=` names a version the client holds (snapshots are versioned by 16 hex digits)
SINCE = re.compile(r"[0-9A-Za-z._-]{0,64}")
# a worker that has not finished its first refresh holds requests this long instead of a 503
COLD_START_WAIT_S = 10.0


class ProjectionCache:
    """Encoded column projections per (version, columns), least recently used first out."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, tuple[str, ...]], dict[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, snap: Snapshot, cols: tuple[str, ...]) -> dict[str, bytes]:
        """Identity body and compressed variants of a projection."""
        key = (snap.version, cols)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        body = write_ipc(snap.table.select(list(cols)), snap.meta)
        variants = {"identity": body} | {enc: compress(body, enc) for enc in ENCODINGS}
        with self._lock:
            self._items[key] = variants
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return variants


def _wait_for_snapshot(services: Services, name: str) -> Snapshot | None:
    """A worker without a snapshot yet (cold, or a follower whose shared store went away) waits
    for its own refresh cycles, up to COLD_START_WAIT_S, instead of answering 503 beside warm
    siblings; a failed refresh (the source is down) ends the wait at once."""
    refresher = services.refreshers[name]
    deadline = time.monotonic() + COLD_START_WAIT_S
    while True:
        seen = refresher.attempts
        snap = services.store.current(name)
        if snap is not None or refresher.state.last_result == "failed":
            return snap
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not refresher.wait_attempt_after(seen, remaining):
            return services.store.current(name)


def _snapshot(services: Services, name: str) -> Snapshot:
    if name not in services.refreshers:
        known = ", ".join(services.refreshers)
        raise ApiError("UNKNOWN_DATASET", f"unknown dataset {name!r}; known: {known}")
    snap = services.store.current(name) or _wait_for_snapshot(services, name)
    if snap is None:
        interval = services.refreshers[name].interval_s
        raise ApiError(
            "SNAPSHOT_UNAVAILABLE",
            f"no snapshot of {name!r} yet; the first refresh has not succeeded",
            retry_after=interval,
        )
    return snap


def _projection(snap: Snapshot) -> tuple[str, ...] | None:
    raw = request.args.get("columns")
    if raw is None:
        return None
    wanted = tuple(c.strip() for c in raw.split(",") if c.strip())
    if not wanted:
        raise ApiError("BAD_REQUEST", "columns= must name at least one column")
    have = set(snap.columns)
    unknown = [c for c in wanted if c not in have]
    if unknown:
        raise ApiError(
            "UNKNOWN_COLUMN",
            f"unknown column(s) {', '.join(unknown)} in dataset {snap.dataset!r}",
            extra={"unknown_columns": unknown},
        )
    return tuple(dict.fromkeys(wanted))


def _since() -> str | None:
    """The version named by `?since=`, None when absent or empty; 400 when malformed."""
    raw = request.args.get("since")
    if raw is not None and not SINCE.fullmatch(raw):
        raise ApiError(
            "BAD_REQUEST",
            "since= names a snapshot version: at most 64 characters of 0-9, A-Z, a-z, . _ -",
        )
    return raw or None


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def _query_args() -> dict[str, str]:
    """Request parameters; a repeated one (`families=A&families=B`) joins as a list."""
    return {k: ",".join(request.args.getlist(k)) for k in request.args}


def _send(variants: dict[str, bytes], headers: dict[str, str]) -> Response:
    if _etag_matches(request.headers.get("If-None-Match"), headers["ETag"]):
        return Response(status=304, headers=headers)
    encoding = negotiate(request.headers.get("Accept-Encoding", ""), variants)
    body = variants[encoding] if encoding else variants["identity"]
    if encoding:
        headers["Content-Encoding"] = encoding
    headers["X-Uncompressed-Length"] = str(len(variants["identity"]))
    return Response(body, status=200, headers=headers, content_type=ARROW_STREAM)


def _result_headers(result: QueryResult) -> dict[str, str]:
    age = max(0.0, (datetime.now(UTC) - result.generated_at).total_seconds())
    stamp = result.generated_at.isoformat(timespec="seconds")
    return {
        "ETag": result.etag,
        "Cache-Control": "no-cache",
        "Vary": "Accept-Encoding",
        "X-Snapshot-Version": result.version,
        "X-Snapshot-Generated-At": stamp,
        "X-Snapshot-Time": stamp,
        "X-Data-Age-Seconds": str(int(age)),
    }


def make_blueprint(services: Services) -> Blueprint:
    """The datasets API bound to `services`."""
    bp = Blueprint("datasets", __name__)
    projections = ProjectionCache()
    queries = {spec.name: spec for spec in served_queries()}

    def snapshot_headers(snap: Snapshot, name: str, etag: str) -> dict[str, str]:
        confirmed = services.store.confirmed_time(snap)
        age = max(0.0, (datetime.now(UTC) - confirmed).total_seconds())
        headers = {
            "ETag": etag,
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
            "X-Snapshot-Version": snap.version,
            "X-Snapshot-Generated-At": snap.generated_at.isoformat(timespec="seconds"),
            "X-Snapshot-Time": confirmed.isoformat(timespec="seconds"),
            "X-Data-Age-Seconds": str(int(age)),
        }
        degraded = services.degraded(name)
        if degraded:
            headers["X-Degraded"] = degraded
        return headers

    @bp.get("/api/v1/datasets")
    def catalogue() -> Response:
        out = []
        for name in services.refreshers:
            snap = services.store.current(name)
            entry = snap.describe() if snap else {"name": name, "version": None, "rows": 0}
            if snap is not None:
                entry["snapshot_time"] = services.store.confirmed_time(snap).isoformat()
            entry |= REGISTRY[name].describe()
            entry["degraded"] = services.degraded(name)
            out.append(entry)
        for name, spec in queries.items():
            entry = {"name": name, "version": None, "rows": None, "degraded": None}
            out.append(entry | spec.describe())
        return jsonify({"datasets": out})

    def query_payload(name: str) -> Response:
        if services.history is None:
            raise ApiError("UNKNOWN_DATASET", f"dataset {name!r} is not served by this process")
        machines = _snapshot(services, "resource").table
        result = services.history.result(_query_args(), machines)
        return _send(result.variants, _result_headers(result))

    @bp.get("/api/v1/datasets/<name>")
    def payload(name: str) -> Response:
        if name in queries:
            return query_payload(name)
        snap = _snapshot(services, name)
        cols = _projection(snap)
        if cols is not None:  # a projection is always full; `since` is ignored
            digest = hashlib.blake2b(",".join(cols).encode(), digest_size=4).hexdigest()
            headers = snapshot_headers(snap, name, f'"{snap.version}.{digest}"')
            headers["X-Payload"] = "full"
            variants = projections.get(snap, cols)
        else:
            since = _since()
            headers = snapshot_headers(snap, name, snap.etag)
            if since == snap.version:
                return Response(status=304, headers=headers)
            delta = services.store.delta(name, since, snap.version) if since else None
            if delta is not None:
                headers |= {"X-Payload": "delta", "X-Delta-Base": delta.base}
                variants = {"identity": delta.body} | delta.variants
            else:
                headers["X-Payload"] = "full"
                variants = {"identity": snap.body} | snap.variants
        resp = _send(variants, headers)
        if resp.status_code == 200:
            services.metrics.count_payload(name, headers["X-Payload"])
        return resp

    @bp.get("/api/v1/datasets/<name>/rows/<path:key>")
    def row(name: str, key: str) -> Response:
        snap = _snapshot(services, name)
        if not key or len(key) > MAX_KEY_LENGTH:
            raise ApiError("BAD_REQUEST", f"a row key has 1 to {MAX_KEY_LENGTH} characters")
        record = snap.row(key)
        if record is None:
            key_col = contracts.dataset(name)["key"]
            raise ApiError("NOT_FOUND", f"no row with {key_col} {key!r} in {name} {snap.version}")
        resp = jsonify({"dataset": name, "version": snap.version, "row": record})
        resp.headers["X-Snapshot-Version"] = snap.version
        return resp

    return bp
