"""The portal shell: navigation from the page registry, every page renders (the Operations detail
is in test_admin.py)."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from e2e.tests.conftest import Server
from mes_dashboard.registry.pages import DEFAULT as DEFAULT_REGISTRY
from mes_dashboard.registry.pages import write_registry

PAGES = [
    ("#/wip", "page-wip-overview"),
    ("#/wip/detail", "page-wip-detail"),
    ("#/hold", "page-hold-detail"),
    ("#/equipment", "page-equipment"),
    ("#/equipment/history", "page-equipment-history"),
    ("#/ops", "page-operations"),
]


@pytest.mark.parametrize(("hash_", "testid"), PAGES)
def test_every_page_renders_without_errors(page: Page, hash_: str, testid: str) -> None:
    page.goto(f"/{hash_}")
    expect(page.get_by_test_id(testid)).to_be_visible()
    expect(page.get_by_test_id("loading-panel")).to_have_count(0)


def test_navigation_comes_from_the_page_registry(page: Page, server: Server) -> None:
    with urllib.request.urlopen(f"{server.url}/api/v1/pages", timeout=10) as resp:
        registry = json.loads(resp.read())
    page.goto("/")
    nav = page.get_by_test_id("nav")
    for drawer in registry["drawers"]:
        expect(nav.get_by_role("button", name=drawer["label"]["zh-TW"])).to_be_visible()
    links = nav.get_by_role("link")
    expect(links).to_have_count(sum(len(d["pages"]) for d in registry["drawers"]))
    nav.get_by_role("link", name="設備狀態").click()
    expect(page.get_by_test_id("page-equipment")).to_be_visible()
    expect(nav.get_by_role("link", name="設備狀態")).to_have_attribute("aria-current", "page")
    reports = nav.get_by_role("button", name=registry["drawers"][0]["label"]["zh-TW"])
    reports.click()
    expect(reports).to_have_attribute("aria-expanded", "false")


def test_unknown_and_unreleased_pages_show_not_found(page: Page, server: Server) -> None:
    registry = json.loads(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    for entry in registry["pages"]:
        if entry["id"] == "equipment-history":
            entry["status"] = "dev"
    write_registry(server.registry, registry)
    try:
        page.goto("/#/no/such/page")
        expect(page.get_by_test_id("page-not-found")).to_be_visible()
        page.goto("/#/equipment/history")
        page.reload()
        expect(page.get_by_test_id("page-not-found")).to_be_visible()
    finally:
        server.registry.unlink()


def test_freshness_badge_shows_the_snapshot_time_in_plant_time(page: Page, server: Server) -> None:
    page.goto("/#/wip")
    badge = page.get_by_test_id("freshness")
    expect(badge).to_have_attribute("data-snapshot-time", re.compile(r"^\d+$"))
    snapshot = server.table("wip").schema.metadata[b"snapshot_time"].decode()
    # "2026-11-28T21:41:06.000+08:00" shown as plant time, whatever the browser's zone
    expect(badge.locator("time")).to_have_text(snapshot[:10] + " " + snapshot[11:19])
