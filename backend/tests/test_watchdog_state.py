"""The state file: round trip, atomic writes, bounded history, the lock between processes."""

from __future__ import annotations

import json
import multiprocessing
from multiprocessing.synchronize import Event
from pathlib import Path

import pytest

from mes_dashboard.watchdog.state import (
    Decision,
    Pending,
    Probe,
    Restart,
    StateFile,
    StateLockTimeout,
    WatchdogState,
)


def sample() -> WatchdogState:
    state = WatchdogState(mode="churn_guarded", consecutive_failures=2, churn_since=5.0)
    state.restart_times = [1.0, 2.0]
    state.restarts_total = 7
    state.pending = Pending(3.0, "alice", "stuck", "rid", override=True)
    state.note_probe(Probe(4.0, False, False, "URLError"), 10)
    state.note_decision(Decision(4.0, "refused", "cooldown", retry_after_s=12.5), 10)
    state.note_restart(Restart(2.0, "liveness", "watchdog", True, "ok"), 10)
    return state


def test_round_trip(tmp_path: Path) -> None:
    file = StateFile(tmp_path / "state")
    assert not file.exists() and file.load() == WatchdogState()
    file.save(sample())
    assert file.load() == sample()
    raw = json.loads(file.path.read_text())
    assert raw["pending"]["actor"] == "alice" and raw["mode"] == "churn_guarded"
    assert [p.name for p in file.dir.iterdir()] == ["watchdog.json"]


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    file = StateFile(tmp_path)
    file.path.write_text(json.dumps(sample().to_json() | {"from_a_newer_version": 1}))
    assert file.load() == sample()


def test_history_is_bounded_and_repeats_are_counted() -> None:
    state = WatchdogState()
    for i in range(30):
        state.note_probe(Probe(float(i), True, True), 5)
        state.restart_times.append(float(i))
        state.note_restart(Restart(float(i), "liveness", "watchdog", True), 5)
    assert [p.at for p in state.probes] == [25.0, 26.0, 27.0, 28.0, 29.0]
    assert len(state.restarts) == 5 and len(state.restart_times) == 5
    for i in range(4):
        state.note_decision(Decision(float(i), "refused", "cooldown"), 3)
    assert len(state.decisions) == 1 and state.decisions[0].repeat == 4
    for i in range(6):
        state.note_decision(Decision(float(i), "none", f"liveness failed {i}"), 3)
    assert [d.reason for d in state.decisions] == [f"liveness failed {i}" for i in (3, 4, 5)]


def test_locked_saves_on_exit_and_not_on_error(tmp_path: Path) -> None:
    file = StateFile(tmp_path)
    with file.locked() as state:
        state.restarts_total = 3
    assert file.load().restarts_total == 3
    with pytest.raises(RuntimeError), file.locked() as state:
        state.restarts_total = 99
        raise RuntimeError("boom")
    assert file.load().restarts_total == 3


def _hold_lock(state_dir: str, held: Event, go: Event) -> None:
    with StateFile(state_dir).locked():
        held.set()
        go.wait(10)


def test_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    held, go = ctx.Event(), ctx.Event()
    other = ctx.Process(target=_hold_lock, args=(str(tmp_path), held, go))
    other.start()
    try:
        assert held.wait(30)
        with pytest.raises(StateLockTimeout), StateFile(tmp_path).locked(wait_s=0.2):
            pass
    finally:
        go.set()
        other.join(10)
    with StateFile(tmp_path).locked(wait_s=1.0) as state:
        assert state.restarts_total == 0
