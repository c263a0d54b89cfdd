"""mes_watchdog_* as /metrics exports them: read from the state file at every scrape."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from fake_clock import FakeClock
from mes_dashboard.watchdog.collector import WatchdogCollector
from mes_dashboard.watchdog.policy import Policy
from mes_dashboard.watchdog.state import Probe, StateFile


def scrape(collector: WatchdogCollector) -> dict[str, float]:
    registry = CollectorRegistry()
    registry.register(collector)
    text = generate_latest(registry).decode()
    return {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines() if not line.startswith("#")
    }  # fmt: skip


def test_nothing_before_the_watchdog_wrote_its_state(tmp_path: Path) -> None:
    assert scrape(WatchdogCollector(StateFile(tmp_path), Policy())) == {}


def test_values_follow_the_state_file(tmp_path: Path) -> None:
    now = 1_767_225_600.0
    clock = FakeClock(now)
    collector = WatchdogCollector(StateFile(tmp_path), Policy(budget=2, cooldown_s=60), clock)
    with StateFile(tmp_path).locked() as state:
        state.mode, state.churn_since, state.churn_entries = "churn_guarded", now - 5, 1
        state.restart_times, state.restarts_total, state.last_restart_at = [now - 30], 4, now - 30
        state.note_probe(Probe(now - 1, False, False, "refused"), 10)
    assert scrape(collector) == {
        "mes_watchdog_restarts_total": 4,
        "mes_watchdog_churn_guarded": 1,
        "mes_watchdog_churn_guard_entries_total": 1,
        "mes_watchdog_restarts_in_window": 1,
        "mes_watchdog_restart_budget": 2,
        "mes_watchdog_consecutive_liveness_failures": 0,
        "mes_watchdog_last_probe_timestamp_seconds": now - 1,
    }
    with StateFile(tmp_path).locked() as state:
        state.restarts_total = 5
    clock.advance(3600)
    values = scrape(collector)
    assert values["mes_watchdog_restarts_total"] == 5
    assert values["mes_watchdog_restarts_in_window"] == 0
