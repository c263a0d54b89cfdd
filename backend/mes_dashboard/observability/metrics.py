"""Every metric the service exports, defined once; the layers above feed it plain values.

    Metrics(multiprocess_dir)
     ├── events      counted where they happen: requests, retries, refresh results,
     │               breaker transitions, source queries (without Redis)
     ├── gauges      set by `Services.sample_metrics()` from the process's state: snapshot age,
     │               rows, bytes, degraded flag, refresh interval, pools, breaker state, Redis
     └── collectors  read at scrape from elsewhere: cluster-wide query totals (Redis), the
                     watchdog's state file

Under gunicorn, `PROMETHEUS_MULTIPROC_DIR` is set (deploy/gunicorn.conf.py) and prometheus-client
writes each worker's values to files there; `render()` merges them, so every worker answers the
sums (counters, histograms) and the chosen gauge aggregate. Without it, a plain registry holds
this process's values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from mes_dashboard.observability.promql import Labels

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BREAKER_STATES = ("closed", "open", "half_open")
POOL_GAUGES = {
    "busy": "Connections in use",
    "opened": "Connections open",
    "max": "Connection limit",
    "in_flight": "Callers holding or waiting for a connection",
    "waiting": "Callers waiting for a connection",
}
GaugeMode = Literal["livesum", "livemax", "livemin"]
SharedTotal = Callable[[str], int | None]


class Metrics:
    """The instruments of one process and the registry they are read from."""

    def __init__(
        self,
        datasets: tuple[str, ...],
        *,
        multiprocess_dir: str = "",
        shared_queries: SharedTotal | None = None,
        with_redis: bool = False,
        collectors: Sequence[Collector] = (),
    ) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.datasets = datasets
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        self._extra: list[Collector] = list(collectors)
        self._pool_failures_seen: dict[tuple[str, str], int] = {}
        self._define_events(shared_queries)
        self._define_gauges()
        self.redis_up = (
            self._gauge(
                "mes_redis_up",
                "1 when the last Redis call succeeded (0 when any worker failed).",
                (),
                "livemin",
            )
            if with_redis
            else None
        )

    def _counter(self, name: str, doc: str, labels: tuple[str, ...]) -> Counter:
        return Counter(name, doc, labels, registry=self.registry)

    def _gauge(self, name: str, doc: str, labels: tuple[str, ...], mode: GaugeMode) -> Gauge:
        return Gauge(name, doc, labels, registry=self.registry, multiprocess_mode=mode)

    def _define_events(self, shared_queries: SharedTotal | None) -> None:
        self.requests = self._counter(
            "mes_http_requests",
            "HTTP requests by route (Flask rule), method and status.",
            ("route", "method", "status"),
        )
        self.latency = Histogram(
            "mes_http_request_duration_seconds",
            "Time to answer an HTTP request, by route, method and status.",
            ("route", "method", "status"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.retries = self._counter(
            "mes_http_retries",
            "Requests that were retries (X-Retry-Attempt > 0), by route.",
            ("route",),
        )
        self.refreshes = self._counter(
            "mes_refresh",
            "Refresh cycles by dataset and result (built, unchanged, follower, failed).",
            ("dataset", "result"),
        )
        self.payloads = self._counter(
            "mes_snapshot_payloads",
            "Snapshot answers with a body, by dataset and payload (full, delta).",
            ("dataset", "payload"),
        )
        self.breaker_transitions = self._counter(
            "mes_breaker_transitions",
            "Circuit breaker state changes by dependency and new state.",
            ("dependency", "to"),
        )
        self.pool_failures = self._counter(
            "mes_pool_failures",
            "Pool failures by pool and kind (rejected by the in-flight "
            "limit, pool_exhausted wait timeouts, call timeouts, unavailable, sql).",
            ("pool", "kind"),
        )
        self.source_queries: Counter | None = None
        if shared_queries is None:
            self.source_queries = self._counter(
                "mes_source_queries",
                "Queries sent to the source, per dataset (all workers).",
                ("dataset",),
            )
        else:
            self._extra.append(SharedQueries(shared_queries, self.datasets))
        self._process_queries = dict.fromkeys(self.datasets, 0)
        self._extra.append(ProcessQueries(self._process_queries))

    def _define_gauges(self) -> None:
        dataset = ("dataset",)
        self.snapshot_age = self._gauge(
            "mes_snapshot_age_seconds",
            "Age of the current snapshot's data (oldest worker).",
            dataset,
            "livemax",
        )
        self.snapshot_rows = self._gauge(
            "mes_snapshot_rows", "Rows of the current snapshot.", dataset, "livemax"
        )
        self.snapshot_bytes = self._gauge(
            "mes_snapshot_bytes", "IPC bytes of the current snapshot.", dataset, "livemax"
        )
        self.refresh_duration = self._gauge(
            "mes_refresh_duration_seconds", "Duration of the last refresh.", dataset, "livemax"
        )
        self.refresh_success = self._gauge(
            "mes_refresh_last_success_timestamp_seconds",
            "Unix time of the last successful refresh.",
            dataset,
            "livemax",
        )
        self.refresh_interval = self._gauge(
            "mes_refresh_interval_seconds",
            "Configured server refresh interval.",
            dataset,
            "livemax",
        )
        self.anomalies = self._gauge(
            "mes_build_anomalies",
            "Values the last published build rounded, nulled or chose between, per kind.",
            ("dataset", "kind"),
            "livemax",
        )
        self.degraded = self._gauge(
            "mes_dataset_degraded",
            "1 while the dataset is served degraded (any worker).",
            dataset,
            "livemax",
        )
        self.pool = {
            name: self._gauge(f"mes_pool_{name}", f"{doc} (all workers).", ("pool",), "livesum")
            for name, doc in POOL_GAUGES.items()
        }
        self.breaker_state = self._gauge(
            "mes_breaker_state",
            "Workers whose breaker is in each state, by dependency.",
            ("dependency", "state"),
            "livesum",
        )

    def count_source_queries(self, dataset: str, n: int) -> None:
        """Queries this process sent to the source for `dataset`."""
        self._process_queries[dataset] = self._process_queries.get(dataset, 0) + n
        if self.source_queries is not None:
            self.source_queries.labels(dataset).inc(n)

    def count_refresh(self, dataset: str, result: str) -> None:
        """One refresh cycle's outcome."""
        self.refreshes.labels(dataset, result).inc()

    def count_payload(self, dataset: str, payload: str) -> None:
        """One snapshot answer with a body: a full snapshot or a delta."""
        self.payloads.labels(dataset, payload).inc()

    def breaker_listener(self, dependency: str) -> Callable[[str, str, str], None]:
        """A Breaker `on_transition` callback counting the transitions of `dependency`."""

        def on_transition(name: str, before: str, after: str) -> None:
            self.breaker_transitions.labels(dependency, after).inc()

        return on_transition

    def set_anomalies(self, dataset: str, counts: Mapping[str, int]) -> None:
        """What the last published build of `dataset` rounded, nulled or chose between."""
        for kind, count in counts.items():
            self.anomalies.labels(dataset, kind).set(count)

    def set_breaker(self, dependency: str, state: str) -> None:
        """The breaker state of `dependency` in this process (one-hot over the states)."""
        for each in BREAKER_STATES:
            self.breaker_state.labels(dependency, each).set(1 if each == state else 0)

    def set_pool(self, pool: str, status: Mapping[str, Any]) -> None:
        """A pool's load from its status, and failure counters advanced to its counts."""
        for name, gauge in self.pool.items():
            value = status.get(name)
            if isinstance(value, int | float):
                gauge.labels(pool).set(value)
        for kind, count in dict(status.get("failures", {})).items():
            seen = self._pool_failures_seen.get((pool, kind), 0)
            if count > seen:
                self.pool_failures.labels(pool, kind).inc(count - seen)
            self._pool_failures_seen[(pool, kind)] = count

    def collectors(self) -> list[Collector]:
        """What `render()` reads: this registry (or every worker's files) and the live totals."""
        if not self.multiprocess_dir:
            return [self.registry, *self._extra]
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return [merged, *self._extra]

    def collect(self) -> list[Metric]:
        """Every metric family as exported."""
        return [family for c in self.collectors() for family in c.collect()]

    def samples(self) -> dict[tuple[str, Labels], float]:
        """Every exported sample's value by name and sorted labels (what alerts evaluate)."""
        return {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in self.collect()
            for s in family.samples
        }

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self)


class SharedQueries(Collector):
    """mes_source_queries_total from the cluster-wide counter (Redis), read at scrape."""

    def __init__(self, total: SharedTotal, datasets: tuple[str, ...]) -> None:
        self.total = total
        self.datasets = datasets

    def collect(self) -> list[Metric]:
        family = CounterMetricFamily(
            "mes_source_queries",
            "Queries sent to the source, per dataset (all workers).",
            labels=["dataset"],
        )
        for name in self.datasets:
            value = self.total(name)
            if value is not None:
                family.add_metric([name], value)
        return [family]


class ProcessQueries(Collector):
    """mes_source_queries_process_total: what this process sent."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = counts

    def collect(self) -> list[Metric]:
        family = CounterMetricFamily(
            "mes_source_queries_process",
            "Queries sent to the source by this process.",
            labels=["dataset"],
        )
        for name, value in self.counts.items():
            family.add_metric([name], value)
        return [family]
