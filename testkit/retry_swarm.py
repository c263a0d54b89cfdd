"""Many clients of the real browser fetch client against a real 503 server, retry times recorded.

`run_swarm` builds bench/retry (vite), serves it beside `/api/flaky`, which answers each client's
first request 503 `SNAPSHOT_UNAVAILABLE` with `Retry-After` and every later one 200, and opens
it in headless Chromium. Each client's delay is the time from the server's 503 to the arrival of
its retry (carrying `X-Retry-Attempt: 1`), measured on the server's monotonic clock.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from testkit.chromium import launch

ROOT = Path(__file__).resolve().parents[1]
PROBLEM = {
    "type": "urn:mes-dashboard:error:snapshot_unavailable",
    "title": "No snapshot available yet",
    "status": 503,
    "code": "SNAPSHOT_UNAVAILABLE",
    "retryable": True,
    "request_id": "swarm",
}


@dataclass
class Flaky:
    """What the 503 server saw: per client, when it answered 503 and when the retry arrived."""

    retry_after_s: int
    answered_503: dict[str, float] = field(default_factory=dict)
    retried: dict[str, float] = field(default_factory=dict)
    attempt_headers: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def delays_s(self) -> list[float]:
        """Seconds from each client's 503 to its retry."""
        return sorted(self.retried[c] - self.answered_503[c] for c in self.retried)


class _Handler(SimpleHTTPRequestHandler):
    flaky: Flaky

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/api/flaky":
            super().do_GET()
            return
        client = urllib.parse.parse_qs(url.query).get("client", ["?"])[0]
        with self.flaky.lock:
            now = time.monotonic()
            first = client not in self.flaky.answered_503
            if first:
                self.flaky.answered_503[client] = now
            else:
                self.flaky.retried.setdefault(client, now)
                self.flaky.attempt_headers.append(self.headers.get("X-Retry-Attempt", ""))
        if first:
            body = json.dumps(PROBLEM).encode()
            self._answer(503, body, "application/problem+json", self.flaky.retry_after_s)
        else:
            self._answer(200, b"\x00\x01", "application/vnd.apache.arrow.stream", None)

    def _answer(self, status: int, body: bytes, content_type: str, retry_after: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        self.wfile.write(body)


def build_page(out: Path) -> None:
    """Build bench/retry into `out`."""
    subprocess.run(
        ["npx", "vite", "build", "--config", "bench/retry/vite.config.ts", "--outDir", str(out)],
        cwd=ROOT,
        check=True,
    )


def run_swarm(clients: int = 50, retry_after_s: int = 2) -> tuple[Flaky, list[int]]:
    """Run `clients` fetch clients against the 503 server; what it saw and each attempt count."""
    with tempfile.TemporaryDirectory(prefix="retry-swarm-") as tmp:
        dist = Path(tmp) / "dist"
        build_page(dist)
        flaky = Flaky(retry_after_s)
        handler = type("Handler", (_Handler,), {"flaky": flaky})
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(dist)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with sync_playwright() as p:
                browser = launch(p)
                try:
                    page = browser.new_page()
                    page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
                    page.wait_for_function("typeof window.runSwarm === 'function'")
                    attempts = page.evaluate(
                        "([n, url]) => window.runSwarm(n, url)", [clients, "/api/flaky"]
                    )
                finally:
                    browser.close()
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
    return flaky, list(attempts)
