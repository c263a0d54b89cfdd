"""The one headless Chromium launch configuration of parity, e2e and the benchmarks.

`MES_CHROMIUM` is the browser's path (default `/usr/bin/chromium`), `MES_CHROMIUM_FLAGS` extra
flags (split like a shell line), `MES_TEST_TZ` the time zone pages run in (never the plant's, so
time-zone leaks show up).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence

from playwright.sync_api import Browser, Playwright

DEFAULT_EXECUTABLE = "/usr/bin/chromium"
STANDARD_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
BROWSER_TZ = os.environ.get("MES_TEST_TZ", "America/Los_Angeles")


def executable() -> str:
    """The Chromium binary: `MES_CHROMIUM`, else Debian's."""
    return os.environ.get("MES_CHROMIUM") or DEFAULT_EXECUTABLE


def flags(extra_args: Sequence[str] = ()) -> list[str]:
    """The standard flags, then `MES_CHROMIUM_FLAGS`, then the caller's."""
    return [*STANDARD_FLAGS, *shlex.split(os.environ.get("MES_CHROMIUM_FLAGS", "")), *extra_args]


def launch(playwright: Playwright, extra_args: Sequence[str] = ()) -> Browser:
    """Launch headless Chromium with the one configuration (plus `extra_args`)."""
    return playwright.chromium.launch(executable_path=executable(), args=flags(extra_args))
