"""Every alert, defined once: Prometheus rules (`alert_rules.py`) and /health/deep both read them.

Each alert names its condition over exported metrics, how long it must hold (`for_s`), its
severity, a summary and the action an operator should take.
"""

from __future__ import annotations

from dataclasses import dataclass

from mes_dashboard.observability.promql import Aggregate, Compare, Increase, Ratio, Series

MINUTE = 60.0


@dataclass(frozen=True)
class Alert:
    """One alert: condition, duration, severity, summary and recommended action."""

    name: str
    condition: Compare
    for_s: float
    severity: str
    summary: str
    action: str

    def summary_for(self, labels: dict[str, str]) -> str:
        """The summary with `{{ $labels.x }}` filled in, as Prometheus renders it."""
        text = self.summary
        for key, value in labels.items():
            text = text.replace("{{ $labels." + key + " }}", value)
        return text

    @property
    def window_s(self) -> float:
        """How much sample history evaluating it needs."""
        return max([self.for_s, *_windows(self.condition)])


def _windows(expr: object) -> list[float]:
    if isinstance(expr, Increase):
        return [expr.window_s]
    parts = [getattr(expr, f, None) for f in ("inner", "numerator", "denominator")]
    return [w for part in parts if part is not None for w in _windows(part)]


ALERTS: tuple[Alert, ...] = (
    Alert(
        name="MesDatasetDegraded",
        condition=Compare(Aggregate("max", Series("mes_dataset_degraded"), ("dataset",)), ">", 0),
        for_s=10 * MINUTE,
        severity="critical",
        summary="{{ $labels.dataset }} has been served from its last snapshot for 10 minutes",
        action=(
            "The source keeps failing and screens show aging data. Read the last error in "
            "/health/deep, run `mes-dashboard check-source`, and check the database, its "
            "listener and the network from this host."
        ),
    ),
    Alert(
        name="MesSnapshotStale",
        condition=Compare(
            Ratio(
                Aggregate("max", Series("mes_snapshot_age_seconds"), ("dataset",)),
                Aggregate("max", Series("mes_refresh_interval_seconds"), ("dataset",)),
            ),
            ">",
            3,
        ),
        for_s=2 * MINUTE,
        severity="warning",
        summary="{{ $labels.dataset }} data is older than 3 refresh intervals",
        action=(
            "No refresh has published for 3 intervals. Check the refresher's last result in "
            "/health/deep; if Redis is configured check the leader lock and Redis; restart the "
            "service if a refresher thread has stopped."
        ),
    ),
    Alert(
        name="MesPoolSaturated",
        condition=Compare(
            Ratio(
                Aggregate("sum", Series("mes_pool_busy"), ("pool",)),
                Aggregate("sum", Series("mes_pool_max"), ("pool",)),
            ),
            ">=",
            0.9,
        ),
        for_s=5 * MINUTE,
        severity="warning",
        summary="the {{ $labels.pool }} pool has been at least 90% busy for 5 minutes",
        action=(
            "Requests queue for database sessions and some are answered 503 DB_POOL_EXHAUSTED. "
            "Look for slow statements in the database, then raise ORACLE_POOL_MAX if the "
            "database has room."
        ),
    ),
    Alert(
        name="MesBreakerFlapping",
        condition=Compare(
            Aggregate(
                "sum",
                Increase("mes_breaker_transitions_total", 15 * MINUTE, (("to", "open"),)),
                ("dependency",),
            ),
            ">",
            3,
        ),
        for_s=0,
        severity="warning",
        summary="the {{ $labels.dependency }} circuit opened more than 3 times in 15 minutes",
        action=(
            "The dependency fails intermittently. Check its health and the network between "
            "this host and it; the breaker state and last error are in /health/deep."
        ),
    ),
    Alert(
        name="MesRetryPressure",
        condition=Compare(
            Ratio(
                Aggregate("sum", Increase("mes_http_retries_total", 5 * MINUTE)),
                Aggregate("sum", Increase("mes_http_requests_total", 5 * MINUTE)),
            ),
            ">",
            0.1,
        ),
        for_s=5 * MINUTE,
        severity="warning",
        summary="more than 10% of requests are browser retries",
        action=(
            "Browsers are retrying failed requests. Find the failing route in "
            "mes_http_requests_total by status, and the cause in /health/deep (pool, breaker, "
            "degraded datasets)."
        ),
    ),
    Alert(
        name="MesRestartChurn",
        condition=Compare(Increase("mes_watchdog_restarts_total", 30 * MINUTE), ">", 3),
        for_s=0,
        severity="critical",
        summary="the watchdog restarted the service more than 3 times in 30 minutes",
        action=(
            "Restarts do not fix the cause. Stop and read the service log around each restart "
            "and the watchdog's audit log before restarting by hand (with a reason)."
        ),
    ),
)
