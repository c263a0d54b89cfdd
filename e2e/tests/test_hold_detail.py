"""Hold detail: KPIs, the three distributions (all four duration buckets), filters, table order."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from playwright.sync_api import Page, expect

from e2e.reference_data import NOT_DUMMY, query, totals
from e2e.tests.conftest import Server

HELD = {"field": "WIP_STATUS", "op": "eq", "value": "HOLD"}
BUCKET = {"bucket": "HOLD_HOURS", "edges": [24, 72, 168], "as": "BUCKET"}


def top_reason(server: Server) -> str:
    rows = query(
        server.table("wip"),
        "wip",
        filters=[NOT_DUMMY, HELD],
        groupBy=["HOLDREASONNAME"],
        metrics=["lots"],
        sort=[{"by": "lots", "desc": True}],
    )["rows"]
    reason: str = next(r["HOLDREASONNAME"] for r in rows if r["HOLDREASONNAME"])
    return reason


def reason_filter(reason: str) -> dict[str, Any]:
    return {"field": "HOLDREASONNAME", "op": "eq", "value": reason}


def open_hold(page: Page, params: dict[str, str]) -> None:
    page.goto(f"/#/hold?{urllib.parse.urlencode(params)}")
    expect(page.get_by_test_id("page-hold-detail")).to_be_visible()
    expect(page.get_by_test_id("hold-kpi-lots")).to_have_attribute("data-value", re.compile(r"\d"))


def test_kpis_distributions_and_table_equal_the_reference(page: Page, server: Server) -> None:
    table = server.table("wip")
    reason = top_reason(server)
    base = [NOT_DUMMY, HELD, reason_filter(reason)]
    open_hold(page, {"reason": reason})
    expect(page.get_by_test_id("hold-reason")).to_have_text(reason)

    want = totals(
        table, ["lots", "qty", "avg_hold_hours", "max_hold_hours", "workcenter_groups"], base
    )
    for testid, metric in [
        ("hold-kpi-lots", "lots"),
        ("hold-kpi-qty", "qty"),
        ("hold-kpi-groups", "workcenter_groups"),
    ]:
        expect(page.get_by_test_id(testid)).to_have_attribute("data-value", str(want[metric]))
    for testid, metric in [("hold-kpi-avg", "avg_hold_hours"), ("hold-kpi-max", "max_hold_hours")]:
        shown = float(page.get_by_test_id(testid).get_attribute("data-value") or "nan")
        assert abs(shown - want[metric]) <= 1e-9 * max(1.0, abs(want[metric]))

    buckets = query(table, "wip", filters=base, groupBy=[BUCKET], metrics=["lots"])["rows"]
    by_bucket = {b["BUCKET"]: b["lots"] for b in buckets}
    items = page.get_by_test_id("dist-bucket-item")
    expect(items).to_have_count(4 + (1 if by_bucket.get(None) else 0))
    assert items.evaluate_all("els => els.slice(0, 4).map(e => Number(e.dataset.lots))") == [
        by_bucket.get(i, 0) for i in range(4)
    ]

    lots = query(
        table,
        "wip",
        filters=base,
        groupBy=["LOTID"],
        metrics=["max_hold_hours"],
        sort=[{"by": "max_hold_hours", "desc": True}],
    )["rows"]
    keys = page.get_by_test_id("held-lot-table-row").evaluate_all(
        "els => els.map(e => e.dataset.key)"
    )
    assert keys == [lot["LOTID"] for lot in lots][: len(keys)]


def test_a_distribution_filters_the_rest_and_survives_reload(page: Page, server: Server) -> None:
    table = server.table("wip")
    reason = top_reason(server)
    base = [NOT_DUMMY, HELD, reason_filter(reason)]
    open_hold(page, {"reason": reason})
    item = page.get_by_test_id("dist-group-item").first
    group = item.get_attribute("data-key") or ""
    item.click()
    expect(item).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(r"dg="))
    chosen = [*base, {"field": "WORKCENTER_GROUP", "op": "in", "values": [group or None]}]
    want = totals(table, ["lots"], chosen)["lots"]
    expect(page.get_by_test_id("hold-kpi-lots")).to_have_attribute("data-value", str(want))
    expect(page.get_by_test_id("held-lot-table-count")).to_have_attribute("data-value", str(want))
    # the group distribution keeps every group (it ignores its own selection)
    groups = query(table, "wip", filters=base, groupBy=["WORKCENTER_GROUP"], metrics=["lots"])[
        "rows"
    ]
    expect(page.get_by_test_id("dist-group-item")).to_have_count(len(groups))

    page.reload()
    expect(page.get_by_test_id("hold-kpi-lots")).to_have_attribute("data-value", str(want))
    page.go_back()
    all_lots = totals(table, ["lots"], base)["lots"]
    expect(page.get_by_test_id("hold-kpi-lots")).to_have_attribute("data-value", str(all_lots))


def test_without_a_reason_the_page_offers_the_reasons(page: Page, server: Server) -> None:
    page.goto("/#/hold")
    choices = page.get_by_test_id("reason-choice")
    expect(choices.first).to_be_visible()
    reasons = query(
        server.table("wip"),
        "wip",
        filters=[NOT_DUMMY, HELD],
        groupBy=["HOLD_TYPE", "HOLDREASONNAME"],
    )
    expect(choices).to_have_count(len(reasons["rows"]))
    choices.first.click()
    expect(page.get_by_test_id("hold-reason")).to_be_visible()
