"""WIP overview: numbers equal the reference on the served bytes; filters, drill-downs, URL."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from e2e.reference_data import NOT_DUMMY, query, totals
from e2e.tests.conftest import Server

STATUS_METRICS = {
    "RUN": ("run_lots", "run_qty"),
    "QUEUE": ("queue_lots", "queue_qty"),
    "quality": ("quality_hold_lots", "quality_hold_qty"),
    "non_quality": ("non_quality_hold_lots", "non_quality_hold_qty"),
}
TOP_PACKAGES = 15


def open_overview(page: Page, hash_: str = "#/wip") -> None:
    page.goto(f"/{hash_}")
    expect(page.get_by_test_id("page-wip-overview")).to_be_visible()
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", re.compile(r"\d"))
    # the first load paints progressively: no panel stays "computing" once every answer is in
    expect(page.get_by_test_id("panel-busy")).to_have_count(0)
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def expect_kpis(page: Page, server: Server, filters: list[dict[str, Any]]) -> None:
    want = totals(server.table("wip"), ["lots", "qty"], filters)
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", str(want["lots"]))
    expect(page.get_by_test_id("kpi-qty")).to_have_attribute("data-value", str(want["qty"]))


def cell_values(page: Page, testid: str) -> list[str]:
    return page.get_by_test_id(testid).evaluate_all("els => els.map(e => e.dataset.value)")


def test_kpis_status_cards_and_matrix_equal_the_reference(page: Page, server: Server) -> None:
    table = server.table("wip")
    open_overview(page)
    expect_kpis(page, server, [NOT_DUMMY])

    status = totals(table, [m for pair in STATUS_METRICS.values() for m in pair], [NOT_DUMMY])
    for key, (lots, qty) in STATUS_METRICS.items():
        expect(page.get_by_test_id(f"status-card-{key}-lots")).to_have_attribute(
            "data-value", str(status[lots])
        )
        expect(page.get_by_test_id(f"status-card-{key}-qty")).to_have_attribute(
            "data-value", str(status[qty])
        )

    groups = query(
        table,
        "wip",
        filters=[NOT_DUMMY],
        groupBy=["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"],
        metrics=["lots", "qty"],
    )
    rows = page.get_by_test_id("matrix-row")
    expect(rows).to_have_count(len(groups["rows"]))
    assert rows.evaluate_all("els => els.map(e => e.dataset.group)") == [
        g["WORKCENTER_GROUP"] or "" for g in groups["rows"]
    ]
    assert cell_values(page, "matrix-row-total") == [str(g["qty"]) for g in groups["rows"]]
    assert cell_values(page, "matrix-row-lots") == [str(g["lots"]) for g in groups["rows"]]

    packages = query(
        table,
        "wip",
        filters=[NOT_DUMMY],
        groupBy=["PACKAGE_LEF"],
        metrics=["qty"],
        sort=[{"by": "qty", "desc": True}],
    )["rows"]
    top, rest = packages[:TOP_PACKAGES], packages[TOP_PACKAGES:]
    headers = page.get_by_test_id("matrix-package")
    assert headers.evaluate_all("els => els.map(e => e.dataset.package)") == [
        p["PACKAGE_LEF"] or "" for p in top
    ]
    assert cell_values(page, "matrix-col-total") == [str(p["qty"]) for p in top]
    if rest:
        other = sum(p["qty"] for p in rest if p["qty"] is not None)
        assert cell_values(page, "matrix-other-total") == [str(other)]
    assert cell_values(page, "matrix-grand-total") == [str(groups["total"]["qty"])]


def test_status_card_filters_the_page_and_the_url_reproduces_it(page: Page, server: Server) -> None:
    open_overview(page)
    card = page.get_by_test_id("status-card-QUEUE")
    card.click()
    expect(card).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(r"status=QUEUE"))
    queue = [NOT_DUMMY, {"field": "WIP_STATUS", "op": "eq", "value": "QUEUE"}]
    expect_kpis(page, server, queue)
    grand = totals(server.table("wip"), ["qty"], queue)["qty"]
    expect(page.get_by_test_id("matrix-grand-total")).to_have_attribute("data-value", str(grand))
    # the other cards keep their numbers (they ignore their own selection)
    run = totals(server.table("wip"), ["run_lots"], [NOT_DUMMY])["run_lots"]
    expect(page.get_by_test_id("status-card-RUN-lots")).to_have_attribute("data-value", str(run))

    page.reload()
    expect(page.get_by_test_id("status-card-QUEUE")).to_have_attribute("aria-pressed", "true")
    expect_kpis(page, server, queue)

    page.get_by_test_id("status-card-QUEUE").click()
    expect_kpis(page, server, [NOT_DUMMY])


def test_autocomplete_respects_other_filters_and_filters_every_widget(
    page: Page, server: Server
) -> None:
    table = server.table("wip")
    packages = query(
        table,
        "wip",
        filters=[NOT_DUMMY],
        groupBy=["PACKAGE_LEF"],
        metrics=["lots"],
        sort=[{"by": "lots", "desc": True}],
    )["rows"]
    package = next(p["PACKAGE_LEF"] for p in packages if p["PACKAGE_LEF"])
    open_overview(page)

    box = page.get_by_role("combobox", name="封裝")
    box.click()
    box.fill(package)
    option = page.get_by_role("option", name=re.compile(re.escape(package)))
    expect(option.first).to_be_visible()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"option-0"))
    box.press("Enter")
    chosen = {
        "field": "PACKAGE_LEF",
        "op": "in",
        "values": [page.get_by_test_id("filter-chips").locator(".chip-value").first.inner_text()],
    }
    assert chosen["values"] == [package]
    expect_kpis(page, server, [NOT_DUMMY, chosen])

    # WORKORDER suggestions count only lots of the chosen package (all other filters apply)
    want = query(
        table,
        "wip",
        filters=[NOT_DUMMY, chosen],
        groupBy=["WORKORDER"],
        metrics=["lots"],
        sort=[{"by": "lots", "desc": True}],
        limit=12,
    )["rows"]
    workorder = page.get_by_role("combobox", name="工單")
    workorder.click()
    listbox = page.get_by_role("listbox", name="工單")
    expect(listbox.get_by_role("option")).to_have_count(len(want))
    shown = listbox.get_by_role("option").evaluate_all("els => els.map(e => e.dataset.value)")
    assert shown == [w["WORKORDER"] for w in want]
    workorder.press("Escape")
    expect(listbox).to_be_hidden()

    page.reload()
    expect_kpis(page, server, [NOT_DUMMY, chosen])


def test_dummy_toggle_includes_dummy_lots(page: Page, server: Server) -> None:
    open_overview(page)
    page.get_by_test_id("include-dummy").check()
    expect(page).to_have_url(re.compile(r"dummy=1"))
    expect_kpis(page, server, [])
    page.go_back()
    expect_kpis(page, server, [NOT_DUMMY])
    page.go_forward()
    expect_kpis(page, server, [])


def test_matrix_row_opens_wip_detail_of_the_group(page: Page, server: Server) -> None:
    open_overview(page)
    row = page.get_by_test_id("matrix-row").nth(1)
    group = row.get_attribute("data-group")
    assert group
    row.click()
    expect(page.get_by_test_id("page-wip-detail")).to_be_visible()
    assert "group=" in page.url
    expect(page.get_by_test_id("detail-group")).to_have_text(group)
    page.go_back()
    expect(page.get_by_test_id("page-wip-overview")).to_be_visible()


def test_pareto_row_opens_hold_detail_of_the_reason(page: Page, server: Server) -> None:
    open_overview(page)
    row = page.get_by_test_id("pareto-quality-table-row").first
    reason = row.get_attribute("data-key")
    row.click()
    expect(page.get_by_test_id("page-hold-detail")).to_be_visible()
    expect(page.get_by_test_id("hold-reason")).to_have_text(reason or "(未填原因)")


def test_language_switch_changes_labels_and_is_remembered(page: Page, server: Server) -> None:
    open_overview(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("WIP 總覽")
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("WIP overview")
    expect(page.get_by_role("combobox", name="Package")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("WIP overview")
    page.get_by_test_id("lang-zh-TW").click()
    expect(page.get_by_role("combobox", name="封裝")).to_be_visible()
