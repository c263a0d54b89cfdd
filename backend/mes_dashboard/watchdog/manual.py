"""Admin actions on the watchdog (from the API or the command line), decided by the same policy."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mes_dashboard.auth.audit import AuditEntry, AuditLog
from mes_dashboard.config import Settings
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
            StateFile(s.state_dir), Policy.from_settings(s), AuditLog(Path(s.audit_log), clock),
            s.watchdog_history, clock,
        )  # fmt: skip

    def decide_restart(self, request: RestartRequest) -> Decision:
        """The policy's decision on `request`, recorded in the state (the caller audits it)."""
        with self.state_file.locked() as state:
            decision = on_request(self.policy, state, request, self.clock())
            state.note_decision(decision, self.history)
        return decision

    def request_restart(self, request: RestartRequest) -> Decision:
        """The policy's decision on `request`, audited; an accepted one waits for the runner."""
        decision = self.decide_restart(request)
        self.audit.write(
            AuditEntry(
                actor=request.actor,
                action=restart_action(request),
                result=audit_result(decision),
                target=TARGET,
                reason=request.reason,
                request_id=request.request_id,
            )
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
        self.audit.write(
            AuditEntry(actor, "watchdog.clear", audit_result(decision), TARGET, reason, request_id)
        )
        return decision


def restart_action(request: RestartRequest) -> str:
    """The audit action of a restart request."""
    return "watchdog.override" if request.override else "watchdog.restart_request"


def audit_result(decision: Decision) -> str:
    """The audit result of a decision: its action when accepted, else the refusal's reason."""
    if decision.action == "refused":
        return f"refused: {decision.reason}"
    return decision.action
