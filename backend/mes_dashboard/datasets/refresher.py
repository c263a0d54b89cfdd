"""The refresher: run a registered dataset's build each interval and publish what it built."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa

from mes_dashboard.datasets import REGISTRY
from mes_dashboard.datasets.spec import Build, Cycle
from mes_dashboard.errors import ApiError
from mes_dashboard.snapshots.builder import BuildRules
from mes_dashboard.snapshots.memory import release_unused_memory
from mes_dashboard.snapshots.snapshot import make_snapshot
from mes_dashboard.snapshots.store import SnapshotStore
from mes_dashboard.sources.base import Source

log = logging.getLogger(__name__)
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
    degraded_since: datetime | None = None


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
    record_result: Callable[[str, str], None] | None = None
    state: RefreshState = field(default_factory=RefreshState)
    _published: str | None = None
    attempts: int = 0
    _attempt_ended: threading.Condition = field(default_factory=threading.Condition)
    _build: Build = field(init=False)

    def __post_init__(self) -> None:
        make_build = REGISTRY[self.dataset].build
        if make_build is None:
            raise KeyError(f"no refresher for dataset {self.dataset!r}")
        self._build = make_build()

    def refresh_once(self) -> str:
        """One refresh cycle; returns built, unchanged, follower or failed."""
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
            return "follower"
        started = time.perf_counter()
        queries_before = self.state.source_queries
        try:
            built = self._build(self._cycle(now))
        except Exception as exc:  # any source failure keeps the last snapshot serving
            self.store.renew(self.dataset)
            self.state.last_result = "failed"
            self.state.last_error = describe_failure(exc)
            self.state.failures_in_row += 1
            self.state.degraded_since = self.state.degraded_since or now
            log.warning("refresh of %s failed: %s", self.dataset, self.state.last_error)
            return "failed"
        finally:
            self.state.last_duration_s = time.perf_counter() - started
            sent = self.state.source_queries - queries_before
            if self.count_queries is not None and sent:
                self.count_queries(self.dataset, sent)
        if built is None:
            self.store.renew(self.dataset)
            result = "unchanged"
        else:
            snapshot = make_snapshot(built, now)
            del built
            self.store.publish(snapshot)
            self._published = snapshot.version
            release_unused_memory()
            result = "built"
        self.state.last_result = result
        self.state.last_success = now
        self.state.last_error = ""
        self.state.failures_in_row = 0
        self.state.degraded_since = None
        return result

    def _cycle(self, now: datetime) -> Cycle:
        return Cycle(now, self.rules, self._fetch, self._watermark, self._holds_current)

    def _watermark(self, obj: str) -> object:
        self.state.source_queries += 1
        return self.source.watermark(obj)

    def _fetch(self, obj: str) -> pa.Table:
        self.state.source_queries += 1
        return self.source.fetch(obj)

    def _holds_current(self) -> bool:
        current = self.store.current(self.dataset)
        return current is not None and current.version == self._published

    def run(self, stop: threading.Event) -> None:
        """Refresh every `interval_s` until `stop` is set."""
        while not stop.is_set():
            self.refresh_once()
            stop.wait(self.interval_s)


def describe_failure(exc: Exception) -> str:
    """A log- and health-safe description: the error code for API errors, else the type."""
    if isinstance(exc, ApiError):
        return f"{exc.spec.code}: {exc.detail}"
    return f"{type(exc).__name__}: {exc}"
