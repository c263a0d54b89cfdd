"""The real app on a free port for tests and benchmarks: under gunicorn, or in-process.

`GunicornServer` runs `deploy/gunicorn.conf.py` in a subprocess configured only through the
environment (backend tests, e2e, benchmarks); `running_app` serves `create_app` on a generated
demo database under werkzeug in a thread, its snapshots built once (parity).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.services import build_services
from mes_dashboard.sources.demo.generator import generate
from testkit.ports import free_port

ROOT = Path(__file__).resolve().parents[1]


def demo_env(db: Path, workdir: Path) -> dict[str, str]:
    """One worker on a fixed demo database: simulator off, no Redis, a scratch page registry,
    accounts file, audit log and watchdog state."""
    return {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "MES_WORKERS": "1",
        "MES_LOG_LEVEL": "WARNING",
        "MES_PAGE_REGISTRY": str(workdir / "pages.json"),
        "MES_ACCOUNTS_FILE": str(workdir / "accounts.json"),
        "MES_AUDIT_LOG": str(workdir / "audit.jsonl"),
        "MES_STATE_DIR": str(workdir / "state"),
        "REDIS_URL": "",
    }


class GunicornServer:
    """gunicorn with deploy/gunicorn.conf.py, configured only through the environment."""

    def __init__(
        self,
        env: Mapping[str, str],
        port: int | None = None,
        app: str = "mes_dashboard.wsgi:app",
        log: Path | None = None,
        command_prefix: list[str] | None = None,
    ) -> None:
        self.app = app
        self.command_prefix = command_prefix or []
        # a file, not a pipe: nobody reads stderr while the server runs, and a full pipe stalls it
        self.log = log or Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ) | {"MES_HOST": "127.0.0.1", "MES_PORT": str(self.port)}
        self.env |= dict(env)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str = "/health/ready", timeout: float = 60.0) -> None:
        """Start and wait until `ready_path` answers 200."""
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [*self.command_prefix, str(gunicorn), "-c", "deploy/gunicorn.conf.py", self.app],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"gunicorn on {self.url} not ready after {timeout}s; log: {self.log}")

    def stop(self) -> None:
        """Terminate gracefully, then kill."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def get(
    url: str, headers: dict[str, str] | None = None, timeout: float = 10.0
) -> tuple[int, dict[str, str], bytes]:
    """GET a URL: status, headers and body, also for error statuses."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


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

    def dataset(self, name: str, params: Mapping[str, str] | None = None) -> Payload:
        """GET /api/v1/datasets/<name> (identity encoding); `params` of a query-backed one."""
        query = f"?{urllib.parse.urlencode(dict(params))}" if params else ""
        url = f"{self.url}/api/v1/datasets/{name}{query}"
        with urllib.request.urlopen(url, timeout=60) as resp:
            return Payload(
                resp.read(), resp.headers["Content-Type"], resp.headers["X-Snapshot-Version"]
            )


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def running_app(
    workdir: Path,
    *,
    lots: int = 2000,
    machines: int = 300,
    seed: int = 11,
    history_days: int = 2,
) -> Iterator[RunningApp]:
    """Generate a small demo database, build both snapshots once and serve the app in a thread."""
    db = workdir / "demo.sqlite"
    generate(db, lots=lots, machines=machines, seed=seed, history_days=history_days)
    dist = workdir / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>MES</title>")
    environ = {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "MES_STATE_DIR": str(workdir / "state"),
        "MES_AUDIT_LOG": str(workdir / "audit.jsonl"),
    }
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
