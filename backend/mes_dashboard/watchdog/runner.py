"""The watchdog loop: probe, let the policy decide, restart outside the lock, record the outcome."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mes_dashboard.auth.audit import AuditEntry, AuditLog
from mes_dashboard.config import Settings
from mes_dashboard.watchdog.manual import TARGET
from mes_dashboard.watchdog.policy import CHURN_GUARDED, Policy, on_probe, record_restart
from mes_dashboard.watchdog.probe import probe
from mes_dashboard.watchdog.restarter import Restarter
from mes_dashboard.watchdog.state import Pending, Probe, Restart, StateFile

log = logging.getLogger(__name__)
Prober = Callable[[str], tuple[bool, str]]


@dataclass
class Runner:
    """One watchdog: `tick()` is one probe round; `run()` ticks every interval until stopped."""

    app_url: str
    state_file: StateFile
    policy: Policy
    restarter: Restarter
    audit: AuditLog
    interval_s: float = 10.0
    probe_timeout_s: float = 3.0
    history: int = 50
    clock: Callable[[], float] = time.time
    prober: Prober | None = None

    @classmethod
    def from_settings(cls, s: Settings) -> Runner:
        """The watchdog configured by the settings."""
        return cls(
            s.app_url, StateFile(s.state_dir), Policy.from_settings(s), Restarter.from_settings(s),
            AuditLog(Path(s.audit_log)), s.watchdog_interval_s, s.watchdog_probe_timeout_s,
            s.watchdog_history,
        )  # fmt: skip

    def tick(self) -> str:
        """Probe once, decide, and restart when the policy or a pending request says so."""
        live, live_detail = self._probe("/health/live")
        ready, ready_detail = self._probe("/health/ready") if live else (False, "not probed")
        now = self.clock()
        with self.state_file.locked() as state:
            state.note_probe(
                Probe(now, live, ready, f"{live_detail}; {ready_detail}"), self.history
            )
            was_guarded = state.mode == CHURN_GUARDED
            decision = on_probe(self.policy, state, live, now)
            if decision.action != "none" or decision.reason == "recovered":
                state.note_decision(decision, self.history)
            pending = state.pending
            entered_guard = state.mode == CHURN_GUARDED and not was_guarded
        if entered_guard:
            log.error("watchdog: restart budget spent, churn-guarded; automatic restarts stop")
            self.audit.write(
                AuditEntry("watchdog", "watchdog.churn_guard", "entered", TARGET, decision.reason)
            )
        if pending is not None:
            self._restart("request", pending)
            return "restarted"
        if decision.action == "restart":
            self._restart("liveness", None)
            return "restarted"
        return decision.action

    def run(self, stop: threading.Event) -> None:
        """Tick every `interval_s` until `stop` is set; a failing tick is logged, never fatal."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("watchdog tick failed")
            stop.wait(self.interval_s)

    def _probe(self, path: str) -> tuple[bool, str]:
        if self.prober is not None:
            return self.prober(path)
        return probe(self.app_url + path, self.probe_timeout_s)

    def _restart(self, trigger: str, pending: Pending | None) -> None:
        actor = pending.actor if pending else "watchdog"
        log.warning("watchdog: restarting the app (%s, by %s)", trigger, actor)
        ok, detail = self.restarter.restart()
        now = self.clock()
        with self.state_file.locked() as state:
            record_restart(state, now)
            state.note_restart(Restart(now, trigger, actor, ok, detail), self.history)
        reason = pending.reason if pending else "liveness failing"
        request_id = pending.request_id if pending else ""
        result = "ok" if ok else f"failed: {detail}"
        self.audit.write(AuditEntry(actor, "watchdog.restart", result, TARGET, reason, request_id))
