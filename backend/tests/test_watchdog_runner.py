"""The watchdog loop with a fake clock and scripted probes; restarts are real commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from fake_clock import FakeClock
from mes_dashboard.auth.audit import AuditLog
from mes_dashboard.watchdog.manual import ManualControl
from mes_dashboard.watchdog.policy import CHURN_GUARDED, Policy, RestartRequest
from mes_dashboard.watchdog.restarter import Restarter
from mes_dashboard.watchdog.runner import Runner
from mes_dashboard.watchdog.state import StateFile

POLICY = Policy(failures=2, cooldown_s=30.0, budget=2, window_s=3600.0)


class Script:
    """Liveness answers from a list; readiness follows liveness."""

    def __init__(self, live: list[bool]) -> None:
        self.answers: Iterator[bool] = iter(live)
        self.last = True

    def __call__(self, path: str) -> tuple[bool, str]:
        if path == "/health/live":
            self.last = next(self.answers)
        return self.last, "HTTP 200" if self.last else "ConnectionRefusedError"


def runner(tmp_path: Path, clock: FakeClock, live: list[bool], command: str) -> Runner:
    marker = tmp_path / "restarts.log"
    restart = Restarter(f"sh -c 'echo restart >> {marker}; {command}'", "")
    return Runner("http://127.0.0.1:9", StateFile(tmp_path / "state"), POLICY, restart,
                  AuditLog(tmp_path / "audit.jsonl", clock), history=20, clock=clock,
                  prober=Script(live))  # fmt: skip


def run_ticks(r: Runner, clock: FakeClock, n: int) -> list[str]:
    out = []
    for _ in range(n):
        out.append(r.tick())
        clock.advance(10)
    return out


def test_hung_app_is_restarted_once_then_recovers(tmp_path: Path) -> None:
    clock = FakeClock(1e9)
    r = runner(tmp_path, clock, [True, False, False, True, True], "true")
    assert run_ticks(r, clock, 5) == ["none", "none", "restarted", "none", "none"]
    state = r.state_file.load()
    assert state.restarts_total == 1 and state.restarts[-1].ok
    assert (tmp_path / "restarts.log").read_text() == "restart\n"
    assert [p.live for p in state.probes] == [True, False, False, True, True]
    audit = json.loads((tmp_path / "audit.jsonl").read_text())
    assert (audit["actor"], audit["action"], audit["result"]) == (
        "watchdog", "watchdog.restart", "ok",
    )  # fmt: skip


def test_crash_loop_stops_after_the_budget(tmp_path: Path) -> None:
    clock = FakeClock(1e9)
    r = runner(tmp_path, clock, [False] * 40, "false")
    results = run_ticks(r, clock, 40)
    assert results.count("restarted") == POLICY.budget
    state = r.state_file.load()
    assert state.mode == CHURN_GUARDED and state.churn_entries == 1
    assert not state.restarts[-1].ok
    assert (tmp_path / "restarts.log").read_text().count("restart") == 2
    actions = [json.loads(x)["action"] for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert actions == ["watchdog.restart", "watchdog.restart", "watchdog.churn_guard"]
    assert state.decisions[-1].reason.startswith("churn-guarded")
    assert state.decisions[-1].repeat > 1


def test_a_pending_request_is_performed_by_the_runner(tmp_path: Path) -> None:
    clock = FakeClock(1e9)
    r = runner(tmp_path, clock, [True, True], "true")
    desk = ManualControl(r.state_file, POLICY, r.audit, clock=clock)
    assert desk.request_restart(
        RestartRequest("alice", "config change", request_id="q")
    ).action == ("scheduled")
    assert run_ticks(r, clock, 2) == ["restarted", "none"]
    state = r.state_file.load()
    assert state.pending is None and state.restarts[-1].actor == "alice"
    assert state.restarts[-1].trigger == "request"
    last = json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[-1])
    assert (last["actor"], last["reason"], last["request_id"]) == ("alice", "config change", "q")
