"""The restart policy, fake clock: failures in a row, cooldown, budget, churn guard, requests."""

from __future__ import annotations

from fake_clock import FakeClock
from mes_dashboard.watchdog.policy import (
    CHURN_GUARDED,
    WATCHING,
    Policy,
    RestartRequest,
    clear_churn_guard,
    cooldown_left,
    on_probe,
    on_request,
    record_restart,
    restarts_in_window,
)
from mes_dashboard.watchdog.state import WatchdogState

POLICY = Policy(failures=3, cooldown_s=60.0, budget=2, window_s=600.0)


def fail_until_decision(state: WatchdogState, clock: FakeClock) -> str:
    """Fail probes until the policy acts or refuses (at most `failures` probes)."""
    for _ in range(POLICY.failures):
        decision = on_probe(POLICY, state, False, clock())
        clock.advance(10)
    return decision.action + ": " + decision.reason


def test_restart_only_after_n_consecutive_failures() -> None:
    clock, state = FakeClock(1e9), WatchdogState()
    assert on_probe(POLICY, state, False, clock()).reason == "liveness failed 1/3"
    assert on_probe(POLICY, state, False, clock()).action == "none"
    assert on_probe(POLICY, state, True, clock()).reason == "recovered"
    assert state.consecutive_failures == 0
    on_probe(POLICY, state, False, clock())
    on_probe(POLICY, state, False, clock())
    assert on_probe(POLICY, state, False, clock()).action == "restart"


def test_cooldown_between_restarts() -> None:
    clock, state = FakeClock(1e9), WatchdogState()
    assert fail_until_decision(state, clock).startswith("restart")
    record_restart(state, clock())
    assert state.consecutive_failures == 0
    decision = None
    for _ in range(3):
        decision = on_probe(POLICY, state, False, clock())
    assert decision is not None and decision.action == "refused"
    assert decision.reason == "cooldown" and decision.retry_after_s == 60.0
    clock.advance(59)
    assert on_probe(POLICY, state, False, clock()).reason == "cooldown"
    assert cooldown_left(POLICY, state, clock()) == 1.0
    clock.advance(1)
    assert on_probe(POLICY, state, False, clock()).action == "restart"


def test_budget_per_window_then_churn_guarded_until_cleared() -> None:
    clock, state = FakeClock(1e9), WatchdogState()
    for _ in range(POLICY.budget):
        assert fail_until_decision(state, clock).startswith("restart")
        record_restart(state, clock())
        clock.advance(POLICY.cooldown_s)
    assert restarts_in_window(POLICY, state, clock()) == 2
    assert fail_until_decision(state, clock) == "refused: restart budget spent: churn-guarded"
    assert state.mode == CHURN_GUARDED and state.churn_since is not None
    assert state.churn_entries == 1
    clock.advance(POLICY.window_s * 10)
    assert restarts_in_window(POLICY, state, clock()) == 0
    decision = on_probe(POLICY, state, False, clock())
    assert decision.action == "refused" and decision.reason.startswith("churn-guarded")
    clear_churn_guard(state, clock())
    assert state.mode == WATCHING
    assert fail_until_decision(state, clock).startswith("restart")


def test_clear_gives_a_fresh_budget_inside_the_window() -> None:
    clock, state = FakeClock(1e9), WatchdogState()
    for _ in range(2):
        record_restart(state, clock())
        clock.advance(POLICY.cooldown_s)
    assert restarts_in_window(POLICY, state, clock()) == 2
    clear_churn_guard(state, clock())
    clock.advance(1)
    assert restarts_in_window(POLICY, state, clock()) == 0


def test_a_request_goes_through_the_same_policy() -> None:
    clock, state = FakeClock(1e9), WatchdogState()
    ask = RestartRequest("alice", "deploy stuck", request_id="r1")
    decision = on_request(POLICY, state, ask, clock())
    assert (decision.action, decision.actor) == ("scheduled", "alice")
    assert state.pending is not None and state.pending.request_id == "r1"
    assert on_request(POLICY, state, ask, clock()).reason == "a restart is already pending"
    record_restart(state, clock())
    refused = on_request(POLICY, state, ask, clock())
    assert (refused.action, refused.reason, refused.retry_after_s) == ("refused", "cooldown", 60.0)
    clock.advance(60)
    assert on_request(POLICY, state, ask, clock()).action == "scheduled"
    record_restart(state, clock())
    clock.advance(60)
    assert on_request(POLICY, state, ask, clock()).reason.startswith("restart budget spent")
    assert state.mode == CHURN_GUARDED
    assert on_request(POLICY, state, ask, clock()).reason.startswith("churn-guarded")


def test_override_rules() -> None:
    clock, state = FakeClock(1e9), WatchdogState(mode=CHURN_GUARDED, churn_since=1e9)
    no_reason = RestartRequest("alice", "  ", override=True, acknowledge=True)
    assert on_request(POLICY, state, no_reason, clock()).reason == "a reason is required"
    no_ack = RestartRequest("alice", "app hung", override=True)
    assert (
        on_request(POLICY, state, no_ack, clock()).reason == "an override needs an acknowledgement"
    )
    assert state.pending is None and state.mode == CHURN_GUARDED
    acked = RestartRequest("alice", "app hung", override=True, acknowledge=True)
    decision = on_request(POLICY, state, acked, clock())
    assert (decision.action, decision.reason) == ("scheduled", "override acknowledged")
    assert state.mode == WATCHING and state.pending is not None and state.pending.override
    record_restart(state, clock())
    assert cooldown_left(POLICY, state, clock()) == 60.0
    assert on_request(POLICY, state, acked, clock()).action == "scheduled"


def test_reason_is_required_for_any_request() -> None:
    state = WatchdogState()
    decision = on_request(POLICY, state, RestartRequest("bob", ""), 1e9)
    assert (decision.action, decision.reason) == ("refused", "a reason is required")
    assert state.pending is None
