"""python-oracledb pools (thin mode) built from settings, and the bounded, classifying acquire."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, cast

import oracledb

from mes_dashboard.config import Settings
from mes_dashboard.resilience.db_errors import (
    DbError,
    DbErrorKind,
    classify,
    is_infrastructure,
    retry_after_s,
    to_api_error,
)

log = logging.getLogger(__name__)

# thin mode bounds only the TCP connect with this; a listener that accepts and then stays silent
# blocks the pool's background connect until the socket dies (acquire still returns at
# wait_timeout); keepalive probes (minutes) let the kernel find a dead peer eventually
TCP_CONNECT_TIMEOUT_S = 5.0
EXPIRE_TIME_MIN = 1
PING_TIMEOUT_MS = 5000
HEALTH_CALL_TIMEOUT_MS = 2000
IN_FLIGHT_QUEUE = 4
CLOSE_TIMEOUT_S = 2.0


class TimedPool(oracledb.ConnectionPool):
    """A ConnectionPool that sets the configured call timeout on every acquired connection."""

    call_timeout_ms: int = 0
    tcp_connect_timeout_s: float = TCP_CONNECT_TIMEOUT_S
    ping_timeout_ms: int = PING_TIMEOUT_MS

    def acquire(self, *args: Any, **kwargs: Any) -> oracledb.Connection:
        """Acquire a connection with `call_timeout_ms` applied."""
        conn = super().acquire(*args, **kwargs)
        # set on every acquire, not in a session_callback: the callback runs only for a new
        # session (or a tag mismatch), and a pooled session keeps whatever a caller last set
        conn.call_timeout = self.call_timeout_ms
        return conn


def create_pool(
    settings: Settings,
    *,
    min: int | None = None,
    max: int | None = None,
    call_timeout_ms: int | None = None,
) -> TimedPool:
    """The request pool, configured from settings; thin mode, so creation never blocks."""
    wait_ms = settings.oracle_wait_timeout_ms
    pool = cast(
        TimedPool,
        oracledb.create_pool(
            pool_class=TimedPool,
            user=settings.oracle_user,
            password=settings.oracle_password,
            dsn=settings.oracle_dsn,
            min=settings.oracle_pool_min if min is None else min,
            max=settings.oracle_pool_max if max is None else max,
            increment=settings.oracle_pool_increment,
            # the default POOL_GETMODE_WAIT waits forever and silently ignores wait_timeout
            getmode=oracledb.POOL_GETMODE_TIMEDWAIT,
            wait_timeout=wait_ms,
            ping_interval=settings.oracle_ping_interval_s,
            ping_timeout=_ping_timeout_ms(wait_ms),
            max_lifetime_session=settings.oracle_session_lifetime_s,
            tcp_connect_timeout=TCP_CONNECT_TIMEOUT_S,
            expire_time=EXPIRE_TIME_MIN,
        ),
    )
    pool.call_timeout_ms = (
        settings.oracle_call_timeout_ms if call_timeout_ms is None else call_timeout_ms
    )
    pool.ping_timeout_ms = _ping_timeout_ms(wait_ms)
    return pool


def create_health_pool(settings: Settings) -> TimedPool:
    """A separate small pool for health probes, so a saturated request pool cannot hide them."""
    return create_pool(
        settings,
        min=0,
        max=settings.oracle_health_pool_max,
        call_timeout_ms=min(settings.oracle_call_timeout_ms, HEALTH_CALL_TIMEOUT_MS),
    )


def _ping_timeout_ms(wait_timeout_ms: int) -> int:
    return max(1, min(PING_TIMEOUT_MS, wait_timeout_ms))


def pool_settings_in_effect(pool: oracledb.ConnectionPool) -> dict[str, Any]:
    """The pool's settings as the driver reports them, plus its load (for /health/deep)."""
    return {
        "thin": pool.thin,
        "min": pool.min,
        "max": pool.max,
        "increment": pool.increment,
        "getmode": oracledb.PoolGetMode(pool.getmode).name,
        "wait_timeout_ms": int(pool.wait_timeout),
        "ping_interval_s": pool.ping_interval,
        "max_lifetime_session_s": pool.max_lifetime_session,
        "busy": pool.busy,
        "opened": pool.opened,
        "call_timeout_ms": getattr(pool, "call_timeout_ms", None),
        "ping_timeout_ms": getattr(pool, "ping_timeout_ms", None),
        "tcp_connect_timeout_s": getattr(pool, "tcp_connect_timeout_s", None),
    }


class BoundedPool:
    """Acquire with an in-flight limit (max + queue) and classify every driver error raised."""

    def __init__(self, pool: TimedPool, *, queue: int = IN_FLIGHT_QUEUE) -> None:
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
        """Settings in effect, in-flight callers and failure counts by kind."""
        with self._lock:
            in_flight, counts = self._in_flight, dict(self.counts)
        state = pool_settings_in_effect(self.pool)
        waiting = max(0, in_flight - state["busy"])
        return state | {
            "in_flight_limit": self.limit,
            "in_flight": in_flight,
            "waiting": waiting,
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
