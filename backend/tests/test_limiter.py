"""The sign-in limiter: sliding window per key, shared through Redis, local when Redis is down."""

from __future__ import annotations

from collections.abc import Callable

from fake_clock import FakeClock
from mes_dashboard.auth.limiter import SignInLimiter
from mes_dashboard.cluster.redis_link import RedisLink
from testkit.redis_server import RedisServer


def test_sliding_window_in_process() -> None:
    clock = FakeClock()
    limiter = SignInLimiter(3, 60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after(["user:a"]) is None
        limiter.record_failure(["user:a"])
        clock.advance(10)
    assert limiter.retry_after(["user:a", "ip:x"]) == 30
    assert limiter.retry_after(["user:b"]) is None
    clock.advance(30)
    assert limiter.retry_after(["user:a"]) is None
    limiter.record_failure(["user:a"])
    assert limiter.retry_after(["user:a"]) == 10
    limiter.reset(["user:a"])
    assert limiter.retry_after(["user:a"]) is None


def test_workers_share_failures_through_redis_and_fall_back_when_it_stops(
    redis_server: RedisServer, redis_link: Callable[..., RedisLink]
) -> None:
    clock = FakeClock()
    one = SignInLimiter(2, 60, link=redis_link(), clock=clock)
    two = SignInLimiter(2, 60, link=redis_link(), clock=clock)
    one.record_failure(["ip:1"])
    two.record_failure(["ip:1"])
    assert one.retry_after(["ip:1"]) == 60 and two.retry_after(["ip:1"]) == 60
    two.reset(["ip:1"])
    assert one.retry_after(["ip:1"]) is None
    redis_server.stop()
    one.record_failure(["ip:2"])
    one.record_failure(["ip:2"])
    assert one.retry_after(["ip:2"]) == 60, "in-process count while Redis is down"
