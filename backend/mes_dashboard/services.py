"""The wired service graph: settings, the source behind the database breaker, store,
refreshers, health probe and rate limiter, built once per process."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from mes_dashboard.cluster.query_cache import QueryCache
from mes_dashboard.cluster.query_counter import QueryCounter
from mes_dashboard.cluster.rate_limiter import RateLimiter
from mes_dashboard.cluster.redis_link import RedisLink, make_client
from mes_dashboard.cluster.redis_store import RedisStore, build_redis_store
from mes_dashboard.config import Settings
from mes_dashboard.datasets import refreshed, served_queries
from mes_dashboard.datasets.history_runner import HistoryRunner
from mes_dashboard.datasets.refresher import Refresher
from mes_dashboard.datasets.resource_history import load_timeout_s
from mes_dashboard.observability.alert_state import AlertEvaluator
from mes_dashboard.observability.metrics import Metrics
from mes_dashboard.resilience.breaker import Breaker
from mes_dashboard.resilience.probe import Probe
from mes_dashboard.snapshots.builder import BuildRules
from mes_dashboard.snapshots.store import MemoryStore, SnapshotStore
from mes_dashboard.sources.base import OBJECTS, Source
from mes_dashboard.sources.demo.schema import plant_now
from mes_dashboard.sources.demo.simulator import Simulator, start_simulator
from mes_dashboard.sources.guarded import GuardedSource
from mes_dashboard.watchdog.collector import WatchdogCollector

log = logging.getLogger(__name__)
SAMPLE_INTERVAL_S = 15.0


@dataclass
class Services:
    """Everything the API layer needs, passed in explicitly."""

    settings: Settings
    source: Source
    store: SnapshotStore
    refreshers: dict[str, Refresher]
    breakers: dict[str, Breaker]
    probe: Probe | None
    rate_limiter: RateLimiter
    metrics: Metrics
    redis: RedisLink | None = None
    query_counter: QueryCounter | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    simulator: Simulator | None = None
    history: HistoryRunner | None = None
    query_counts: Counter[str] = field(default_factory=Counter)
    alerts: AlertEvaluator = field(init=False)

    def __post_init__(self) -> None:
        self.alerts = AlertEvaluator(self.metrics.samples)

    def count_queries(self, dataset: str, n: int) -> None:
        """Count queries a request sent to the source (this process, and cluster-wide)."""
        self.query_counts[dataset] += n
        self.metrics.count_source_queries(dataset, n)
        if self.query_counter is not None:
            self.query_counter.add(dataset, n)

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
                target=run_until_stopped, args=(refresher, self.stop), name=f"refresh-{name}"
            )
            t.daemon = True
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

    def degraded(self, name: str) -> str | None:
        """The shared X-Degraded value of `name` (snapshots/degraded.py), None when healthy."""
        state = self.store.degraded(name)
        return None if state is None else state.header()

    def sample_metrics(self) -> None:
        """Set the gauges from this process's state (each scrape and every SAMPLE_INTERVAL_S)."""
        m, now = self.metrics, time.time()
        for name, refresher in self.refreshers.items():
            state = refresher.state
            m.refresh_duration.labels(name).set(state.last_duration_s)
            m.refresh_interval.labels(name).set(refresher.interval_s)
            m.degraded.labels(name).set(1 if self.degraded(name) else 0)
            m.set_anomalies(name, state.anomalies)
            if state.last_success is not None:
                m.refresh_success.labels(name).set(state.last_success.timestamp())
            snap = self.store.current(name)
            if snap is not None:
                m.snapshot_rows.labels(name).set(snap.rows)
                m.snapshot_bytes.labels(name).set(len(snap.body))
                confirmed = self.store.confirmed_time(snap)
                m.snapshot_age.labels(name).set(now - confirmed.timestamp())
        pools = self.source_status()
        for pool in ("request", "health"):
            if isinstance(pools.get(pool), dict):
                m.set_pool(pool, pools[pool])
        for dependency, breaker in self.breakers.items():
            m.set_breaker(dependency, breaker.state())
        if self.redis is not None and m.redis_up is not None:
            m.redis_up.set(1 if self.redis.healthy else 0)

    def dead_threads(self) -> list[str]:
        """Refresher threads that ended while the service runs (a supervisor should restart)."""
        if self.stop.is_set():
            return []
        return [t.name for t in self.threads if not t.is_alive()]

    def breaker_status(self) -> dict[str, dict[str, Any]]:
        """Each dependency's circuit breaker in this process."""
        return {name: b.status() for name, b in self.breakers.items()}

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


def run_until_stopped(refresher: Refresher, stop: threading.Event) -> None:
    """A refresher thread's body: what ends it is logged; /health/live then fails."""
    try:
        refresher.run(stop)
    except BaseException:
        log.critical("refresher of %s stopped", refresher.dataset, exc_info=True)


def object_names(settings: Settings) -> dict[str, str]:
    """Logical object -> configured object name."""
    return {logical: getattr(settings, attr) for logical, attr in OBJECTS.items()}


def build_source(settings: Settings) -> Source:
    """The configured source: demo SQLite (generated when missing) or Oracle."""
    if settings.source == "demo":
        from mes_dashboard.sources.demo.generator import ensure_demo_db
        from mes_dashboard.sources.demo.source import DemoSource

        path = ensure_demo_db(settings)
        return DemoSource.from_settings(replace(settings, demo_db=str(path)))
    from mes_dashboard.sources.oracle import OracleSource

    return OracleSource(settings)


def build_services(
    settings: Settings, source: Source | None = None, store: SnapshotStore | None = None
) -> Services:
    """Wire source, store and refreshers from settings (nothing starts yet).

    With `REDIS_URL` set (and no store passed in) the store is Redis-backed and source queries
    are also counted cluster-wide in Redis.
    """
    database = Breaker(
        "database",
        threshold=settings.breaker_threshold,
        backoff_s=settings.breaker_open_s,
        backoff_cap_s=settings.breaker_open_cap_s,
        jitter=settings.breaker_jitter,
    )
    inner = source if source is not None else build_source(settings)
    src = GuardedSource(inner, database)
    rules = BuildRules.from_settings(settings)
    intervals = {spec.name: spec.refresh_s(settings) for spec in refreshed()}
    link = counter = None
    if store is None and settings.redis_url:
        link = RedisLink(make_client(settings))
        store = build_redis_store(link, settings.redis_prefix, intervals)
        counter = QueryCounter(link, settings.redis_prefix)
    st = store if store is not None else MemoryStore()
    metrics = Metrics(
        (*intervals, *(spec.name for spec in served_queries())),
        multiprocess_dir=settings.prometheus_multiproc_dir,
        shared_queries=counter.total if counter is not None else None,
        with_redis=link is not None,
        collectors=(WatchdogCollector.from_settings(settings),),
    )

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
            breaker=database,
            retry_s=settings.refresh_retry_s,
            delta_bases=settings.delta_bases,
            delta_max_share=settings.delta_max_share,
        )
        for name in intervals
    }
    breakers = {"database": database} | ({"redis": link.breaker} if link is not None else {})
    for dependency, breaker in breakers.items():
        breaker.on_transition.append(metrics.breaker_listener(dependency))
    limiter = RateLimiter(
        {"snapshot": settings.rate_limit_snapshot, "query": settings.rate_limit_query},
        settings.rate_limit_window_s,
        link,
        settings.redis_prefix,
    )
    has_ping = callable(getattr(inner, "ping", None))
    probe = Probe("database", src.ping, settings.health_probe_timeout_s) if has_ping else None
    services = Services(
        settings,
        src,
        st,
        refreshers,
        breakers,
        probe,
        limiter,
        metrics,
        redis=link,
        query_counter=counter,
    )
    cache = QueryCache(
        link, settings.redis_prefix, settings.query_cache_ttl_s, load_timeout_s(settings)
    )
    services.history = HistoryRunner(src, cache, services.count_queries, settings.plant_tz)
    return services
