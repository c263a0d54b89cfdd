"""The watchdog state as `/health/deep` and `mes-dashboard-watchdog status` show it."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from mes_dashboard.config import Settings
from mes_dashboard.watchdog.policy import (
    Policy,
    cooldown_left,
    restarts_in_window,
)
from mes_dashboard.watchdog.state import StateFile

RECENT = 10


def _iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds")


def _stamped(items: list[Any]) -> list[dict[str, Any]]:
    return [asdict(i) | {"at": _iso(i.at)} for i in items[-RECENT:]][::-1]


def health_section(settings: Settings, now: float) -> dict[str, Any]:
    """Policy in effect, mode, counters and the latest probes, decisions and restarts."""
    policy = Policy.from_settings(settings)
    state_file = StateFile(settings.state_dir)
    in_effect = asdict(policy) | {"interval_s": settings.watchdog_interval_s}
    if not state_file.exists():
        return {"running": False, "policy": in_effect}
    state = state_file.load()
    last_probe = state.probes[-1].at if state.probes else None
    stale_after = 3 * settings.watchdog_interval_s
    return {
        "running": last_probe is not None and now - last_probe <= stale_after,
        "policy": in_effect,
        "mode": state.mode,
        "churn_since": _iso(state.churn_since),
        "consecutive_failures": state.consecutive_failures,
        "restarts_in_window": restarts_in_window(policy, state, now),
        "restarts_total": state.restarts_total,
        "cooldown_left_s": round(cooldown_left(policy, state, now), 1),
        "last_probe": _iso(last_probe),
        "pending": None if state.pending is None else asdict(state.pending),
        "decisions": _stamped(state.decisions),
        "restarts": _stamped(state.restarts),
        "probes": _stamped(state.probes),
    }
