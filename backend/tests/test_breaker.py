"""The circuit breaker on a fake clock: threshold, rejection with the time left, one probe under
50 threads, close on success, longer reopen with jitter up to the cap, SQL errors not counted."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from fake_clock import FakeClock
from mes_dashboard.resilience.breaker import Breaker, CircuitOpen
from mes_dashboard.resilience.db_errors import DbError, DbErrorKind, counts_for_breaker

UNAVAILABLE = DbError(DbErrorKind.UNAVAILABLE, "DPY-6005", retry_after=1.0)


def breaker(clock: FakeClock, threshold: int = 3) -> Breaker:
    return Breaker("database", threshold=threshold, backoff_s=5.0, backoff_cap_s=40.0,
                   clock=clock, rng=lambda: 0.0)  # fmt: skip


def fail_with(exc: BaseException) -> Callable[[], None]:
    def call() -> None:
        raise exc

    return call


def trip(b: Breaker, times: int) -> None:
    for _ in range(times):
        with pytest.raises(DbError):
            b.call(fail_with(UNAVAILABLE), counts_for_breaker)


def test_opens_after_threshold_failures_and_rejects_with_the_time_left() -> None:
    clock = FakeClock()
    b = breaker(clock)
    trip(b, 2)
    assert b.state() == "closed" and b.call(lambda: "ok", counts_for_breaker) == "ok"
    trip(b, 3)
    assert b.state() == "open"
    clock.advance(2.0)
    with pytest.raises(CircuitOpen) as rejected:
        b.call(lambda: "never runs", counts_for_breaker)
    assert rejected.value.spec.code == "CIRCUIT_OPEN" and rejected.value.status == 503
    assert rejected.value.retry_after == pytest.approx(3.0)
    assert b.status()["circuit_open_s"] == pytest.approx(3.0)


def test_sql_errors_and_pool_wait_timeouts_never_count() -> None:
    b = breaker(FakeClock())
    for kind in (DbErrorKind.SQL, DbErrorKind.POOL_EXHAUSTED):
        for _ in range(10):
            with pytest.raises(DbError):
                b.call(fail_with(DbError(kind, retry_after=1.0)), counts_for_breaker)
    with pytest.raises(KeyError):
        b.call(fail_with(KeyError("bug")), counts_for_breaker)
    assert b.state() == "closed" and b.status()["failures_in_row"] == 0


def test_exactly_one_probe_under_50_concurrent_callers_and_success_closes() -> None:
    clock = FakeClock()
    b = breaker(clock)
    trip(b, 3)
    clock.advance(5.0)
    assert b.state() == "half_open"
    started, release = threading.Barrier(50), threading.Event()
    probes: list[int] = []
    rejected: list[float] = []

    def probe() -> str:
        probes.append(1)
        release.wait(5)
        return "ok"

    def caller() -> None:
        started.wait()
        try:
            b.call(probe, counts_for_breaker)
        except CircuitOpen as exc:
            rejected.append(exc.remaining_s)
            if len(rejected) == 49:
                release.set()

    threads = [threading.Thread(target=caller) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(probes) == 1 and len(rejected) == 49
    assert b.state() == "closed" and b.healthy


def test_a_failed_probe_reopens_for_longer_up_to_the_cap() -> None:
    clock = FakeClock()
    b = breaker(clock)
    trip(b, 3)
    windows = []
    for _ in range(5):
        windows.append(b.remaining_s())
        clock.advance(windows[-1])
        trip(b, 1)  # the probe fails
    assert windows == [5.0, 10.0, 20.0, 40.0, 40.0]
    assert b.status()["opens_in_row"] == 6


def test_jitter_lengthens_a_window_but_never_past_the_cap() -> None:
    clock = FakeClock()
    b = Breaker("db", threshold=1, backoff_s=5.0, backoff_cap_s=12.0, jitter=0.5,
                clock=clock, rng=lambda: 1.0)  # fmt: skip
    trip(b, 1)
    assert b.remaining_s() == pytest.approx(7.5)
    clock.advance(7.5)
    trip(b, 1)
    assert b.remaining_s() == pytest.approx(12.0)


def test_failures_of_calls_let_through_before_it_opened_do_not_lengthen_the_window() -> None:
    clock = FakeClock()
    b = breaker(clock, threshold=1)
    trip(b, 1)
    b.fail(UNAVAILABLE)  # a call that started while closed ends after the circuit opened
    assert b.remaining_s() == 5.0


def test_transitions_are_reported_to_callbacks() -> None:
    clock = FakeClock()
    b = breaker(clock, threshold=1)
    seen: list[tuple[str, str, str]] = []
    b.on_transition.append(lambda *change: seen.append(change))
    trip(b, 1)
    clock.advance(5.0)
    assert b.call(lambda: 1, counts_for_breaker) == 1
    assert seen == [
        ("database", "closed", "open"),
        ("database", "open", "half_open"),
        ("database", "half_open", "closed"),
    ]
    assert b.status()["transitions"] == 3
