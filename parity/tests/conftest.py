"""Hypothesis profiles and the session's browser (one Chromium page for the whole run).

HYPOTHESIS_PROFILE picks `dev` (default: quick, random) or `ci` (derandomized, 300 examples per
property). PARITY_MAX_EXAMPLES overrides the number of examples of whichever profile is loaded;
PARITY_SHRINK=0 skips shrinking (a failure is reported as found, unminimized: the mutation check
uses it to learn quickly which properties catch a bug).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from playwright.sync_api import Browser

from parity.harness import BrowserCore, browser_core, chromium

SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "dev", max_examples=30, deadline=None, print_blob=True, suppress_health_check=SLOW_OK
)
settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=SLOW_OK,
)
_profile = os.environ.get("HYPOTHESIS_PROFILE", "dev")
_overrides: dict[str, Any] = {}
if os.environ.get("PARITY_MAX_EXAMPLES"):
    _overrides["max_examples"] = int(os.environ["PARITY_MAX_EXAMPLES"])
if os.environ.get("PARITY_SHRINK") == "0":
    _overrides["phases"] = [p for p in Phase if p not in (Phase.shrink, Phase.explain)]
if _overrides:
    settings.register_profile(f"{_profile}-env", settings.get_profile(_profile), **_overrides)
    _profile = f"{_profile}-env"
settings.load_profile(_profile)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (one sync Playwright at a time)."""
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def core(chromium_browser: Browser) -> Iterator[BrowserCore]:
    """`window.mesCore` of the built harness in headless Chromium."""
    with browser_core(browser=chromium_browser) as browser:
        yield browser
