"""Equipment history: opened from the portal; KPIs, charts and hierarchy equal the reference on the
bytes the route serves for the page's own parameters; range and granularity; export; screenshots."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from playwright.sync_api import Page, Request, expect

from e2e.tests.conftest import Server
from mes_dashboard.reference import evaluate

STATUS = ["PRD", "SBY", "UDT", "SDT", "EGT", "NST", "OTHER"]
HOURS = {s: f"{s.lower()}_hours" for s in STATUS}
KPIS = {
    "hist-kpi-ou": "ou_pct_hours",
    "hist-kpi-availability": "availability_pct_hours",
    "hist-kpi-machines": "history_machines",
    "hist-kpi-hours": "hours",
    **{f"hist-kpi-{s}": m for s, m in HOURS.items()},
}
ROUTE = "/api/v1/datasets/resource_history"
SHOTS = Path("/tmp/shots")


def fetch_history(server: Server, **params: str) -> pa.Table:
    """The Arrow table the route serves for these parameters."""
    url = f"{server.url}{ROUTE}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=60) as resp:
        return pa.ipc.open_stream(resp.read()).read_all()


def reference(table: pa.Table, **parts: Any) -> dict[str, Any]:
    result: dict[str, Any] = evaluate(table, {"dataset": "resource_history", **parts})
    return result


def page_params(page: Page) -> dict[str, str]:
    """The view the page's URL holds."""
    fragment: str = page.evaluate("location.hash")
    return dict(urllib.parse.parse_qsl(fragment.split("?", 1)[1] if "?" in fragment else ""))


def open_history(page: Page, hash_: str = "#/equipment/history") -> None:
    page.goto(f"/{hash_}")
    expect(page.get_by_test_id("page-equipment-history")).to_be_visible()
    expect(page.get_by_test_id("hist-kpi-machines")).to_have_attribute(
        "data-value", re.compile(r"\d")
    )


def expect_number(page: Page, testid: str, want: float) -> None:
    """Wait until the element's data-value equals `want` (relative 1e-9)."""
    page.wait_for_function(
        """([testid, want]) => {
          const node = document.querySelector(`[data-testid="${testid}"]`);
          const text = node?.getAttribute("data-value");
          if (!text) return false;
          return Math.abs(Number(text) - want) <= 1e-9 * Math.max(1, Math.abs(want));
        }""",
        arg=[testid, want],
    )


def expect_kpis(page: Page, table: pa.Table) -> None:
    want = reference(table, metrics=list(KPIS.values()))["total"]
    for testid, metric in KPIS.items():
        expect_number(page, testid, want[metric])


def periods(table: pa.Table, unit: str) -> str:
    rows = reference(table, groupBy=[{"period": "TXNDATE", "unit": unit, "as": "P"}])["rows"]
    return ",".join(r["P"] for r in rows)


def test_opens_from_the_portal_with_the_last_7_plant_days(page: Page, server: Server) -> None:
    page.goto("/")
    page.get_by_test_id("nav").get_by_role("link", name="設備歷史").click()
    open_history(page)
    today = datetime.now(ZoneInfo("Asia/Taipei")).date()
    params = page_params(page)
    assert params["from"] == (today - timedelta(days=7)).isoformat()
    assert params["to"] == (today - timedelta(days=1)).isoformat()
    table = fetch_history(server, start=params["from"], end=params["to"])
    assert table.num_rows > 0
    expect_kpis(page, table)
    expect(page.get_by_test_id("trend-chart")).to_have_attribute(
        "data-periods", periods(table, "day")
    )
    expect(page.get_by_test_id("loading-panel")).to_have_count(0)


def test_range_and_granularity_update_every_widget(page: Page, server: Server) -> None:
    requests: list[str] = []

    def on_request(request: Request) -> None:
        if ROUTE in request.url:
            requests.append(request.url)

    page.on("request", on_request)
    last = date.today() + timedelta(days=1)
    start = (last - timedelta(days=12)).isoformat()
    open_history(page, f"#/equipment/history?from={start}&to={last.isoformat()}")
    table = fetch_history(server, start=start, end=last.isoformat())
    expect_kpis(page, table)
    expect(page.get_by_test_id("trend-chart")).to_have_attribute(
        "data-periods", periods(table, "day")
    )
    fetched = len(requests)

    for unit in ("week", "month", "year", "day"):
        page.get_by_test_id(f"unit-{unit}").click()
        expect(page.get_by_test_id(f"unit-{unit}")).to_have_attribute("aria-pressed", "true")
        want = periods(table, unit)
        for chart in ("trend-chart", "hours-chart"):
            expect(page.get_by_test_id(chart)).to_have_attribute("data-periods", want)
        cells = reference(
            table, groupBy=["WORKCENTER_GROUP", {"period": "TXNDATE", "unit": unit, "as": "P"}]
        )["rows"]
        expect(page.get_by_test_id("heat-chart")).to_have_attribute("data-cells", str(len(cells)))
    assert len(requests) == fetched, "changing the granularity must not fetch again"

    end = (last - timedelta(days=3)).isoformat()
    page.get_by_test_id("range-end").fill(end)
    page.get_by_test_id("range-end").dispatch_event("change")
    page.wait_for_function(f"location.hash.includes('to={end}')")
    narrower = fetch_history(server, start=start, end=end)
    expect(page.get_by_test_id("trend-chart")).to_have_attribute(
        "data-periods", periods(narrower, "day")
    )
    expect_kpis(page, narrower)
    groups = reference(narrower, groupBy=["WORKCENTER_GROUP"])["rows"]
    expect(page.get_by_test_id("groups-chart")).to_have_attribute("data-groups", str(len(groups)))
    expect(page.get_by_test_id("hierarchy-row")).to_have_count(len(groups))
    assert len(requests) == fetched + 1

    page.get_by_test_id("range-end").fill((last - timedelta(days=20)).isoformat())
    page.get_by_test_id("range-end").dispatch_event("change")
    expect(page.get_by_test_id("range-error")).to_be_visible()
    expect(page.get_by_test_id("range-end")).to_have_attribute("aria-invalid", "true")
    assert len(requests) == fetched + 1


def test_server_filters_refetch_and_a_refused_one_is_named(
    page: Page, server: Server, console_errors: list[str]
) -> None:
    open_history(page)
    params = page_params(page)
    unfiltered = fetch_history(server, start=params["from"], end=params["to"])
    biggest = reference(
        unfiltered,
        groupBy=["WORKCENTER_GROUP"],
        metrics=["hours"],
        sort=[{"by": "hours", "desc": True}],
    )["rows"][0]["WORKCENTER_GROUP"]
    chosen = urllib.parse.quote(f'WORKCENTER_GROUP:in:["{biggest}"]')
    range_ = f"from={params['from']}&to={params['to']}"
    open_history(page, f"#/equipment/history?f={chosen}&{range_}&prod=1")
    table = fetch_history(
        server,
        start=params["from"],
        end=params["to"],
        workcenter_groups=biggest,
        is_production="true",
    )
    expect_kpis(page, table)
    expect(page.get_by_test_id("hierarchy-row")).to_have_count(1)

    unknown = urllib.parse.quote('WORKCENTER_GROUP:in:["nope"]')
    page.goto(f"/#/equipment/history?f={unknown}&{range_}")
    expect(page.get_by_test_id("filter-error")).to_contain_text("nope")
    expect(page.get_by_test_id("data-banner")).to_contain_text("INVALID_PARAMETER")
    page.reload()
    expect(page.get_by_test_id("load-failed")).to_contain_text("INVALID_PARAMETER")
    expect(page.get_by_test_id("filter-error")).to_contain_text("nope")
    expect(page.get_by_test_id("range-start")).to_be_visible()
    # Chromium logs every 4xx response; these two are the refusals this test asks for
    refused = [e for e in console_errors if "status of 400" in e]
    assert len(refused) == 2
    console_errors[:] = [e for e in console_errors if e not in refused]


def test_hierarchy_expands_and_the_export_matches_the_table(page: Page, server: Server) -> None:
    open_history(page)
    params = page_params(page)
    table = fetch_history(server, start=params["from"], end=params["to"])
    groups = reference(
        table,
        groupBy=["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"],
        metrics=["hours", "ou_pct_hours"],
    )["rows"]
    rows = page.get_by_test_id("hierarchy-row")
    expect(rows).to_have_count(len(groups))
    first = rows.first
    expect(first.get_by_test_id("cell-total")).to_have_attribute("data-value", re.compile(r"\d"))
    assert (
        abs(
            float(first.get_by_test_id("cell-total").get_attribute("data-value") or "nan")
            - groups[0]["hours"]
        )
        < 1e-6
    )
    families = reference(
        table,
        filters=[
            {"field": "WORKCENTER_GROUP", "op": "in", "values": [groups[0]["WORKCENTER_GROUP"]]}
        ],
        groupBy=["RESOURCEFAMILYNAME"],
    )["rows"]
    first.get_by_test_id("hierarchy-toggle").click()
    expect(page.locator("[data-testid=hierarchy-row][data-level='1']")).to_have_count(len(families))
    expect(rows).to_have_count(len(groups) + len(families))

    with page.expect_download() as info:
        page.get_by_test_id("history-csv").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0]
    assert header.startswith(
        "層級,Workcenter group,Family,Resource ID,Machine,Total hours,PRD hours"
    )
    machines = reference(table, metrics=["history_machines"])["total"]["history_machines"]
    by_level = [sum(1 for r in records if r["層級"] == str(level)) for level in (0, 1, 2)]
    assert by_level[0] == len(groups)
    assert by_level[2] == machines
    for record, group in zip((r for r in records if r["層級"] == "0"), groups, strict=True):
        assert abs(float(record["Total hours"]) - group["hours"]) < 1e-6
        assert record["Workcenter group"] == (group["WORKCENTER_GROUP"] or "")


def test_screenshots_in_both_languages(page: Page) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    open_history(page)
    expect(page.get_by_test_id("hierarchy-row").first).to_be_visible()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "history-zh-TW.png"), full_page=True)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Equipment history")).to_be_visible()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "history-en.png"), full_page=True)
