"""The alerts evaluated in process: which hold now, since when, and which have held long enough.

Each `tick()` records one scrape of the metrics (every worker's values under gunicorn) and
evaluates every alert's condition over the recorded history; a condition that holds from one tick
to the next keeps its first time, and the alert fires once it has held for the alert's `for_s`,
as Prometheus does between its evaluations.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mes_dashboard.observability.alerts import ALERTS, Alert
from mes_dashboard.observability.promql import History, Labels, Samples

MIN_STEP_S = 5.0


class AlertEvaluator:
    """Evaluates `alerts` over scrapes taken by `sample`, timed by `clock` (Unix seconds)."""

    def __init__(
        self,
        sample: Callable[[], Samples],
        *,
        alerts: tuple[Alert, ...] = ALERTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.alerts = alerts
        self._sample = sample
        self._clock = clock
        self.history = History(keep_s=max(a.window_s for a in alerts) + 60)
        self._holding: dict[tuple[str, Labels], float] = {}

    def tick(self) -> list[dict[str, Any]]:
        """Record a scrape (at most one per MIN_STEP_S) and return the alerts firing now."""
        now = self._clock()
        if not self.history.points or now - self.history.points[-1][0] >= MIN_STEP_S:
            self.history.add(now, self._sample())
        holding: dict[tuple[str, Labels], float] = {}
        for alert in self.alerts:
            for labels in alert.condition.evaluate(self.history, now):
                key = (alert.name, labels)
                holding[key] = self._holding.get(key, now)
        self._holding = holding
        return self._firing(now)

    def _firing(self, now: float) -> list[dict[str, Any]]:
        by_name = {a.name: a for a in self.alerts}
        out = []
        for (name, labels), since in sorted(self._holding.items()):
            alert = by_name[name]
            if now - since >= alert.for_s:
                out.append(
                    {
                        "alert": name,
                        "severity": alert.severity,
                        "labels": dict(labels),
                        "since": datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds"),
                        "summary": alert.summary_for(dict(labels)),
                        "action": alert.action,
                    }
                )
        return out
