"""The one Chromium launch configuration: MES_CHROMIUM (path), MES_CHROMIUM_FLAGS (flags)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from testkit.chromium import DEFAULT_EXECUTABLE, STANDARD_FLAGS, executable, flags, launch


def test_defaults_without_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MES_CHROMIUM", raising=False)
    monkeypatch.delenv("MES_CHROMIUM_FLAGS", raising=False)
    assert executable() == DEFAULT_EXECUTABLE
    assert flags() == list(STANDARD_FLAGS)


def test_environment_flags_come_after_the_standard_ones_and_before_the_callers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MES_CHROMIUM", "/opt/chromium/chrome")
    monkeypatch.setenv("MES_CHROMIUM_FLAGS", "--lang=de '--user-agent=a b'")
    assert executable() == "/opt/chromium/chrome"
    assert flags(["--js-flags=--expose-gc"]) == [
        *STANDARD_FLAGS,
        "--lang=de",
        "--user-agent=a b",
        "--js-flags=--expose-gc",
    ]


def test_launch_passes_the_flags_to_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MES_CHROMIUM_FLAGS", "--user-agent=testkit-probe")
    with sync_playwright() as playwright:
        browser = launch(playwright, extra_args=["--js-flags=--expose-gc"])
        try:
            page = browser.new_page()
            assert page.evaluate("navigator.userAgent") == "testkit-probe"
            assert page.evaluate("typeof gc") == "function"
        finally:
            browser.close()
