"""Delta polling in the browser (issue 14): a page holding version A asks `?since=A`, gets the
delta A -> B, applies it in the core worker and shows exactly what the full snapshot B gives; the
table after the delta is then kept as the local copy.

This module needs the server side of issue 14 (`X-Payload: delta`, branch sync-be): the source
changes a few lots (and moves the watermark), the server publishes B with a delta from A.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.local_copy import wait_for_record
from e2e.reference_data import NOT_DUMMY, fetch_table, totals
from e2e.tests.conftest import ROOT, SEED, Server
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.schema import LOT, stamp
from testkit.app_server import GunicornServer, demo_env, get

WIP = "/api/v1/datasets/wip"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's own gunicorn, rebuilding WIP every 2 s (the demo simulator stays off)."""
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.fail("frontend/dist is missing: run `npm run build` (or `make build`) first")
    tmp = tmp_path_factory.mktemp("e2e-delta")
    db = tmp / "demo.sqlite"
    generate(db, lots=3000, machines=300, seed=SEED, history_days=2)
    env = demo_env(db, tmp) | {"MES_REFRESH_WIP_S": "2"}
    gunicorn = GunicornServer(env, log=tmp / "gunicorn.log")
    gunicorn.start()
    try:
        yield Server(gunicorn.url, db, gunicorn.log, Path(env["MES_AUDIT_LOG"]), tmp / "pages.json")
    finally:
        gunicorn.stop()


def served_version(url: str) -> str:
    return get(url + WIP)[1]["X-Snapshot-Version"]


def change_a_few_lots(db: Path) -> None:
    """Three lots get more quantity, one lot goes; SYS_DATE moves on the changed rows only."""
    with sqlite3.connect(db) as conn:
        (latest,) = conn.execute(f"SELECT MAX(SYS_DATE) FROM {LOT}").fetchone()
        later = stamp(datetime.strptime(latest, "%Y-%m-%d %H:%M:%S") + timedelta(minutes=5))
        lots = [r[0] for r in conn.execute(f"SELECT LOTID FROM {LOT} ORDER BY LOTID LIMIT 4")]
        conn.executemany(
            f"UPDATE {LOT} SET QTY = QTY + 1000, SYS_DATE = ? WHERE LOTID = ?",
            [(later, lot) for lot in lots[:3]],
        )
        conn.execute(f"DELETE FROM {LOT} WHERE LOTID = ?", (lots[3],))


def wait_for_new_version(url: str, old: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = served_version(url)
        if version != old:
            return version
        time.sleep(0.2)
    raise TimeoutError(f"the server still serves {old} after {timeout}s")


def test_a_poll_applies_the_delta_and_shows_what_the_full_snapshot_gives(
    page: Page, server: Server
) -> None:
    before = totals(fetch_table(server.url, "wip"), ["lots", "qty"], [NOT_DUMMY])
    page.goto("/#/wip")
    expect(page.get_by_test_id("kpi-qty")).to_have_attribute("data-value", str(before["qty"]))
    base = wait_for_record(page, "wip")["version"]
    assert base == served_version(server.url)

    change_a_few_lots(server.db)
    version = wait_for_new_version(server.url, base)
    after = totals(fetch_table(server.url, "wip"), ["lots", "qty"], [NOT_DUMMY])
    assert after != before

    with page.expect_response(lambda r: f"{WIP}?since=" in r.url) as answer:
        page.get_by_test_id("freshness").get_by_role("button").click()
    response = answer.value
    assert response.status == 200
    assert response.url.endswith(f"{WIP}?since={base}")
    assert response.headers["x-payload"] == "delta"
    assert response.headers["x-delta-base"] == base
    assert response.headers["x-snapshot-version"] == version
    expect(page.get_by_test_id("kpi-qty")).to_have_attribute("data-value", str(after["qty"]))
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", str(after["lots"]))

    # The table after the delta becomes the local copy (re-encoded in the worker when idle).
    assert wait_for_record(page, "wip", version=version)["byteLength"] > 0
