"""The Redis link: degrade instead of raising, skip Redis while the circuit is open, rejoin."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import redis

from fake_clock import FakeClock
from mes_dashboard.cluster.redis_link import RedisLink
from testkit.redis_server import RedisServer

MakeLink = Callable[..., RedisLink]


def test_a_failed_call_returns_the_fallback_and_reports_the_error(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    link = redis_link(FakeClock())
    assert link.run(lambda c: c.ping(), False) is True
    assert link.healthy and link.status()["healthy"]
    redis_server.stop()
    assert link.run(lambda c: str(c.ping()), "fallback") == "fallback"
    status = link.status()
    assert not link.healthy and status["failures_in_row"] == 1
    assert "ConnectionError" in status["last_error"] and status["last_error_at"]
    assert status["socket_timeout_s"] == 0.25 and status["retries"] == 1


def test_the_circuit_skips_redis_for_a_window_that_grows_per_failure(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    clock = FakeClock()
    link = redis_link(clock)
    calls: list[float] = []

    def ping(c: redis.Redis) -> bool:
        calls.append(clock())
        return bool(c.ping())

    redis_server.stop()
    link.run(ping, False)
    clock.advance(link.backoff_s * 0.9)
    link.run(ping, False)
    assert len(calls) == 1  # skipped without touching Redis
    clock.advance(link.backoff_s * 0.2)
    link.run(ping, False)
    assert len(calls) == 2  # the probe after the window, which fails again
    clock.advance(link.backoff_s * 1.5)
    link.run(ping, False)
    assert len(calls) == 2  # the second window is twice as long
    assert link.status()["circuit_open_s"] > 0
    redis_server.start()
    clock.advance(link.backoff_s)
    assert link.run(ping, False) is True
    assert len(calls) == 3 and link.healthy and link.status()["circuit_open_s"] == 0


def test_only_one_probe_runs_while_the_circuit_is_half_open(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    clock = FakeClock()
    link = redis_link(clock)
    redis_server.stop()
    link.run(lambda c: c.ping(), False)
    redis_server.start()
    clock.advance(link.backoff_cap_s)
    nested: list[str] = []

    def probe(c: redis.Redis) -> bool:
        nested.append(link.run(lambda _: "second caller went to Redis", "skipped"))
        return bool(c.ping())

    assert link.run(probe, False) is True
    assert nested == ["skipped"]


def test_an_error_that_is_not_redis_frees_the_probe_and_propagates(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    clock = FakeClock()
    link = redis_link(clock)
    redis_server.stop()
    link.run(lambda c: c.ping(), False)
    redis_server.start()
    clock.advance(link.backoff_cap_s)

    def broken(c: redis.Redis) -> bool:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        link.run(broken, False)
    assert link.run(lambda c: c.ping(), False) is True


def test_a_frozen_server_costs_one_socket_timeout_then_nothing(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    link = redis_link(FakeClock())
    assert link.run(lambda c: c.ping(), False)
    redis_server.freeze()
    started = time.monotonic()
    assert link.run(lambda c: c.ping(), False) is False
    first = time.monotonic() - started
    started = time.monotonic()
    assert link.run(lambda c: c.ping(), False) is False
    assert first < 0.25 + 0.2 and time.monotonic() - started < 0.01
    assert "Timeout" in link.last_error
