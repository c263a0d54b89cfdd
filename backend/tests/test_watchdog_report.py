"""The watchdog section of /health/deep, read from the state file."""

from __future__ import annotations

from pathlib import Path

from mes_dashboard.config import load_settings
from mes_dashboard.watchdog.report import health_section
from mes_dashboard.watchdog.state import Decision, Probe, StateFile


def test_section_follows_the_state(tmp_path: Path) -> None:
    settings = load_settings(
        {"MES_STATE_DIR": str(tmp_path), "MES_WATCHDOG_INTERVAL_S": "10",
         "MES_WATCHDOG_BUDGET": "2", "MES_WATCHDOG_COOLDOWN_S": "60"}, env_file=None,
    )  # fmt: skip
    assert health_section(settings, 0.0)["running"] is False
    now = 1_767_225_600.0
    with StateFile(tmp_path).locked() as state:
        state.mode, state.churn_since, state.churn_entries = "churn_guarded", now - 5, 1
        state.restart_times, state.restarts_total, state.last_restart_at = [now - 30], 4, now - 30
        state.note_probe(Probe(now - 1, False, False, "refused"), 10)
        state.note_decision(Decision(now - 1, "refused", "churn-guarded"), 10)
    section = health_section(settings, now)
    assert section["running"] is True and section["mode"] == "churn_guarded"
    assert (section["restarts_in_window"], section["cooldown_left_s"]) == (1, 30.0)
    assert section["decisions"][0]["at"] == "2025-12-31T23:59:59+00:00"
    assert health_section(settings, now + 31)["running"] is False
