"""Session fixtures: a small demo database, the real gunicorn serving the built pages, Chromium.

Every test gets a fresh browser context (time zone different from the plant's, so leaks show)
and fails when the page logged a console error or threw.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, sync_playwright

from e2e.reference_data import fetch_table
from mes_dashboard.auth.accounts import AccountStore
from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, demo_env
from testkit.chromium import BROWSER_TZ, launch

ROOT = Path(__file__).resolve().parents[2]
SEED = 20251201
ADMIN, ADMIN_PASSWORD = "e2e-admin", "e2e admin passphrase"
HISTORY_DAYS = 14


@dataclass
class Server:
    """The running dashboard and the snapshots it serves."""

    url: str
    db: Path
    log: Path
    audit_log: Path
    registry: Path
    _tables: dict[str, pa.Table] = field(default_factory=dict)

    def table(self, dataset: str) -> pa.Table:
        """The served snapshot (fetched once; the demo simulator is off, so it does not move)."""
        if dataset not in self._tables:
            self._tables[dataset] = fetch_table(self.url, dataset)
        return self._tables[dataset]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn (one worker, so every request sees the same snapshot) on a 3,000-lot demo DB with
    14 days of shift history."""
    if not (ROOT / "frontend" / "dist" / "index.html").is_file():
        pytest.fail("frontend/dist is missing: run `npm run build` (or `make build`) first")
    tmp = tmp_path_factory.mktemp("e2e")
    db = tmp / "demo.sqlite"
    generate(db, lots=3000, machines=300, seed=SEED, history_days=HISTORY_DAYS)
    env = demo_env(db, tmp)
    AccountStore(Path(env["MES_ACCOUNTS_FILE"])).set_password(ADMIN, ADMIN_PASSWORD)
    gunicorn = GunicornServer(env, log=tmp / "gunicorn.log")
    gunicorn.start()
    try:
        yield Server(gunicorn.url, db, gunicorn.log, Path(env["MES_AUDIT_LOG"]), tmp / "pages.json")
    finally:
        gunicorn.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch(playwright)
    yield browser
    browser.close()


@pytest.fixture()
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions of the test's page."""
    return []


@pytest.fixture()
def page(browser: Browser, server: Server, console_errors: list[str]) -> Iterator[Page]:
    """A fresh zh-TW context on the dashboard; no console error allowed."""
    context = browser.new_context(
        base_url=server.url,
        locale="zh-TW",
        timezone_id=BROWSER_TZ,
        viewport={"width": 1600, "height": 1000},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))

    def on_dialog(dialog: Dialog) -> None:
        console_errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()
    assert console_errors == [], "the page logged errors"
