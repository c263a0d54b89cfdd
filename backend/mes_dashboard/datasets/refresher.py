"""The refresher: run a registered dataset's build each interval and publish what it built."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import pyarrow as pa

from mes_dashboard import contracts
from mes_dashboard.datasets import REGISTRY
from mes_dashboard.datasets.spec import Build, Cycle
from mes_dashboard.errors import ApiError
from mes_dashboard.resilience.breaker import Breaker, CircuitOpen
from mes_dashboard.snapshots.builder import BuildRules
from mes_dashboard.snapshots.degraded import degraded_by
from mes_dashboard.snapshots.delta import Delta, Fingerprint, build_delta, fingerprint
from mes_dashboard.snapshots.memory import release_unused_memory
from mes_dashboard.snapshots.snapshot import Snapshot, content_version, make_snapshot
from mes_dashboard.snapshots.store import Lease, SnapshotStore
from mes_dashboard.sources.base import Source

log = logging.getLogger(__name__)
RETRY_JITTER = 0.1
T = TypeVar("T")
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The wall clock in UTC."""
    return datetime.now(UTC)


@dataclass
class RefreshState:
    """What the last refresh of a dataset did (for health and metrics)."""

    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_result: str = "never"
    last_error: str = ""
    last_duration_s: float = 0.0
    source_queries: int = 0
    failures_in_row: int = 0
    failures_total: int = 0
    degraded_since: datetime | None = None
    anomalies: dict[str, int] = field(default_factory=dict)


@dataclass
class Refresher:
    """Refreshes one registered dataset from a source into a store."""

    dataset: str
    source: Source
    store: SnapshotStore
    rules: BuildRules
    interval_s: float
    clock: Clock = utc_now
    count_queries: Callable[[str, int], None] | None = None
    breaker: Breaker | None = None
    retry_s: float = 5.0
    rng: Callable[[], float] = random.random
    record_result: Callable[[str, str], None] | None = None
    delta_bases: int = 4
    delta_max_share: float = 0.25
    state: RefreshState = field(default_factory=RefreshState)
    _published: str | None = None
    _published_watermark: object = None
    attempts: int = 0
    _attempt_ended: threading.Condition = field(default_factory=threading.Condition)
    _build: Build = field(init=False)

    def __post_init__(self) -> None:
        make_build = REGISTRY[self.dataset].build
        if make_build is None:
            raise KeyError(f"no refresher for dataset {self.dataset!r}")
        self._build = make_build()

    def refresh_once(self) -> str:
        """One refresh cycle; returns built, unchanged, follower, lost-lead or failed."""
        result = "failed"
        try:
            result = self._refresh_once()
            return result
        finally:
            if self.record_result is not None:
                self.record_result(self.dataset, result)
            with self._attempt_ended:
                self.attempts += 1
                self._attempt_ended.notify_all()

    def wait_attempt_after(self, seen: int, timeout_s: float) -> bool:
        """Block until a refresh cycle after the `seen`-th one has ended (False on timeout)."""
        with self._attempt_ended:
            return self._attempt_ended.wait_for(lambda: self.attempts > seen, timeout_s)

    def _refresh_once(self) -> str:
        now = self.clock()
        self.state.last_attempt = now
        if not self.store.try_lead(self.dataset):
            # keep the shared version in process, so this worker can serve it if Redis goes away
            self.store.current(self.dataset)
            self.state.last_result = "follower"
            self.state.failures_in_row = 0
            return "follower"
        with self.store.lease(self.dataset) as lease:
            return self._lead(now, lease)

    def _lead(self, now: datetime, lease: Lease) -> str:
        started = time.perf_counter()
        queries_before = self.state.source_queries
        try:
            result = self._build_and_publish(now, lease)
        except Exception as exc:  # a failure anywhere keeps the last snapshot serving
            return self._failed(exc, now)
        finally:
            self.state.last_duration_s = time.perf_counter() - started
            sent = self.state.source_queries - queries_before
            if self.count_queries is not None and sent:
                self.count_queries(self.dataset, sent)
        self.state.last_result = result
        if result != "lost-lead":
            self.state.last_success = now
            self.state.last_error = ""
            self.state.failures_in_row = 0
            self.state.degraded_since = None
            self.store.set_degraded(self.dataset, None)
        return result

    def _build_and_publish(self, now: datetime, lease: Lease) -> str:
        built = self._build(self._cycle(now))
        if built is None:
            self.store.renew(self.dataset)
            return "unchanged"
        version = content_version(built)
        current = self.store.current(self.dataset)
        same = current is not None and current.version == version
        snapshot = None if same else make_snapshot(built, now, version)
        anomalies, mark, snapshot_time = built.anomalies, built.watermark, built.snapshot_time
        del built
        if lease.lost:
            log.warning("refresh of %s: another worker took the lead; not publishing", self.dataset)
            return "lost-lead"
        if snapshot is None:  # the same content: nothing is republished, only its time
            self.store.confirm(self.dataset, version, snapshot_time)
        else:
            self.store.publish(snapshot)
        # only a published (or confirmed) build moves the watermark: a failed one never makes
        # the next cycle say "unchanged"
        self._published = version
        self._published_watermark = mark
        self.state.anomalies = anomalies
        served = snapshot or current
        if served is not None:
            self._keep_deltas(served)
        release_unused_memory()
        return "built" if snapshot is not None else "unchanged"

    def _keep_deltas(self, snapshot: Snapshot) -> None:
        """Build the deltas from the retained versions to `snapshot` (once: a version whose
        fingerprint is retained already has them) and keep them with its fingerprint. A failure
        here only costs clients full snapshots; it never fails the refresh."""
        if self.delta_bases <= 0:
            return
        try:
            bases = self.store.bases(self.dataset)
            if bases and bases[0] == snapshot.version:
                return
            key = contracts.dataset(self.dataset)["key"]
            target = fingerprint(snapshot.table, key, snapshot.version)
            limit = self.delta_max_share * len(snapshot.body)
            deltas: dict[str, Delta | None] = {}
            for base in (b for b in bases if b != snapshot.version):
                if len(deltas) >= self.delta_bases:
                    break
                raw = self.store.fingerprint(self.dataset, base)
                if raw is None:
                    continue
                body = build_delta(
                    Fingerprint.from_bytes(raw), snapshot.table, snapshot.meta, key, target
                )
                kept = len(body) <= limit
                deltas[base] = Delta.encode(base, snapshot.version, body) if kept else None
            self.store.keep_deltas(
                self.dataset, snapshot.version, target.to_bytes(), deltas, self.delta_bases
            )
        except Exception:
            log.exception("refresh of %s: building the deltas failed", self.dataset)

    def _failed(self, exc: Exception, now: datetime) -> str:
        self.state.last_result = "failed"
        self.state.last_error = describe_failure(exc)
        self.state.failures_in_row += 1
        self.state.failures_total += 1
        self.state.degraded_since = self.state.degraded_since or now
        log.warning("refresh of %s failed: %s", self.dataset, self.state.last_error)
        try:
            self.store.renew(self.dataset)
            shared = self.store.degraded(self.dataset)
            since = shared.since if shared is not None else self.state.degraded_since
            state = degraded_by(exc, since, self.state.last_error)
            if isinstance(exc, CircuitOpen) and shared is not None:
                state = shared  # the open circuit only repeats the failure that opened it
            self.store.set_degraded(self.dataset, state)
        except Exception:
            log.exception("refresh of %s: recording the failure failed", self.dataset)
        return "failed"

    def _cycle(self, now: datetime) -> Cycle:
        return Cycle(
            now,
            self.rules,
            self._fetch,
            self._watermark,
            self._holds_current,
            self._published_watermark,
        )

    def _watermark(self, obj: str) -> object:
        return self._sent(lambda: self.source.watermark(obj))

    def _fetch(self, obj: str) -> pa.Table:
        return self._sent(lambda: self.source.fetch(obj))

    def _sent(self, call: Callable[[], T]) -> T:
        """Count a source call, unless the breaker refused it (it never reached the source)."""
        try:
            result = call()
        except CircuitOpen:
            raise
        except BaseException:
            self.state.source_queries += 1
            raise
        self.state.source_queries += 1
        return result

    def _holds_current(self) -> bool:
        current = self.store.current(self.dataset)
        return current is not None and current.version == self._published

    def run(self, stop: threading.Event) -> None:
        """Refresh until `stop` is set: every interval, sooner with backoff after a failure.

        Any Exception a cycle lets out is logged and counted and the loop goes on; only a
        BaseException (SystemExit, KeyboardInterrupt ...) ends the thread, which /health/live
        then reports."""
        while not stop.is_set():
            try:
                self.refresh_once()
            except Exception:
                self.state.failures_total += 1
                self.state.failures_in_row += 1
                log.exception("refresh cycle of %s crashed; retrying", self.dataset)
            stop.wait(self.next_delay_s())

    def next_delay_s(self) -> float:
        """The interval when healthy; after k failures in a row `retry_s * 2**(k-1)`, at least
        until the breaker lets a probe through, at most the interval, plus up to 10% jitter."""
        k = self.state.failures_in_row
        if k == 0:
            return self.interval_s
        backoff = self.retry_s * 2.0 ** min(k - 1, 30)
        open_s = self.breaker.remaining_s() if self.breaker is not None else 0.0
        return min(self.interval_s, max(backoff, open_s)) * (1.0 + RETRY_JITTER * self.rng())


def describe_failure(exc: Exception) -> str:
    """A log- and health-safe description: the error code for API errors, else the type."""
    if isinstance(exc, ApiError):
        return f"{exc.spec.code}: {exc.detail}"
    return f"{type(exc).__name__}: {exc}"
