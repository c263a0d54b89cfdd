"""Admin actions on the watchdog (from the API or the command line), decided by the same policy."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from mes_dashboard.config import Settings
from mes_dashboard.watchdog.audit import AuditLog
from mes_dashboard.watchdog.policy import (
    CHURN_GUARDED,
    Policy,
    RestartRequest,
    clear_churn_guard,
    on_request,
)
from mes_dashboard.watchdog.state import Decision, StateFile

TARGET = "mes-dashboard"


@dataclass
class ManualControl:
    """Restart requests and the churn-guard clear, each decided under the state lock and audited."""

    state_file: StateFile
    policy: Policy
    audit: AuditLog
    history: int = 50
    clock: Callable[[], float] = time.time

    @classmethod
    def from_settings(cls, s: Settings, clock: Callable[[], float] = time.time) -> ManualControl:
        """Wired to the configured state directory, policy and audit log."""
        return cls(
            StateFile(s.state_dir), Policy.from_settings(s), AuditLog(s.audit_log),
            s.watchdog_history, clock,
        )  # fmt: skip

    def request_restart(self, request: RestartRequest) -> Decision:
        """The policy's decision on `request`; an accepted one waits for the runner."""
        now = self.clock()
        with self.state_file.locked() as state:
            decision = on_request(self.policy, state, request, now)
            state.note_decision(decision, self.history)
        action = "watchdog.override" if request.override else "watchdog.restart_request"
        result = (
            decision.action if decision.action == "scheduled" else f"refused: {decision.reason}"
        )
        self.audit.write(
            request.actor, action, TARGET, request.reason, result, request.request_id, now
        )
        return decision

    def clear(self, actor: str, reason: str, request_id: str = "") -> Decision:
        """Leave churn-guarded mode with a fresh budget; needs a reason."""
        now = self.clock()
        if not reason.strip():
            decision = Decision(now, "refused", "a reason is required", actor=actor)
        else:
            with self.state_file.locked() as state:
                was = state.mode
                clear_churn_guard(state, now)
                reason_text = "churn guard cleared" if was == CHURN_GUARDED else "budget reset"
                decision = Decision(now, "cleared", reason_text, actor=actor)
                state.note_decision(decision, self.history)
        result = decision.action if decision.action == "cleared" else f"refused: {decision.reason}"
        self.audit.write(actor, "watchdog.clear", TARGET, reason, result, request_id, now)
        return decision
