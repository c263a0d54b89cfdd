"""Equipment status: KPIs and hierarchy equal the reference; cells filter machines; drawer."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from e2e.reference_data import fetch_row, query
from e2e.tests.conftest import Server

STATUS = ["PRD", "SBY", "UDT", "SDT", "EGT", "NST", "OTHER"]
COUNTS = {s: f"{s.lower()}_machines" for s in STATUS}


def resource_totals(
    server: Server, metrics: list[str], filters: list[dict[str, Any]]
) -> dict[str, Any]:
    result: dict[str, Any] = query(
        server.table("resource"), "resource", filters=filters, metrics=metrics
    )["total"]
    return result


def open_equipment(page: Page, hash_: str = "#/equipment") -> None:
    page.goto(f"/{hash_}")
    expect(page.get_by_test_id("page-equipment")).to_be_visible()
    expect(page.get_by_test_id("eq-kpi-machines")).to_have_attribute(
        "data-value", re.compile(r"\d")
    )


def test_kpis_and_hierarchy_equal_the_reference(page: Page, server: Server) -> None:
    open_equipment(page)
    metrics = [
        "machines",
        "ou_pct",
        "availability_pct",
        "machines_with_job",
        "machines_with_lots",
        *COUNTS.values(),
    ]
    want = resource_totals(server, metrics, [])
    expect(page.get_by_test_id("eq-kpi-machines")).to_have_attribute(
        "data-value", str(want["machines"])
    )
    for status, metric in COUNTS.items():
        expect(page.get_by_test_id(f"eq-kpi-{status}")).to_have_attribute(
            "data-value", str(want[metric])
        )
    expect(page.get_by_test_id("eq-kpi-job")).to_have_attribute(
        "data-value", str(want["machines_with_job"])
    )
    expect(page.get_by_test_id("eq-kpi-lots")).to_have_attribute(
        "data-value", str(want["machines_with_lots"])
    )
    for testid, metric in [("eq-kpi-ou", "ou_pct"), ("eq-kpi-availability", "availability_pct")]:
        shown = float(page.get_by_test_id(testid).get_attribute("data-value") or "nan")
        assert abs(shown - want[metric]) < 1e-9

    groups = query(
        server.table("resource"),
        "resource",
        groupBy=["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"],
        metrics=["machines", "udt_machines", "ou_pct"],
    )["rows"]
    rows = page.locator('[data-testid="hierarchy-row"][data-level="0"]')
    expect(rows).to_have_count(len(groups))
    totals_shown = rows.locator('[data-testid="cell-total"]').evaluate_all(
        "els => els.map(e => Number(e.dataset.value))"
    )
    assert totals_shown == [g["machines"] for g in groups]

    first = rows.first
    first.get_by_test_id("hierarchy-toggle").click()
    expect(first.get_by_test_id("hierarchy-toggle")).to_have_attribute("aria-expanded", "true")
    families = query(
        server.table("resource"),
        "resource",
        filters=[
            {"field": "WORKCENTER_GROUP", "op": "in", "values": [groups[0]["WORKCENTER_GROUP"]]}
        ],
        groupBy=["RESOURCEFAMILYNAME"],
        metrics=["machines"],
    )["rows"]
    expect(page.locator('[data-testid="hierarchy-row"][data-level="1"]')).to_have_count(
        len(families)
    )


def test_a_matrix_cell_filters_the_machine_list_and_a_card_opens_the_drawer(
    page: Page, server: Server
) -> None:
    groups = query(
        server.table("resource"),
        "resource",
        groupBy=["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"],
        metrics=["prd_machines"],
    )["rows"]
    index, group = next((i, g) for i, g in enumerate(groups) if g["prd_machines"])
    open_equipment(page)
    grid = page.get_by_test_id("machine-grid")
    expect(grid).to_have_attribute(
        "data-count", str(resource_totals(server, ["machines"], [])["machines"])
    )
    row = page.locator('[data-testid="hierarchy-row"][data-level="0"]').nth(index)
    row.get_by_test_id("cell-PRD").click()
    expect(page).to_have_url(re.compile(r"cell="))
    expect(grid).to_have_attribute("data-count", str(group["prd_machines"]))
    statuses = page.get_by_test_id("machine-card").evaluate_all(
        "els => els.map(e => e.dataset.status)"
    )
    assert set(statuses) == {"PRD"}
    # KPIs ignore the cell
    all_machines = resource_totals(server, ["machines"], [])["machines"]
    expect(page.get_by_test_id("eq-kpi-machines")).to_have_attribute(
        "data-value", str(all_machines)
    )

    card = page.get_by_test_id("machine-card").first
    resource_id = card.get_attribute("data-key") or ""
    card.click()
    drawer = page.get_by_test_id("equipment-drawer")
    expect(drawer).to_be_visible()
    expected = fetch_row(server.url, "resource", resource_id)
    expect(drawer.get_by_role("heading", level=2)).to_contain_text(expected["RESOURCENAME"])
    lots = expected.get("lots") or []
    if lots:
        expect(drawer.get_by_test_id("tracked-lots-count")).to_have_attribute(
            "data-value", str(len(lots))
        )
    else:
        expect(drawer.get_by_test_id("no-lots")).to_be_visible()
    has_job = bool(expected["HAS_JOB"] or expected["JOBORDER"] or expected["JOBID"])
    expect(drawer.locator('section[data-section="job"]')).to_have_count(1 if has_job else 0)
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()


def test_flags_and_categories_filter_every_widget(page: Page, server: Server) -> None:
    open_equipment(page)
    page.get_by_test_id("flag-prod").check()
    page.get_by_test_id("category-down").click()
    filters = [
        {"field": "PJ_ISPRODUCTION", "op": "eq", "value": True},
        {"field": "STATUS_CATEGORY", "op": "in", "values": ["down"]},
    ]
    want = resource_totals(server, ["machines"], filters)["machines"]
    expect(page.get_by_test_id("eq-kpi-machines")).to_have_attribute("data-value", str(want))
    expect(page.get_by_test_id("machine-grid")).to_have_attribute("data-count", str(want))
    page.reload()
    expect(page.get_by_test_id("eq-kpi-machines")).to_have_attribute("data-value", str(want))


def test_machine_table_exports_csv(page: Page, server: Server) -> None:
    open_equipment(page, "#/equipment?list=table")
    count = resource_totals(server, ["machines"], [])["machines"]
    expect(page.get_by_test_id("machine-table-count")).to_have_attribute("data-value", str(count))
    with page.expect_download() as info:
        page.get_by_test_id("machine-table-csv").click()
    lines = info.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Machine,Resource ID,E10 status")
    assert len(lines) == count + 1
