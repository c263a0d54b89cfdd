"""Admin requests and the churn-guard clear: decided under the lock, persisted and audited."""

from __future__ import annotations

import json
from pathlib import Path

from fake_clock import FakeClock
from mes_dashboard.auth.audit import AuditLog
from mes_dashboard.watchdog.manual import ManualControl
from mes_dashboard.watchdog.policy import CHURN_GUARDED, Policy, RestartRequest
from mes_dashboard.watchdog.state import StateFile

AUDIT_KEYS = ["time", "actor", "action", "result", "target", "reason", "request_id", "ip"]


def control(tmp_path: Path, clock: FakeClock) -> ManualControl:
    policy = Policy(failures=3, cooldown_s=60.0, budget=1, window_s=600.0)
    audit = AuditLog(tmp_path / "audit.jsonl", clock)
    return ManualControl(StateFile(tmp_path / "state"), policy, audit, history=20, clock=clock)


def audit_lines(tmp_path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]


def test_request_is_persisted_and_audited(tmp_path: Path) -> None:
    clock = FakeClock(1_767_225_600.0)
    desk = control(tmp_path, clock)
    decision = desk.request_restart(RestartRequest("alice", "page stuck", request_id="req-1"))
    assert decision.action == "scheduled"
    state = desk.state_file.load()
    assert state.pending is not None and state.pending.reason == "page stuck"
    assert state.decisions[-1].actor == "alice"
    [line] = audit_lines(tmp_path)
    assert list(line) == AUDIT_KEYS
    assert line == {
        "time": "2026-01-01T00:00:00.000+00:00",
        "actor": "alice",
        "action": "watchdog.restart_request",
        "result": "scheduled",
        "target": "mes-dashboard",
        "reason": "page stuck",
        "request_id": "req-1",
        "ip": "",
    }


def test_refusals_are_audited_too(tmp_path: Path) -> None:
    clock = FakeClock(1_767_225_600.0)
    desk = control(tmp_path, clock)
    desk.request_restart(RestartRequest("bob", ""))
    desk.request_restart(RestartRequest("bob", "hung", override=True))
    assert desk.state_file.load().pending is None
    results = [(a["action"], a["result"]) for a in audit_lines(tmp_path)]
    assert results == [
        ("watchdog.restart_request", "refused: a reason is required"),
        ("watchdog.override", "refused: an override needs an acknowledgement"),
    ]


def test_override_in_churn_guard_and_clear(tmp_path: Path) -> None:
    clock = FakeClock(1_767_225_600.0)
    desk = control(tmp_path, clock)
    with desk.state_file.locked() as state:
        state.mode, state.churn_since, state.restart_times = CHURN_GUARDED, clock(), [clock()]
    refused = desk.request_restart(RestartRequest("carol", "still down"))
    assert refused.reason.startswith("churn-guarded")
    assert desk.clear("carol", "").action == "refused"
    assert desk.state_file.load().mode == CHURN_GUARDED
    cleared = desk.clear("carol", "root cause fixed: disk full")
    assert (cleared.action, cleared.reason) == ("cleared", "churn guard cleared")
    assert desk.state_file.load().mode == "watching"
    ok = desk.request_restart(
        RestartRequest("carol", "after fix", override=True, acknowledge=True, request_id="r9")
    )
    assert ok.action == "scheduled"
    actions = [(a["action"], a["result"]) for a in audit_lines(tmp_path)]
    assert actions == [
        ("watchdog.restart_request", "refused: churn-guarded: an admin must clear it"),
        ("watchdog.clear", "refused: a reason is required"),
        ("watchdog.clear", "cleared"),
        ("watchdog.override", "scheduled"),
    ]
