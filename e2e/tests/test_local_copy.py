"""The browser's local copy (issue 14): the page keeps the last snapshot in IndexedDB, paints it
at a reload and revalidates it (a 304 to `?since=<version>`); with the server stopped a reload
still shows the data, under the banner naming the local copy; "clear local data" empties the
store.

This module stops its own gunicorn. Its reload after the stop takes the built pages from
`frontend/dist` through Playwright routing (what a browser cache or a proxy in front would give),
while every API request still goes to the stopped port and is refused.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, Route, expect

from e2e.local_copy import records, wait_for_record
from e2e.reference_data import NOT_DUMMY, fetch_table, totals
from e2e.tests.conftest import ROOT, SEED
from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, demo_env

DIST = ROOT / "frontend" / "dist"
SHOTS = Path("/tmp/shots")
REFUSED = "Failed to load resource: net::ERR_CONNECTION_REFUSED"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GunicornServer]:
    """This module's own gunicorn (the tests stop it)."""
    if not (DIST / "index.html").is_file():
        pytest.fail("frontend/dist is missing: run `npm run build` (or `make build`) first")
    tmp = tmp_path_factory.mktemp("e2e-local-copy")
    db = tmp / "demo.sqlite"
    generate(db, lots=3000, machines=300, seed=SEED, history_days=2)
    gunicorn = GunicornServer(demo_env(db, tmp), log=tmp / "gunicorn.log")
    gunicorn.start()
    try:
        yield gunicorn
    finally:
        gunicorn.stop()


@pytest.fixture()
def running(server: GunicornServer) -> GunicornServer:
    """The module's server, started again when an earlier test stopped it."""
    if server.proc is None or server.proc.poll() is not None:
        server.start()
    return server


def serve_pages_from_dist(route: Route) -> None:
    """The built pages from disk; API and health requests go on to the (stopped) server."""
    path = re.sub(r"^https?://[^/]+", "", route.request.url).split("?")[0].split("#")[0]
    if path.startswith(("/api/", "/health/")):
        route.continue_()
        return
    file = DIST / ("index.html" if path in ("", "/") else path.lstrip("/"))
    if not file.resolve().is_relative_to(DIST.resolve()) or not file.is_file():
        route.fulfill(status=404, body="not found")
        return
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    route.fulfill(status=200, body=file.read_bytes(), headers={"Content-Type": kind})


def expected_lots(url: str) -> str:
    """The WIP overview's lots KPI on the served snapshot."""
    return str(totals(fetch_table(url, "wip"), ["lots"], [NOT_DUMMY])["lots"])


def test_a_reload_paints_the_local_copy_and_revalidates_it_with_a_304(
    page: Page, running: GunicornServer
) -> None:
    lots = expected_lots(running.url)
    page.goto(running.url + "/#/wip")
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    record = wait_for_record(page, "wip")
    assert record["byteLength"] == record["bytes"] > 0
    assert re.fullmatch(r"[0-9A-Za-z._-]+", record["version"])

    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if "/api/v1/datasets/wip" in r.url else None)
    with page.expect_response(lambda r: "/api/v1/datasets/wip?since=" in r.url) as answer:
        page.reload()
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    assert answer.value.status == 304
    assert answer.value.url.endswith(f"/api/v1/datasets/wip?since={record['version']}")
    assert sent[0].headers.get("if-none-match") == f'"{record["version"]}"'
    # Confirmed by the server: no banner, no "local copy" note.
    expect(page.get_by_test_id("fresh-local")).to_have_count(0)
    expect(page.get_by_test_id("data-banner")).to_have_count(0)


def test_a_reload_with_the_server_stopped_shows_the_local_copy_under_the_degraded_banner(
    page: Page, running: GunicornServer, console_errors: list[str]
) -> None:
    lots = expected_lots(running.url)
    page.goto(running.url + "/#/wip")
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    wait_for_record(page, "wip")

    running.stop()
    page.route("**/*", serve_pages_from_dist)
    page.reload()
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    banner = page.get_by_test_id("data-banner")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_have_attribute("data-local", "")
    expect(banner).to_contain_text("NETWORK_ERROR")
    expect(banner).to_contain_text("本機")
    expect(page.get_by_test_id("fresh-local")).to_be_visible()
    expect(page.get_by_test_id("freshness")).to_have_attribute(
        "data-snapshot-time", re.compile(r"^\d+$")
    )
    expect(page.get_by_test_id("load-failed")).to_have_count(0)
    # The navigation comes from the registry saved on this device, released pages only.
    nav = page.get_by_test_id("nav")
    expect(nav.locator('a[href="#/wip"]')).to_be_visible()
    saved = page.evaluate("JSON.parse(localStorage.getItem('mes-dashboard:pages'))")
    assert {p["status"] for p in saved["pages"]} == {"released"}
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "local-copy-server-down.png")
    page.get_by_test_id("lang-en").click()
    expect(banner).to_contain_text("saved on this device")
    page.screenshot(path=SHOTS / "local-copy-server-down-en.png")
    # The refused API requests are this test's point; any other console error still fails it.
    console_errors[:] = [e for e in console_errors if e != f"console: {REFUSED}"]


def test_clear_local_data_empties_the_store(page: Page, running: GunicornServer) -> None:
    lots = expected_lots(running.url)
    page.goto(running.url + "/#/wip")
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    first = wait_for_record(page, "wip")
    # A page without snapshot datasets: nothing is fetched (and saved) again right after clearing.
    page.goto(running.url + "/#/nowhere")
    expect(page.get_by_test_id("page-not-found")).to_be_visible()

    control = page.get_by_test_id("local-data")
    control.get_by_test_id("local-clear").click()
    control.get_by_role("button", name="取消").click()
    assert [r["dataset"] for r in records(page)] == ["wip"]
    control.get_by_test_id("local-clear").click()
    control.get_by_test_id("local-clear-yes").click()
    expect(control.get_by_test_id("local-status")).to_have_text("本機資料已清除。")
    assert records(page) == []
    assert page.evaluate("localStorage.getItem('mes-dashboard:pages')") is None

    # The page still works, and keeps a new copy.
    page.goto(running.url + "/#/wip")
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    again = wait_for_record(page, "wip", newer_than=first["savedAt"])
    assert again["version"] == first["version"]
