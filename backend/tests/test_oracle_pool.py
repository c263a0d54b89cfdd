"""The real python-oracledb pool, configured from settings, against a never-answering listener."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import oracledb
import pytest
from oracledb import errors as driver_errors

from blackhole import BlackHole, closed_port
from mes_dashboard.config import Settings
from mes_dashboard.resilience.bounded_pool import BoundedPool
from mes_dashboard.resilience.db_errors import DbError, DbErrorKind
from mes_dashboard.sources.oracle_pool import (
    TimedPool,
    create_health_pool,
    create_pool,
    pool_settings_in_effect,
)

WAIT_MS = 400
SLACK_S = 1.5


def settings_for(dsn: str, **overrides: Any) -> Settings:
    """Oracle settings pointing at `dsn`, with a short pool wait."""
    values: dict[str, Any] = {
        "oracle_dsn": dsn,
        "oracle_user": "mes",
        "oracle_password": "not-a-real-password",
        "oracle_pool_min": 1,
        "oracle_pool_max": 3,
        "oracle_pool_increment": 2,
        "oracle_wait_timeout_ms": WAIT_MS,
        "oracle_ping_interval_s": 45,
        "oracle_session_lifetime_s": 900,
        "oracle_call_timeout_ms": 7000,
        "oracle_health_pool_max": 1,
    }
    return Settings(**(values | overrides))


@pytest.fixture
def hole() -> Iterator[tuple[BlackHole, list[TimedPool]]]:
    """A black hole and a list of pools to close once it has hung up (freeing their threads)."""
    pools: list[TimedPool] = []
    with BlackHole() as listener:
        yield listener, pools
    for pool in pools:
        # bounded: thin mode's close joins a background connect thread (see bounded_pool.py)
        BoundedPool(pool).close(timeout_s=5)


def test_creation_does_not_block_and_settings_take_effect(
    hole: tuple[BlackHole, list[TimedPool]],
) -> None:
    listener, pools = hole
    started = time.monotonic()
    pool = create_pool(settings_for(listener.dsn))
    pools.append(pool)
    assert time.monotonic() - started < 0.5
    state = pool_settings_in_effect(pool)
    assert state == state | {
        "thin": True,
        "min": 1,
        "max": 3,
        "increment": 2,
        "getmode": "TIMEDWAIT",
        "wait_timeout_ms": WAIT_MS,
        "ping_interval_s": 45,
        "max_lifetime_session_s": 900,
        "call_timeout_ms": 7000,
        "busy": 0,
    }
    assert pool.getmode == oracledb.POOL_GETMODE_TIMEDWAIT


def test_acquire_times_out_after_the_wait_timeout_and_not_before(
    hole: tuple[BlackHole, list[TimedPool]],
) -> None:
    listener, pools = hole
    pool = create_pool(settings_for(listener.dsn), min=0)
    pools.append(pool)
    started = time.monotonic()
    with pytest.raises(oracledb.Error) as info:
        pool.acquire()
    elapsed = time.monotonic() - started
    assert info.value.args[0].full_code == "DPY-4005"
    assert WAIT_MS / 1000 <= elapsed < WAIT_MS / 1000 + SLACK_S


def test_health_pool_is_separate_and_small(hole: tuple[BlackHole, list[TimedPool]]) -> None:
    listener, pools = hole
    settings = settings_for(listener.dsn, oracle_health_pool_max=2)
    request, health = create_pool(settings), create_health_pool(settings)
    pools.extend([request, health])
    state = pool_settings_in_effect(health)
    assert health is not request
    assert (state["min"], state["max"], state["getmode"]) == (0, 2, "TIMEDWAIT")
    assert state["call_timeout_ms"] <= 2000


def test_acquire_applies_the_call_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    class Conn:
        call_timeout = 0

    conn = Conn()
    monkeypatch.setattr(oracledb.ConnectionPool, "acquire", lambda self, *a, **k: conn)
    pool = create_pool(settings_for(f"127.0.0.1:{closed_port()}/MES"), min=0)
    try:
        assert pool.acquire() is conn
        assert conn.call_timeout == 7000
    finally:
        pool.close(force=True)


def test_bounded_acquire_from_a_hung_listener_is_unavailable(
    hole: tuple[BlackHole, list[TimedPool]],
) -> None:
    listener, _ = hole
    bounded = BoundedPool(create_pool(settings_for(listener.dsn), min=0))
    started = time.monotonic()
    with pytest.raises(DbError) as info, bounded.connection():
        pass
    elapsed = time.monotonic() - started
    assert info.value.kind is DbErrorKind.UNAVAILABLE  # the pool had room: no session could open
    assert (info.value.status, info.value.spec.code) == (503, "DB_UNAVAILABLE")
    assert WAIT_MS / 1000 <= info.value.retry_after < WAIT_MS / 1000 + 1.0  # type: ignore[operator]
    assert elapsed < WAIT_MS / 1000 + SLACK_S
    assert bounded.status()["failures"]["unavailable"] == 1
    started = time.monotonic()
    bounded.close(timeout_s=0.2)
    assert time.monotonic() - started < 1.0


def test_in_flight_limit_fails_fast(hole: tuple[BlackHole, list[TimedPool]]) -> None:
    listener, _ = hole
    bounded = BoundedPool(create_pool(settings_for(listener.dsn), min=0, max=1), queue=0)
    waiting = threading.Thread(target=_try_acquire, args=(bounded,))
    waiting.start()
    try:
        deadline = time.monotonic() + 2
        while bounded.status()["in_flight"] < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
        with pytest.raises(DbError) as info, bounded.connection():
            pass
        assert time.monotonic() - started < 0.1
        assert info.value.kind is DbErrorKind.POOL_EXHAUSTED
        assert (info.value.status, info.value.spec.code) == (503, "DB_POOL_EXHAUSTED")
        assert bounded.status()["failures"]["rejected"] == 1
    finally:
        waiting.join()
        bounded.close(timeout_s=0.2)


def _try_acquire(bounded: BoundedPool) -> None:
    try:
        with bounded.connection():
            pass
    except DbError:
        pass


def test_closed_port_is_unavailable() -> None:
    bounded = BoundedPool(create_pool(settings_for(f"127.0.0.1:{closed_port()}/MES"), min=0))
    try:
        with pytest.raises(DbError) as info, bounded.connection():
            pass
    finally:
        bounded.close()
    assert info.value.kind is DbErrorKind.UNAVAILABLE
    assert (info.value.status, info.value.spec.code) == (503, "DB_UNAVAILABLE")
    assert "DPY-6005" in info.value.detail


class StubPool:
    """A stand-in for a saturated or working pool that raises real driver errors."""

    def __init__(self, *, busy: int, error: Exception | None = None) -> None:
        self.max, self.busy, self.min, self.increment = 2, busy, 0, 1
        self.wait_timeout, self.error = WAIT_MS, error
        self.thin, self.getmode, self.opened = True, oracledb.POOL_GETMODE_TIMEDWAIT, busy
        self.ping_interval, self.max_lifetime_session = 60, 0
        self.released: list[object] = []
        self.dropped: list[object] = []

    def acquire(self) -> object:
        if self.error is not None:
            raise self.error
        return object()

    def release(self, conn: object) -> None:
        self.released.append(conn)

    def drop(self, conn: object) -> None:
        self.dropped.append(conn)


def _driver_error(number: int, **args: object) -> Exception:
    exc: Exception = driver_errors._create_exception(number, **args)
    return exc


def test_wait_timeout_with_every_connection_busy_is_pool_exhausted() -> None:
    error = _driver_error(4005)
    bounded = BoundedPool(StubPool(busy=2, error=error))  # type: ignore[arg-type]
    with pytest.raises(DbError) as info, bounded.connection():
        pass
    assert info.value.kind is DbErrorKind.POOL_EXHAUSTED
    assert info.value.__cause__ is error
    assert WAIT_MS / 1000 <= info.value.retry_after < WAIT_MS / 1000 + 1.0  # type: ignore[operator]


def test_errors_inside_a_call_are_classified_and_the_connection_handled() -> None:
    stub = StubPool(busy=0)
    bounded = BoundedPool(stub)  # type: ignore[arg-type]
    with pytest.raises(DbError) as info, bounded.connection():
        raise _driver_error(4024, timeout=7000)
    assert info.value.kind is DbErrorKind.TIMEOUT and len(stub.dropped) == 1
    err = driver_errors._Error("ORA-00942: table or view does not exist", code=942)
    with pytest.raises(DbError) as info, bounded.connection():
        raise err.exc_type(err)
    assert info.value.kind is DbErrorKind.SQL and len(stub.released) == 1
    with pytest.raises(KeyError), bounded.connection():
        raise KeyError("not a driver error")
    assert len(stub.released) == 2 and bounded.status()["in_flight"] == 0
