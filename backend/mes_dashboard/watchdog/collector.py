"""mes_watchdog_* for /metrics: a prometheus-client collector reading the state file at scrape.

Every worker reads the same file, so `mes_watchdog_restarts_total` is the host's count whichever
worker answers the scrape; nothing is exported before the watchdog first wrote the file.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from mes_dashboard.config import Settings
from mes_dashboard.watchdog.policy import CHURN_GUARDED, Policy, restarts_in_window
from mes_dashboard.watchdog.state import StateFile, WatchdogState


class WatchdogCollector(Collector):
    """The watchdog's counters and gauges from its state file."""

    def __init__(
        self, state_file: StateFile, policy: Policy, clock: Callable[[], float] = time.time
    ) -> None:
        self.state_file = state_file
        self.policy = policy
        self.clock = clock

    @classmethod
    def from_settings(cls, s: Settings) -> WatchdogCollector:
        """The collector of the configured state directory and policy."""
        return cls(StateFile(s.state_dir), Policy.from_settings(s))

    def collect(self) -> list[Metric]:
        if not self.state_file.exists():
            return []
        return _families(self.state_file.load(), self.policy, self.clock())


def _families(state: WatchdogState, policy: Policy, now: float) -> list[Metric]:
    last_probe = state.probes[-1].at if state.probes else 0.0
    return [
        CounterMetricFamily(
            "mes_watchdog_restarts", "Restarts the watchdog performed.", state.restarts_total
        ),
        GaugeMetricFamily(
            "mes_watchdog_churn_guarded",
            "1 while the watchdog is churn-guarded (automatic restarts stopped).",
            int(state.mode == CHURN_GUARDED),
        ),
        CounterMetricFamily(
            "mes_watchdog_churn_guard_entries",
            "Times the restart budget was spent and the watchdog became churn-guarded.",
            state.churn_entries,
        ),
        GaugeMetricFamily(
            "mes_watchdog_restarts_in_window",
            "Restarts counted against the budget now.",
            restarts_in_window(policy, state, now),
        ),
        GaugeMetricFamily(
            "mes_watchdog_restart_budget", "Restarts allowed per window.", policy.budget
        ),
        GaugeMetricFamily(
            "mes_watchdog_consecutive_liveness_failures",
            "Liveness probes failed in a row.",
            state.consecutive_failures,
        ),
        GaugeMetricFamily(
            "mes_watchdog_last_probe_timestamp_seconds",
            "Unix time of the watchdog's last probe.",
            last_probe,
        ),
    ]
