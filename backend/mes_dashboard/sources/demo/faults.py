"""The demo's fault switch: a small JSON file, read on every source call, that makes the demo
source fail the way the warehouse does, for tests and resilience drills.

    {
      "empty": ["lot", "resource"],          fetch returns zero rows (a warehouse refresh)
      "missing_columns": {"lot": ["CURRENTHOLDTIME"]},   fetch lacks these columns
      "unavailable": ["equipment_status"],   raise DB_UNAVAILABLE as the Oracle path does
      "slow_ms": 1500,                        every call waits this long first
      "hang": true                            every call blocks until the file changes (or a cap)
    }

`unavailable` and `hang` take a list of objects or `true` for all. A missing file, or an empty
setting, means no faults; a malformed file is an error of the call (the drill is misconfigured).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mes_dashboard.resilience.db_errors import DbError, DbErrorKind

HANG_CAP_S = 300.0
POLL_S = 0.05
# the code python-oracledb gives a refused connection (DPY-6005: cannot connect to the database)
UNAVAILABLE_CODE = "DPY-6005"
RETRY_AFTER_S = 5.0


@dataclass(frozen=True)
class Faults:
    """The faults in effect for one call."""

    empty: frozenset[str] = frozenset()
    missing_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unavailable: bool | frozenset[str] = False
    slow_ms: float = 0.0
    hang: bool | frozenset[str] = False

    def applies(self, which: bool | frozenset[str], obj: str) -> bool:
        """True when a fault given as `true` or as a list of objects covers `obj`."""
        return which is True or (isinstance(which, frozenset) and obj in which)


def _objects(value: Any, key: str) -> bool | frozenset[str]:
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return frozenset(value)
    raise ValueError(f"faults: {key} must be true, false or a list of object names")


def parse_faults(data: dict[str, Any]) -> Faults:
    """The faults a parsed JSON document asks for."""
    unknown = set(data) - {"empty", "missing_columns", "unavailable", "slow_ms", "hang"}
    if unknown:
        raise ValueError(f"faults: unknown keys {sorted(unknown)}")
    empty = _objects(data.get("empty", []), "empty")
    missing = data.get("missing_columns", {})
    if not isinstance(missing, dict):
        raise ValueError("faults: missing_columns must map object names to column lists")
    return Faults(
        empty=empty if isinstance(empty, frozenset) else frozenset(),
        missing_columns={str(k): tuple(map(str, v)) for k, v in missing.items()},
        unavailable=_objects(data.get("unavailable", False), "unavailable"),
        slow_ms=float(data.get("slow_ms", 0)),
        hang=_objects(data.get("hang", False), "hang"),
    )


@dataclass
class FaultSwitch:
    """Reads the fault file at `path` on every call and applies the delays and failures."""

    path: Path | None
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    hang_cap_s: float = HANG_CAP_S

    def read(self) -> Faults:
        """The faults in the file now (none when there is no file)."""
        text = self._text()
        return Faults() if text is None else parse_faults(json.loads(text or "{}"))

    def enter(self, obj: str) -> Faults:
        """Apply the delays and failures of a call on `obj`; return the faults for its result."""
        faults = self.read()
        if faults.applies(faults.hang, obj):
            self._hang()
            faults = self.read()
        if faults.slow_ms > 0:
            self.sleep(faults.slow_ms / 1000)
        if faults.applies(faults.unavailable, obj):
            raise DbError(DbErrorKind.UNAVAILABLE, UNAVAILABLE_CODE, retry_after=RETRY_AFTER_S)
        return faults

    def _text(self) -> str | None:
        if self.path is None:
            return None
        try:
            return self.path.read_text("utf-8")
        except FileNotFoundError:
            return None

    def _hang(self) -> None:
        """Block until the file's content changes, or `hang_cap_s` has passed."""
        before = self._text()
        deadline = self.monotonic() + self.hang_cap_s
        while self.monotonic() < deadline and self._text() == before:
            self.sleep(POLL_S)
