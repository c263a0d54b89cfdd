"""The source-outage drill in the browser: with the demo source made unavailable through the fault
switch, the page keeps its last good data and shows the degraded banner and the data's age; once
the source is back the banner goes."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.reference_data import NOT_DUMMY, totals
from e2e.tests.conftest import ROOT, SEED, Server
from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, demo_env, get

WIP = "/api/v1/datasets/wip"
REFRESH_S = 2


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fault switch file this module's server reads on every source call."""
    return tmp_path_factory.mktemp("faults") / "faults.json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, faults: Path) -> Iterator[Server]:
    """This module's own gunicorn: the fault switch named, server refresh every 2 s."""
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.fail("frontend/dist is missing: run `npm run build` (or `make build`) first")
    tmp = tmp_path_factory.mktemp("e2e-outage")
    db = tmp / "demo.sqlite"
    generate(db, lots=3000, machines=300, seed=SEED, history_days=2)
    env = demo_env(db, tmp) | {
        "MES_DEMO_FAULTS": str(faults),
        "MES_REFRESH_WIP_S": str(REFRESH_S),
        "MES_REFRESH_RESOURCE_S": str(REFRESH_S),
    }
    gunicorn = GunicornServer(env, log=tmp / "gunicorn.log")
    gunicorn.start()
    try:
        yield Server(gunicorn.url, db, gunicorn.log, Path(env["MES_AUDIT_LOG"]), tmp / "pages.json")
    finally:
        faults.write_text("{}")
        gunicorn.stop()


def wait_for_degraded(url: str, expected: bool, timeout: float = 30.0) -> str:
    """Poll the server until its WIP answers carry X-Degraded (or stop carrying it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get(url + WIP)[1].get("X-Degraded", "")
        if bool(value) == expected:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"X-Degraded present={not expected} after {timeout}s")


def test_an_outage_keeps_the_last_good_data_under_the_degraded_banner(
    page: Page, server: Server, faults: Path
) -> None:
    lots = str(totals(server.table("wip"), ["lots"], [NOT_DUMMY])["lots"])
    page.goto("/#/wip")
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    banner = page.get_by_test_id("data-banner")
    expect(banner).to_have_count(0)

    faults.write_text(json.dumps({"unavailable": True}))
    reason = wait_for_degraded(server.url, expected=True)
    freshness = page.get_by_test_id("freshness")
    freshness.get_by_role("button").click()
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(reason.split(";")[0])
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
    expect(freshness).to_have_attribute("data-age-s", re.compile(r"^\d+$"))
    expect(freshness.locator(".fresh-age")).to_be_visible()

    faults.write_text("{}")
    wait_for_degraded(server.url, expected=False)
    freshness.get_by_role("button").click()
    expect(banner).to_have_count(0, timeout=20_000)
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", lots)
