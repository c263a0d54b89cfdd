"""The restart policy: consecutive liveness failures, cooldown, a budget per window, churn guard.

Every function takes the current wall-clock time, so tests drive it with a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from mes_dashboard.config import Settings
from mes_dashboard.watchdog.state import Decision, Pending, WatchdogState

WATCHING = "watching"
CHURN_GUARDED = "churn_guarded"


@dataclass(frozen=True)
class Policy:
    """When an automatic or requested restart is allowed."""

    failures: int = 3
    cooldown_s: float = 300.0
    budget: int = 3
    window_s: float = 3600.0

    @classmethod
    def from_settings(cls, s: Settings) -> Policy:
        """The policy configured by the `MES_WATCHDOG_*` settings."""
        return cls(
            s.watchdog_failures, s.watchdog_cooldown_s, s.watchdog_budget, s.watchdog_window_s
        )


@dataclass(frozen=True)
class RestartRequest:
    """A restart asked for by an admin (API or command line)."""

    actor: str
    reason: str
    override: bool = False
    acknowledge: bool = False
    request_id: str = ""


def restarts_in_window(policy: Policy, state: WatchdogState, now: float) -> int:
    """Restarts that count against the budget now (inside the window, after the last clear)."""
    since = max(now - policy.window_s, state.budget_reset_at)
    return sum(1 for t in state.restart_times if t > since)


def cooldown_left(policy: Policy, state: WatchdogState, now: float) -> float:
    """Seconds until the cooldown after the last restart ends (0 when over)."""
    if state.last_restart_at is None:
        return 0.0
    return max(0.0, state.last_restart_at + policy.cooldown_s - now)


def on_probe(policy: Policy, state: WatchdogState, live_ok: bool, now: float) -> Decision:
    """Count a liveness result; a restart once `failures` probes in a row have failed."""
    if live_ok:
        was_failing = state.consecutive_failures > 0
        state.consecutive_failures = 0
        return Decision(now, "none", "recovered" if was_failing else "healthy")
    state.consecutive_failures += 1
    if state.consecutive_failures < policy.failures:
        return Decision(
            now, "none", f"liveness failed {state.consecutive_failures}/{policy.failures}"
        )
    return _gate(policy, state, now, "watchdog")


def on_request(
    policy: Policy, state: WatchdogState, request: RestartRequest, now: float
) -> Decision:
    """Decide an admin's restart request; an accepted one is left pending for the runner."""
    actor = request.actor
    if not request.reason.strip():
        return Decision(now, "refused", "a reason is required", actor=actor)
    if request.override and not request.acknowledge:
        return Decision(now, "refused", "an override needs an acknowledgement", actor=actor)
    if state.pending is not None:
        return Decision(now, "refused", "a restart is already pending", actor=actor)
    if request.override:
        clear_churn_guard(state, now)
        decision = Decision(now, "scheduled", "override acknowledged", actor=actor)
    else:
        decision = _gate(policy, state, now, actor)
        if decision.action != "restart":
            return decision
        decision = Decision(now, "scheduled", "within policy", actor=actor)
    state.pending = Pending(now, actor, request.reason, request.request_id, request.override)
    return decision


def clear_churn_guard(state: WatchdogState, now: float) -> None:
    """Back to watching with a fresh budget (an admin decided)."""
    state.mode = WATCHING
    state.churn_since = None
    state.budget_reset_at = now
    state.consecutive_failures = 0


def record_restart(state: WatchdogState, now: float) -> None:
    """A restart was performed: it counts against the budget and starts the cooldown."""
    state.restart_times.append(now)
    state.restarts_total += 1
    state.last_restart_at = now
    state.consecutive_failures = 0
    state.pending = None


def _gate(policy: Policy, state: WatchdogState, now: float, actor: str) -> Decision:
    if state.mode == CHURN_GUARDED:
        return Decision(now, "refused", "churn-guarded: an admin must clear it", actor=actor)
    if state.pending is not None:
        return Decision(now, "refused", "a restart is already pending", actor=actor)
    left = cooldown_left(policy, state, now)
    if left > 0:
        return Decision(now, "refused", "cooldown", actor=actor, retry_after_s=round(left, 1))
    if restarts_in_window(policy, state, now) >= policy.budget:
        state.mode = CHURN_GUARDED
        state.churn_since = now
        state.churn_entries += 1
        return Decision(now, "refused", "restart budget spent: churn-guarded", actor=actor)
    return Decision(now, "restart", "within policy", actor=actor)
