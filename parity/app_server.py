"""The real app (create_app on the demo source) under a real WSGI server in a thread."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.services import build_services
from mes_dashboard.sources.demo.generator import generate


@dataclass(frozen=True)
class Payload:
    """One dataset response: body bytes and headers."""

    body: bytes
    content_type: str
    version: str


@dataclass(frozen=True)
class RunningApp:
    """The base URL of a running app."""

    url: str

    def dataset(self, name: str) -> Payload:
        """GET /api/v1/datasets/<name> (identity encoding)."""
        with urllib.request.urlopen(f"{self.url}/api/v1/datasets/{name}", timeout=30) as resp:
            return Payload(
                resp.read(), resp.headers["Content-Type"], resp.headers["X-Snapshot-Version"]
            )


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def running_app(
    workdir: Path, *, lots: int = 2000, machines: int = 300, seed: int = 11
) -> Iterator[RunningApp]:
    """Generate a small demo database, build both snapshots once and serve the app."""
    db = workdir / "demo.sqlite"
    generate(db, lots=lots, machines=machines, seed=seed, history_days=2)
    dist = workdir / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>MES</title>")
    environ = {"MES_ENV": "test", "MES_DEMO_DB": str(db), "MES_DEMO_SIMULATE": "false"}
    services = build_services(load_settings(environ, env_file=None))
    try:
        built = services.refresh_all()
        if built != {"wip": "built", "resource": "built"}:
            raise RuntimeError(f"snapshot refresh failed: {built}")
        app = create_app(services.settings, services, start_background=False, dist=dist)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield RunningApp(f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
    finally:
        services.close()
