"""axe-core on every released page and on the states that open drawers, in both languages."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.tests.axe import assert_no_serious_violations
from e2e.tests.conftest import Server
from mes_dashboard.registry.pages import read_registry, visible_pages

# the registry the e2e server serves (its MES_PAGE_REGISTRY file does not exist: the default)
RELEASED: list[dict[str, Any]] = visible_pages(read_registry(None), is_admin=False)["pages"]
LANGUAGES = ["zh-TW", "en"]


def open_page(page: Page, path: str, language: str) -> None:
    """Open a page, wait for its data, then switch to `language`."""
    page.goto(f"/#{path}")
    expect(page.locator('[data-testid^="page-"]')).to_be_visible()
    expect(page.get_by_test_id("page-not-found")).to_have_count(0)
    expect(page.get_by_test_id("loading-panel")).to_have_count(0)
    page.get_by_test_id(f"lang-{language}").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def hold_reason_chosen(page: Page) -> None:
    page.get_by_test_id("reason-choice").first.click()
    expect(page.get_by_test_id("hold-reason")).to_be_visible()
    expect(page.get_by_test_id("loading-panel")).to_have_count(0)


def wip_status_filter(page: Page) -> None:
    card = page.get_by_test_id("status-card-QUEUE")
    card.click()
    expect(card).to_have_attribute("aria-pressed", "true")


def hold_distribution_filter(page: Page) -> None:
    hold_reason_chosen(page)
    item = page.get_by_test_id("dist-group-item").first
    item.click()
    expect(item).to_have_attribute("aria-pressed", "true")


def machine_table(page: Page) -> None:
    page.get_by_test_id("list-table").click()
    expect(page.get_by_test_id("machine-table")).to_be_visible()


def equipment_drawer(page: Page) -> None:
    page.get_by_test_id("machine-card").first.click()
    expect(page.get_by_test_id("equipment-drawer")).to_be_visible()


def lot_drawer(page: Page) -> None:
    page.get_by_test_id("group-choice").first.click()
    row = page.get_by_test_id("lot-table-row").first
    row.get_by_role("button", name=row.get_attribute("data-key") or "").click()
    expect(page.get_by_test_id("lot-drawer")).to_be_visible()


STATES: dict[str, tuple[str, Callable[[Page], None]]] = {
    "wip-status-filter": ("/wip", wip_status_filter),
    "hold-reason": ("/hold", hold_reason_chosen),
    "hold-distribution-filter": ("/hold", hold_distribution_filter),
    "machine-table": ("/equipment", machine_table),
    "equipment-drawer": ("/equipment", equipment_drawer),
    "lot-drawer": ("/wip/detail", lot_drawer),
}


def test_the_checked_pages_are_the_released_pages_served(server: Server) -> None:
    with urllib.request.urlopen(f"{server.url}/api/v1/pages", timeout=10) as resp:
        served = json.loads(resp.read())["pages"]
    assert [p["id"] for p in served] == [p["id"] for p in RELEASED]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("entry", RELEASED, ids=[p["id"] for p in RELEASED])
def test_released_page_has_no_serious_violations(
    page: Page, entry: dict[str, Any], language: str
) -> None:
    open_page(page, entry["path"], language)
    assert_no_serious_violations(page)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", list(STATES))
def test_page_state_has_no_serious_violations(page: Page, state: str, language: str) -> None:
    path, reach = STATES[state]
    open_page(page, path, language)
    reach(page)
    assert_no_serious_violations(page)
