"""python-oracledb pools (thin mode) built from settings, and what they report in effect."""

from __future__ import annotations

from typing import Any, cast

import oracledb

from mes_dashboard.config import Settings

# thin mode bounds only the TCP connect with this; a listener that accepts and then stays silent
# blocks the pool's background connect until the socket dies (acquire still returns at
# wait_timeout); keepalive probes (minutes) let the kernel find a dead peer eventually
TCP_CONNECT_TIMEOUT_S = 5.0
EXPIRE_TIME_MIN = 1
PING_TIMEOUT_MS = 5000
HEALTH_CALL_TIMEOUT_MS = 2000


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
