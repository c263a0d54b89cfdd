"""The watchdog state as others show it: a `/health/deep` section and Prometheus lines.

`/metrics` of every worker reads the same state file, so `mes_watchdog_restarts_total` is the
host's count whichever worker answers the scrape.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from mes_dashboard.config import Settings
from mes_dashboard.watchdog.policy import (
    CHURN_GUARDED,
    Policy,
    cooldown_left,
    restarts_in_window,
)
from mes_dashboard.watchdog.state import StateFile, WatchdogState

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


def metric_lines(settings: Settings, now: float) -> list[str]:
    """Prometheus lines from the state file (none before the watchdog first wrote it)."""
    state_file = StateFile(settings.state_dir)
    if not state_file.exists():
        return []
    state = state_file.load()
    policy = Policy.from_settings(settings)
    return _lines(state, policy, now)


def _lines(state: WatchdogState, policy: Policy, now: float) -> list[str]:
    last_probe = state.probes[-1].at if state.probes else 0.0
    metrics = [
        ("mes_watchdog_restarts_total", "counter", "Restarts the watchdog performed.",
         state.restarts_total),
        ("mes_watchdog_churn_guarded", "gauge",
         "1 while the watchdog is churn-guarded (automatic restarts stopped).",
         int(state.mode == CHURN_GUARDED)),
        ("mes_watchdog_churn_guard_entries_total", "counter",
         "Times the restart budget was spent and the watchdog became churn-guarded.",
         state.churn_entries),
        ("mes_watchdog_restarts_in_window", "gauge",
         "Restarts counted against the budget now.", restarts_in_window(policy, state, now)),
        ("mes_watchdog_restart_budget", "gauge", "Restarts allowed per window.", policy.budget),
        ("mes_watchdog_consecutive_liveness_failures", "gauge",
         "Liveness probes failed in a row.", state.consecutive_failures),
        ("mes_watchdog_last_probe_timestamp_seconds", "gauge",
         "Unix time of the watchdog's last probe.", last_probe),
    ]  # fmt: skip
    lines: list[str] = []
    for name, kind, help_text, value in metrics:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {value}"]
    return lines
