"""Reload to first paint from the browser's local copy, on the real app (used by bench/sync.py).

gunicorn (2 workers, demo source of the given size, simulator off) serves frontend/dist. One
browser context opens the WIP overview, waits for the lots KPI and for the local copy of `wip`
in IndexedDB, then reloads `runs` times with the server up, and `runs` times with it stopped (the
pages then come from frontend/dist through Playwright routing, every API request is refused).
Each figure is performance.now() when the KPI first carries a value, read by an init script that
watches every animation frame from the start of the navigation. A fresh context (no local copy)
gives the network figure for comparison.
"""

from __future__ import annotations

import mimetypes
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_env import wait_for_idle
from playwright.sync_api import BrowserContext, Page, Route, sync_playwright

from testkit.app_server import GunicornServer, demo_env
from testkit.chromium import launch

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "frontend" / "dist"
sys.path.insert(0, str(REPO))
from e2e.local_copy import records  # noqa: E402

WATCH = """(() => {
  const tick = () => {
    const kpi = document.querySelector('[data-testid="kpi-lots"]');
    const value = kpi && kpi.getAttribute("data-value");
    if (value) { window.__kpiPaintedAt = performance.now(); window.__kpiValue = value; return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""


def _serve_dist(route: Route) -> None:
    path = re.sub(r"^https?://[^/]+", "", route.request.url).split("?")[0].split("#")[0]
    if path.startswith(("/api/", "/health/")):
        route.continue_()
        return
    file = DIST / ("index.html" if path in ("", "/") else path.lstrip("/"))
    if not file.is_file():
        route.fulfill(status=404, body="not found")
        return
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    route.fulfill(status=200, body=file.read_bytes(), headers={"Content-Type": kind})


def _painted(page: Page, timeout_s: float = 120.0) -> tuple[float, str]:
    # Polled with evaluate: the app's CSP (script-src 'self') refuses wait_for_function's string
    # predicate. The figure is the in-page timestamp, so the polling interval does not enter it.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        painted = page.evaluate("[window.__kpiPaintedAt ?? null, window.__kpiValue ?? null]")
        if painted[0] is not None:
            return float(painted[0]), str(painted[1])
        page.wait_for_timeout(50)
    raise RuntimeError("the lots KPI was not painted")


def _wait_for_copy(page: Page, timeout_s: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for record in records(page):
            if record["dataset"] == "wip":
                return record
        page.wait_for_timeout(250)
    raise RuntimeError("the page saved no local copy of wip")


def _context(browser: Any) -> BrowserContext:
    context: BrowserContext = browser.new_context()
    context.add_init_script(WATCH)
    return context


def measure_reload(db: Path, runs: int, wait_idle: float) -> dict[str, Any]:
    """Network first paint, then reloads from the local copy with the server up and stopped."""
    if not (DIST / "index.html").is_file():
        raise RuntimeError("frontend/dist is missing: run `make build` first")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        env = demo_env(db, Path(tmp)) | {"MES_DEMO_SIMULATE": "false"}
        server = GunicornServer(env, log=Path(tmp) / "gunicorn.log")
        server.start(timeout=600)
        browser = launch(pw)
        try:
            url = server.url + "/#/wip"
            network: list[float] = []
            for _ in range(runs):
                wait_for_idle(wait_idle)
                context = _context(browser)
                page = context.new_page()
                page.goto(url)
                network.append(_painted(page)[0])
                context.close()
            context = _context(browser)
            page = context.new_page()
            page.goto(url)
            _, lots = _painted(page)
            record = _wait_for_copy(page)
            up: list[float] = []
            for _ in range(runs):
                wait_for_idle(wait_idle)
                page.reload()
                ms, value = _painted(page)
                if value != lots:
                    raise RuntimeError(f"the reload painted {value} lots, expected {lots}")
                up.append(ms)
            server.stop()
            page.route("**/*", _serve_dist)
            down: list[float] = []
            for _ in range(runs):
                wait_for_idle(wait_idle)
                page.reload()
                ms, value = _painted(page)
                if value != lots:
                    raise RuntimeError(f"the reload painted {value} lots, expected {lots}")
                down.append(ms)
            context.close()
        finally:
            browser.close()
            server.stop()

    def summary(values: list[float]) -> dict[str, Any]:
        ordered = sorted(values)
        return {"median_ms": ordered[len(ordered) // 2], "runs_ms": [round(v, 1) for v in values]}

    return {
        "lots": int(lots),
        "local_copy_bytes": record["byteLength"],
        "network": summary(network),
        "server_up": summary(up),
        "server_down": summary(down),
    }
