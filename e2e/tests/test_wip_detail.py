"""WIP detail: summary before the status filter, the lot table (spec columns, virtual rows, CSV),
the lot drawer, and a comment holding HTML shown as text."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import urllib.parse
from typing import Any

from playwright.sync_api import Page, expect

from e2e.reference_data import NOT_DUMMY, fetch_row, query, totals
from e2e.tests.conftest import Server

XSS = "<img src=x onerror=alert(1)>"


def group_filter(group: str) -> dict[str, Any]:
    return {"field": "WORKCENTER_GROUP", "op": "in", "values": [group]}


def biggest_group(server: Server) -> str:
    rows = query(
        server.table("wip"),
        "wip",
        filters=[NOT_DUMMY],
        groupBy=["WORKCENTER_GROUP"],
        metrics=["lots"],
        sort=[{"by": "lots", "desc": True}],
    )["rows"]
    group: str = next(r["WORKCENTER_GROUP"] for r in rows if r["WORKCENTER_GROUP"])
    return group


def open_detail(page: Page, params: dict[str, str]) -> None:
    page.goto(f"/#/wip/detail?{urllib.parse.urlencode(params)}")
    expect(page.get_by_test_id("page-wip-detail")).to_be_visible()
    expect(page.get_by_test_id("lot-table-count")).to_have_attribute(
        "data-value", re.compile(r"\d")
    )


def test_summary_is_computed_before_the_status_filter(page: Page, server: Server) -> None:
    table = server.table("wip")
    group = biggest_group(server)
    open_detail(page, {"group": group})
    base = [NOT_DUMMY, group_filter(group)]
    want = totals(table, ["lots", "qty"], base)
    expect(page.get_by_test_id("detail-kpi-lots")).to_have_attribute(
        "data-value", str(want["lots"])
    )
    expect(page.get_by_test_id("detail-kpi-qty")).to_have_attribute("data-value", str(want["qty"]))
    expect(page.get_by_test_id("lot-table-count")).to_have_attribute(
        "data-value", str(want["lots"])
    )

    page.get_by_test_id("status-card-QUEUE").click()
    queue = totals(table, ["lots"], [*base, {"field": "WIP_STATUS", "op": "eq", "value": "QUEUE"}])
    expect(page.get_by_test_id("lot-table-count")).to_have_attribute(
        "data-value", str(queue["lots"])
    )
    expect(page.get_by_test_id("detail-kpi-lots")).to_have_attribute(
        "data-value", str(want["lots"])
    )
    expect(page).to_have_url(re.compile(r"status=QUEUE"))


def test_spec_columns_follow_spec_order_and_rows_are_virtual(page: Page, server: Server) -> None:
    table = server.table("wip")
    group = biggest_group(server)
    base = [NOT_DUMMY, group_filter(group)]
    specs = query(table, "wip", filters=base, groupBy=["SPEC_SEQ", "SPECNAME"], metrics=["lots"])[
        "rows"
    ]
    want_specs = list(dict.fromkeys(s["SPECNAME"] for s in specs if s["SPECNAME"]))
    lots = query(table, "wip", filters=base, groupBy=["LOTID"], metrics=["qty"])["rows"]
    open_detail(page, {"group": group})

    headers = page.get_by_test_id("lot-table").get_by_role("columnheader").all_inner_texts()
    assert [h.rstrip("↕▲▼ ").strip() for h in headers[5:]] == want_specs

    rendered = page.get_by_test_id("lot-table-row")
    assert 0 < rendered.count() < min(len(lots), 60)
    first = rendered.first
    assert first.get_attribute("data-key") == lots[0]["LOTID"]
    page.get_by_test_id("lot-table").get_by_role("table").evaluate(
        "el => { el.scrollTop = el.scrollHeight; }"
    )
    last = page.locator(f'[data-testid="lot-table-row"][data-key="{lots[-1]["LOTID"]}"]')
    expect(last).to_be_visible()
    assert rendered.count() < 60


def test_csv_export_matches_the_table_in_its_order(page: Page, server: Server) -> None:
    table = server.table("wip")
    group = biggest_group(server)
    open_detail(page, {"group": group})
    lot_header = page.get_by_test_id("lot-table").get_by_role(
        "columnheader", name=re.compile("數量")
    )
    lot_header.get_by_role("button").click()
    expect(lot_header).to_have_attribute("aria-sort", "descending")

    with page.expect_download() as info:
        page.get_by_test_id("lot-table-csv").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[:6] == [
        "Lot ID",
        "Equipment",
        "WIP status",
        "Hold reason",
        "Package",
        "Qty (pcs)",
    ]

    lots = query(
        table,
        "wip",
        filters=[NOT_DUMMY, group_filter(group)],
        groupBy=["LOTID", "SPECNAME"],
        metrics=["qty"],
        sort=[{"by": "qty", "desc": True}],
    )["rows"]
    assert [r[0] for r in body] == [lot["LOTID"] for lot in lots]
    assert [r[5] for r in body] == [
        str(lot["qty"]) if lot["qty"] is not None else "" for lot in lots
    ]
    spec_index = {name: 6 + i for i, name in enumerate(header[6:])}
    for row, lot in zip(body, lots, strict=True):
        if lot["SPECNAME"]:
            assert row[spec_index[lot["SPECNAME"]]] == row[5]


def test_lot_drawer_opens_with_the_row_and_closes_on_escape(page: Page, server: Server) -> None:
    group = biggest_group(server)
    open_detail(page, {"group": group})
    row = page.get_by_test_id("lot-table-row").nth(2)
    lot_id = row.get_attribute("data-key")
    assert lot_id
    button = row.get_by_role("button", name=lot_id)
    button.click()
    drawer = page.get_by_role("dialog")
    expect(drawer).to_be_visible()
    expect(drawer).to_have_attribute("aria-modal", "true")
    expect(page.get_by_test_id("lot-drawer").get_by_role("heading", level=2)).to_contain_text(
        lot_id
    )
    expected = fetch_row(server.url, "wip", lot_id)
    expect(drawer.locator('dd[data-field="WORKORDER"]')).to_have_text(expected["WORKORDER"])
    sections = drawer.locator("section[data-section]").evaluate_all(
        "els => els.map(e => e.dataset.section)"
    )
    assert sections[:4] == ["basic", "product", "process", "material"]
    assert ("hold" in sections) == (
        expected["WIP_STATUS"] == "HOLD" or (expected["CURRENTHOLDCOUNT"] or 0) > 0
    )
    assert ("ncr" in sections) == bool(expected["EVENTNAME"])
    expect(page).to_have_url(re.compile(f"lot={re.escape(lot_id)}"))

    page.keyboard.press("Tab")
    expect(drawer.locator(":focus")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(button).to_be_focused()
    assert "lot=" not in page.url


def test_html_in_a_comment_is_shown_as_text_and_runs_nothing(page: Page, server: Server) -> None:
    with sqlite3.connect(server.db) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT LOTID FROM DW_MES_LOT_V"
                " WHERE CONTAINERCOMMENTS = ? AND WORKORDER IS NOT NULL",
                (XSS,),
            )
        ]
    lot_id = ids[0]
    row = fetch_row(server.url, "wip", lot_id)
    assert row["CONTAINERCOMMENTS"] == XSS
    open_detail(page, {"group": row["WORKCENTER_GROUP"] or "", "lot": lot_id, "dummy": "1"})
    drawer = page.get_by_test_id("lot-drawer")
    comment = drawer.locator('dd[data-field="CONTAINERCOMMENTS"]')
    expect(comment).to_have_text(XSS)
    assert drawer.locator("img").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
