"""An in-flight limit with a wait timeout: the demo source's equivalent of a TIMEDWAIT pool."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mes_dashboard.resilience.db_errors import DbError, DbErrorKind, retry_after_s


class InFlightLimit:
    """At most `limit` calls at once; a caller waits up to `wait_timeout_ms` for a slot, then
    fails with DB_POOL_EXHAUSTED (Retry-After: the wait timeout plus jitter)."""

    def __init__(self, limit: int, wait_timeout_ms: int) -> None:
        self.limit = limit
        self.wait_timeout_ms = wait_timeout_ms
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._waiting = 0
        self.rejected = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the duration of a call."""
        with self._lock:
            self._waiting += 1
        got = self._slots.acquire(timeout=self.wait_timeout_ms / 1000)
        with self._lock:
            self._waiting -= 1
            self._in_flight += got
            self.rejected += not got
        if not got:
            raise DbError(
                DbErrorKind.POOL_EXHAUSTED,
                "in-flight limit",
                retry_after=retry_after_s(self.wait_timeout_ms),
            )
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
            self._slots.release()

    def status(self) -> dict[str, Any]:
        """The limit, the wait timeout, callers in flight and waiting, and rejections."""
        with self._lock:
            return {
                "in_flight_limit": self.limit,
                "wait_timeout_ms": self.wait_timeout_ms,
                "in_flight": self._in_flight,
                "waiting": self._waiting,
                "rejected": self.rejected,
            }
