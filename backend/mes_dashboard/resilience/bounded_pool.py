"""The in-flight limit on a python-oracledb pool: bounded acquire, every driver error classified."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import oracledb

from mes_dashboard.resilience.db_errors import (
    DbError,
    DbErrorKind,
    classify,
    is_infrastructure,
    retry_after_s,
    to_api_error,
)

log = logging.getLogger(__name__)

IN_FLIGHT_QUEUE = 4
CLOSE_TIMEOUT_S = 2.0


class BoundedPool:
    """Acquire with an in-flight limit (max + queue) and classify every driver error raised."""

    def __init__(self, pool: oracledb.ConnectionPool, *, queue: int = IN_FLIGHT_QUEUE) -> None:
        self.pool = pool
        self.limit = pool.max + queue
        self._slots = threading.BoundedSemaphore(self.limit)
        self._lock = threading.Lock()
        self._in_flight = 0
        self.counts: dict[str, int] = {"rejected": 0} | {k.value: 0 for k in DbErrorKind}

    @contextmanager
    def connection(self) -> Iterator[oracledb.Connection]:
        """A pooled connection for one call; raises DbError for any driver failure."""
        if not self._slots.acquire(blocking=False):
            self._count("rejected")
            raise DbError(
                DbErrorKind.POOL_EXHAUSTED, "in-flight limit", retry_after=self._retry_after()
            )
        self._track(+1)
        try:
            with self._acquired() as conn:
                yield conn
        finally:
            self._track(-1)
            self._slots.release()

    @contextmanager
    def _acquired(self) -> Iterator[oracledb.Connection]:
        try:
            conn = self.pool.acquire()
        except oracledb.Error as exc:
            raise self._classified(exc, self._acquire_kind(exc)) from exc
        try:
            yield conn
        except oracledb.Error as exc:
            kind = classify(exc)
            self._give_back(conn, drop=is_infrastructure(kind))
            raise self._classified(exc, kind) from exc
        except BaseException:
            self._give_back(conn, drop=False)
            raise
        self._give_back(conn, drop=False)

    def _acquire_kind(self, exc: oracledb.Error) -> DbErrorKind:
        kind = classify(exc)
        # a pool wait that timed out while the pool still had room means no session could be
        # opened in time (a hung listener or logon): that is the database, not our load
        if kind is DbErrorKind.POOL_EXHAUSTED and self.pool.busy < self.pool.max:
            return DbErrorKind.UNAVAILABLE
        return kind

    def _classified(self, exc: oracledb.Error, kind: DbErrorKind) -> DbError:
        self._count(kind.value)
        error = to_api_error(exc, retry_after=self._retry_after(), kind=kind)
        log.warning("oracle %s: %s", kind.value, str(exc).partition("\n")[0])
        return error

    def _give_back(self, conn: oracledb.Connection, *, drop: bool) -> None:
        with suppress(oracledb.Error):
            if drop:
                self.pool.drop(conn)
            else:
                self.pool.release(conn)

    def _retry_after(self) -> float:
        return retry_after_s(int(self.pool.wait_timeout))

    def _track(self, delta: int) -> None:
        with self._lock:
            self._in_flight += delta

    def _count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def status(self) -> dict[str, Any]:
        """The in-flight limit, callers in flight and waiting, and failure counts by kind."""
        with self._lock:
            in_flight, counts = self._in_flight, dict(self.counts)
        return {
            "in_flight_limit": self.limit,
            "in_flight": in_flight,
            "waiting": max(0, in_flight - self.pool.busy),
            "failures": counts,
        }

    def close(self, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Close the pool, dropping connections in use; give up waiting after `timeout_s`."""
        # thin mode's close joins the pool's background connect thread, which a silent listener
        # holds until its socket dies: close in a daemon thread so shutdown is never held
        closer = threading.Thread(target=self._close, name="oracle-pool-close", daemon=True)
        closer.start()
        closer.join(timeout_s)
        if closer.is_alive():
            log.warning("oracle pool close still waiting after %.1f s; leaving it", timeout_s)

    def _close(self) -> None:
        with suppress(oracledb.Error):
            self.pool.close(force=True)
