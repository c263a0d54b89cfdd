"""Admin sign-in in the browser: an admin sees the Operations detail and its actions (page status,
the watchdog's restart request); an anonymous user sees only the status summary and no actions;
sign-ins and restart requests are audited."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from typing import Any

from playwright.sync_api import Page, expect

from e2e.tests.conftest import ADMIN, ADMIN_PASSWORD, Server


def sign_in(page: Page, password: str = ADMIN_PASSWORD) -> None:
    page.get_by_test_id("session").get_by_role("button", name="管理者登入").click()
    dialog = page.get_by_role("dialog", name="管理者登入")
    dialog.get_by_label("帳號").fill(ADMIN)
    dialog.get_by_label("密碼").fill(password)
    dialog.get_by_role("button", name="登入").click()


def test_anonymous_user_sees_the_summary_and_no_actions(page: Page, server: Server) -> None:
    with urllib.request.urlopen(f"{server.url}/health/deep", timeout=10) as resp:
        summary = json.loads(resp.read())
    assert set(summary) == {"status", "datasets"}
    page.goto("/#/ops")
    expect(page.get_by_test_id("ops-status")).to_have_attribute("data-value", summary["status"])
    expect(page.get_by_test_id("ops-summary-note")).to_be_visible()
    for name, dataset in summary["datasets"].items():
        row = page.locator(f'[data-testid="ops-summary-row"][data-key="{name}"]')
        expect(row.locator('[data-col="version"]')).to_have_text(dataset["version"])
    expect(page.get_by_test_id("ops-settings")).to_have_count(0)
    expect(page.get_by_test_id("ops-pages")).to_have_count(0)
    expect(page.get_by_role("combobox")).to_have_count(0)
    expect(page.get_by_test_id("ops-watchdog")).to_have_count(0)
    expect(page.get_by_test_id("ops-restart")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("restart|重啟", re.I))).to_have_count(0)


def test_a_wrong_password_is_refused_in_the_dialog(page: Page, console_errors: list[str]) -> None:
    page.goto("/#/ops")
    sign_in(page, "not the password")
    expect(page.get_by_test_id("sign-in-error")).to_have_text("帳號或密碼錯誤。")
    expect(page.get_by_test_id("session-user")).to_have_count(0)
    refused = "the server responded with a status of 401 (UNAUTHORIZED)"
    assert [e for e in console_errors if refused in e] == console_errors != []
    console_errors.clear()  # Chromium logs the refused sign-in (401) itself; nothing else may


def _health_as_shown(page: Page, timeout_s: float = 40.0) -> dict[str, Any]:
    """/health/deep as the page shows it: the status can change between the page's poll (every
    15 s) and this request (a refresh finishing, a dataset turning stale), so both are read again
    until they agree; the page must catch up within two of its polls."""
    deadline = time.monotonic() + timeout_s
    while True:
        health: dict[str, Any] = page.request.get("/health/deep").json()
        shown = page.get_by_test_id("ops-status").get_attribute("data-value")
        cells = page.locator('[data-testid="ops-datasets-row"] [data-col="version"]')
        versions = cells.all_text_contents()
        want = sorted(d["version"] for d in health.get("datasets", {}).values())
        if shown == health["status"] and sorted(v.strip() for v in versions) == want:
            return health
        if time.monotonic() > deadline:
            said = f"{health['status']} / {want}"
            raise AssertionError(f"the page shows {shown} / {versions}, /health/deep says {said}")
        page.wait_for_timeout(500)


def test_admin_signs_in_and_sees_the_operations_detail(page: Page, server: Server) -> None:
    page.goto("/#/ops")
    expect(page.get_by_test_id("ops-summary-note")).to_be_visible()
    sign_in(page)
    expect(page.get_by_test_id("session-user")).to_have_text(f"{ADMIN} · 管理者")
    health = _health_as_shown(page)
    assert "settings" in health, "the browser's session cookie reaches the server"
    for name, dataset in health["datasets"].items():
        row = page.locator(f'[data-testid="ops-datasets-row"][data-key="{name}"]')
        expect(row.locator('[data-col="version"]')).to_have_text(dataset["version"])
    settings = page.get_by_test_id("ops-settings-count")
    expect(settings).to_have_attribute("data-value", str(len(health["settings"])))
    expect(page.get_by_test_id("ops-summary-note")).to_have_count(0)

    pages = page.get_by_test_id("ops-pages")
    expect(pages.locator('tr[data-key="equipment-history"]')).to_be_visible()
    expect(page.get_by_test_id("nav").get_by_role("link", name="設備歷史")).to_be_visible()

    page.get_by_test_id("session").get_by_role("button", name="登出").click()
    expect(page.get_by_test_id("ops-summary-note")).to_be_visible()
    # a released page stays for everyone (dev pages hidden from anonymous users: test_shell)
    expect(page.get_by_test_id("nav").get_by_role("link", name="設備歷史")).to_be_visible()
    actions = [(e["actor"], e["action"], e["result"]) for e in _audit(server)]
    assert (ADMIN, "sign_in", "ok") in actions and (ADMIN, "sign_out", "ok") in actions


def test_admin_requests_a_restart_and_sees_the_policy_decision(
    page: Page, server: Server, console_errors: list[str]
) -> None:
    page.goto("/#/ops")
    expect(page.get_by_test_id("ops-summary-note")).to_be_visible()
    expect(page.get_by_test_id("ops-restart")).to_have_count(0)
    sign_in(page)
    expect(page.get_by_test_id("ops-watchdog")).to_be_visible()
    expect(page.get_by_test_id("ops-watchdog-mode")).to_have_text("—")  # no watchdog has run
    form = page.get_by_test_id("ops-restart")
    request = form.get_by_role("button", name="請求重啟")
    expect(request).to_be_disabled()
    form.get_by_label("原因").fill("e2e: stuck page")
    request.click()
    decision = form.get_by_test_id("ops-restart-decision")
    expect(decision).to_have_attribute("data-accepted", "true")
    expect(decision).to_contain_text("scheduled: within policy")
    expect(page.get_by_test_id("ops-watchdog-pending")).to_have_text("e2e: stuck page")

    request.click()  # the watchdog is not running here, so the first request is still pending
    expect(decision).to_have_attribute("data-accepted", "false")
    expect(decision).to_contain_text("RESTART_REFUSED: a restart is already pending")
    refused = "the server responded with a status of 409 (CONFLICT)"
    assert [e for e in console_errors if refused in e] == console_errors != []
    console_errors.clear()  # Chromium logs the refused request (409) itself; nothing else may
    requests = [
        (e["actor"], e["action"], e["reason"], e["result"])
        for e in _audit(server)
        if e["action"] == "watchdog.restart_request"
    ]
    assert requests[-2:] == [
        (ADMIN, "watchdog.restart_request", "e2e: stuck page", "scheduled"),
        (ADMIN, "watchdog.restart_request", "e2e: stuck page",
         "refused: a restart is already pending"),
    ]  # fmt: skip


def _audit(server: Server) -> list[dict[str, str]]:
    return [json.loads(line) for line in server.audit_log.read_text().splitlines()]
