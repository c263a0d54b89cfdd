"""Start the real gunicorn server on a free port for tests, and stop it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class GunicornServer:
    """gunicorn with deploy/gunicorn.conf.py, configured only through the environment."""

    def __init__(
        self,
        env: Mapping[str, str],
        port: int | None = None,
        app: str = "mes_dashboard.wsgi:app",
        log: Path | None = None,
    ) -> None:
        self.app = app
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
                [str(gunicorn), "-c", "deploy/gunicorn.conf.py", self.app],
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


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET a URL: status, headers and body, also for error statuses."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()
