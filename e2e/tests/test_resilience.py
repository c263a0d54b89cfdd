"""The browser part of the resilience contract: last good data stays on screen under a banner."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from e2e.reference_data import NOT_DUMMY, totals
from e2e.tests.conftest import Server

# The snapshot route with or without `?since=` (a page holding a version revalidates with it).
WIP = re.compile(r"/api/v1/datasets/wip(\?.*)?$")
DEGRADED = "source-unavailable; since=2026-01-01T00:00:00+00:00"


def pass_through_with(route: Route, extra: dict[str, str]) -> None:
    response = route.fetch()
    headers = {
        k: v for k, v in response.headers.items() if k not in ("content-encoding", "content-length")
    }
    route.fulfill(status=response.status, headers=headers | extra, body=response.body())


def test_degraded_snapshot_shows_a_banner_over_the_data(page: Page, server: Server) -> None:
    page.route(WIP, lambda route: pass_through_with(route, {"x-degraded": DEGRADED}))
    page.goto("/#/wip")
    banner = page.get_by_test_id("data-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(DEGRADED)
    lots = totals(server.table("wip"), ["lots"], [NOT_DUMMY])["lots"]
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", str(lots))


def test_a_failed_refresh_keeps_the_last_good_data(
    page: Page, server: Server, console_errors: list[str]
) -> None:
    page.goto("/#/wip")
    lots = totals(server.table("wip"), ["lots"], [NOT_DUMMY])["lots"]
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", str(lots))
    expect(page.get_by_test_id("data-banner")).to_have_count(0)

    problem = {"code": "DB_UNAVAILABLE", "retryable": True, "title": "Database unavailable"}
    page.route(
        WIP,
        lambda route: route.fulfill(
            status=503,
            headers={"content-type": "application/problem+json", "retry-after": "0"},
            body=json.dumps(problem),
        ),
    )
    page.get_by_test_id("freshness").get_by_role("button").click()
    banner = page.get_by_test_id("data-banner")
    expect(banner).to_be_visible(timeout=20_000)
    expect(banner).to_contain_text("DB_UNAVAILABLE")
    expect(page.get_by_test_id("kpi-lots")).to_have_attribute("data-value", str(lots))

    page.unroute(WIP)
    banner.get_by_role("button").click()
    expect(banner).to_be_hidden(timeout=20_000)
    # the browser logs each refused request; those were the point of the test
    console_errors[:] = [e for e in console_errors if not re.search(r"\b503\b", e)]
