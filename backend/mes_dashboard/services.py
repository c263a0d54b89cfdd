"""The wired service graph: settings, source, store and refreshers, built once per process."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mes_dashboard.cluster.query_counter import QueryCounter
from mes_dashboard.cluster.redis_link import RedisLink, make_client
from mes_dashboard.cluster.redis_store import RedisStore, build_redis_store
from mes_dashboard.config import Settings
from mes_dashboard.datasets import refreshed
from mes_dashboard.datasets.refresher import Refresher
from mes_dashboard.observability.alert_state import AlertEvaluator
from mes_dashboard.observability.metrics import Metrics
from mes_dashboard.snapshots.builder import BuildRules
from mes_dashboard.snapshots.store import MemoryStore, SnapshotStore
from mes_dashboard.sources.base import OBJECTS, Source
from mes_dashboard.sources.demo.schema import plant_now
from mes_dashboard.sources.demo.simulator import Simulator, start_simulator

log = logging.getLogger(__name__)
SAMPLE_INTERVAL_S = 15.0


@dataclass
class Services:
    """Everything the API layer needs, passed in explicitly."""

    settings: Settings
    source: Source
    store: SnapshotStore
    refreshers: dict[str, Refresher]
    metrics: Metrics
    redis: RedisLink | None = None
    query_counter: QueryCounter | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    simulator: Simulator | None = None
    alerts: AlertEvaluator = field(init=False)

    def __post_init__(self) -> None:
        self.alerts = AlertEvaluator(self.metrics.samples)

    def start(self) -> None:
        """Start one refresher thread per dataset and the demo simulator (call after fork)."""
        s = self.settings
        if s.source == "demo" and s.demo_simulate:
            # one simulator per database across workers: the others get None (file lock)
            self.simulator = start_simulator(
                s.demo_db, s.demo_seed, s.demo_tick_seconds, clock=lambda: plant_now(s.plant_tz)
            )
        for name, refresher in self.refreshers.items():
            t = threading.Thread(
                target=refresher.run, args=(self.stop,), name=f"refresh-{name}", daemon=True
            )
            t.start()
            self.threads.append(t)
        sampler = threading.Thread(target=self._sample_every, name="metrics-sampler", daemon=True)
        sampler.start()
        self.threads.append(sampler)

    def _sample_every(self) -> None:
        while not self.stop.wait(SAMPLE_INTERVAL_S):
            try:
                self.sample_metrics()
                self.alerts.tick()
            except Exception:  # a sampling bug must not end the sampler
                log.exception("metrics sampling failed")

    def degraded(self, name: str) -> str:
        """Why `name` is served from its last snapshot (empty when it is not degraded)."""
        state = self.refreshers[name].state
        if state.failures_in_row and state.degraded_since is not None:
            since = state.degraded_since.isoformat(timespec="seconds")
            return f"source-unavailable; since={since}"
        return ""

    def sample_metrics(self) -> None:
        """Set the gauges from this process's state (each scrape and every SAMPLE_INTERVAL_S)."""
        m, now = self.metrics, time.time()
        for name, refresher in self.refreshers.items():
            state = refresher.state
            m.refresh_duration.labels(name).set(state.last_duration_s)
            m.refresh_interval.labels(name).set(refresher.interval_s)
            m.degraded.labels(name).set(1 if self.degraded(name) else 0)
            if state.last_success is not None:
                m.refresh_success.labels(name).set(state.last_success.timestamp())
            snap = self.store.current(name)
            if snap is not None:
                m.snapshot_rows.labels(name).set(snap.rows)
                m.snapshot_bytes.labels(name).set(len(snap.body))
                m.snapshot_age.labels(name).set(now - snap.snapshot_time.timestamp())
        pools = self.source_status()
        for pool in ("request", "health"):
            if isinstance(pools.get(pool), dict):
                m.set_pool(pool, pools[pool])
        if self.redis is not None and m.redis_up is not None:
            m.set_breaker("redis", self.redis.breaker.state)
            m.redis_up.set(1 if self.redis.healthy else 0)

    def redis_status(self) -> dict[str, Any]:
        """Redis health and the values in effect (for /health/deep); no Redis call."""
        if not isinstance(self.store, RedisStore):
            return {"configured": False}
        return {"configured": True} | self.store.status()

    def source_status(self) -> dict[str, Any]:
        """The source's pool state in effect (Oracle), or just its name (demo)."""
        status = getattr(self.source, "pool_status", None)
        return {"name": self.source.name} | (status() if callable(status) else {})

    def refresh_all(self) -> dict[str, str]:
        """Refresh every dataset once, synchronously."""
        return {name: r.refresh_once() for name, r in self.refreshers.items()}

    def close(self) -> None:
        """Stop the refreshers, release the leader locks, the source and Redis."""
        self.stop.set()
        if self.simulator is not None:
            self.simulator.stop()
        for t in self.threads:
            t.join(timeout=5)
        self.store.close()
        self.source.close()
        if self.redis is not None:
            self.redis.close()


def object_names(settings: Settings) -> dict[str, str]:
    """Logical object -> configured object name."""
    return {logical: getattr(settings, attr) for logical, attr in OBJECTS.items()}


def build_source(settings: Settings) -> Source:
    """The configured source: demo SQLite (generated when missing) or Oracle."""
    if settings.source == "demo":
        from mes_dashboard.sources.demo.generator import ensure_demo_db
        from mes_dashboard.sources.demo.source import DemoSource

        path = ensure_demo_db(settings)
        return DemoSource(Path(path), object_names(settings))
    from mes_dashboard.sources.oracle import OracleSource

    return OracleSource(settings)


def build_services(
    settings: Settings, source: Source | None = None, store: SnapshotStore | None = None
) -> Services:
    """Wire source, store and refreshers from settings (nothing starts yet).

    With `REDIS_URL` set (and no store passed in) the store is Redis-backed and source queries
    are also counted cluster-wide in Redis.
    """
    src = source if source is not None else build_source(settings)
    rules = BuildRules.from_settings(settings)
    intervals = {spec.name: spec.refresh_s(settings) for spec in refreshed()}
    link = counter = None
    if store is None and settings.redis_url:
        link = RedisLink(make_client(settings))
        store = build_redis_store(link, settings.redis_prefix, intervals)
        counter = QueryCounter(link, settings.redis_prefix)
    st = store if store is not None else MemoryStore()
    metrics = Metrics(
        tuple(intervals),
        multiprocess_dir=settings.prometheus_multiproc_dir,
        shared_queries=counter.total if counter is not None else None,
        with_redis=link is not None,
    )
    if link is not None:
        link.breaker.listener = metrics.breaker_listener("redis")

    def count(dataset: str, n: int) -> None:
        metrics.count_source_queries(dataset, n)
        if counter is not None:
            counter.add(dataset, n)

    refreshers = {
        name: Refresher(
            name,
            src,
            st,
            rules,
            intervals[name],
            count_queries=count,
            record_result=metrics.count_refresh,
        )
        for name in intervals
    }
    return Services(settings, src, st, refreshers, metrics, redis=link, query_counter=counter)
