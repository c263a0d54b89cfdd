"""The leader lock on a real redis-server: NX take, owner-only extend and release, takeover."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from fake_clock import FakeClock
from mes_dashboard.cluster.leader_lock import LeaderLock
from mes_dashboard.cluster.redis_link import RedisLink
from testkit.redis_server import RedisServer

TTL_MS = 5000


@pytest.fixture()
def make_lock(redis_link: Callable[..., RedisLink]) -> Callable[..., LeaderLock]:
    def make(ttl_ms: int = TTL_MS, token: str | None = None) -> LeaderLock:
        return LeaderLock(redis_link(FakeClock()), "t", {"wip": ttl_ms}, token)

    return make


def pttl(server: RedisServer, key: str = "t:lock:wip") -> int:
    client = server.client()
    try:
        return int(client.pttl(key))
    finally:
        client.close()


def test_one_instance_takes_the_lock_and_keeps_it(
    redis_server: RedisServer, make_lock: Callable[..., LeaderLock]
) -> None:
    a, b = make_lock(token="a"), make_lock(token="b")
    assert a.try_lead("wip") and not b.try_lead("wip")
    assert a.holder("wip") == "a" and a.key("wip") == "t:lock:wip"
    assert TTL_MS - 500 < pttl(redis_server) <= TTL_MS
    assert a.try_lead("wip") and not b.try_lead("wip")


def test_the_holder_extends_its_lock_on_every_try(
    redis_server: RedisServer, make_lock: Callable[..., LeaderLock]
) -> None:
    a = make_lock(token="a")
    assert a.try_lead("wip")
    client = redis_server.client()
    try:
        client.pexpire("t:lock:wip", 100)
    finally:
        client.close()
    assert a.try_lead("wip")
    assert TTL_MS - 500 < pttl(redis_server) <= TTL_MS


def test_a_non_owner_can_neither_extend_nor_release(
    redis_server: RedisServer, make_lock: Callable[..., LeaderLock]
) -> None:
    a, b = make_lock(token="a"), make_lock(ttl_ms=60_000, token="b")
    assert a.try_lead("wip")
    assert not b.extend("wip") and not b.release("wip")
    assert a.holder("wip") == "a" and pttl(redis_server) <= TTL_MS
    assert a.extend("wip") and a.release("wip")
    assert a.holder("wip") is None and not a.release("wip")
    assert b.try_lead("wip") and b.holder("wip") == "b"


def test_a_follower_takes_over_when_the_holders_ttl_lapses(
    make_lock: Callable[..., LeaderLock],
) -> None:
    dead, follower = make_lock(ttl_ms=150, token="dead"), make_lock(ttl_ms=150, token="f")
    assert dead.try_lead("wip") and not follower.try_lead("wip")
    started = time.monotonic()
    while not follower.try_lead("wip"):  # the holder stopped extending: real Redis expiry
        assert time.monotonic() - started < 2
        time.sleep(0.02)
    assert time.monotonic() - started > 0.1
    assert follower.holder("wip") == "f"
    assert not dead.try_lead("wip")  # its compare-and-set extend fails, and so does NX


def test_release_all_hands_the_lock_over_at_once(make_lock: Callable[..., LeaderLock]) -> None:
    a, b = make_lock(token="a"), make_lock(token="b")
    assert a.try_lead("wip")
    a.release_all()
    assert b.try_lead("wip")


def test_every_worker_leads_while_redis_is_down(
    redis_server: RedisServer, make_lock: Callable[..., LeaderLock]
) -> None:
    a, b = make_lock(token="a"), make_lock(token="b")
    assert a.try_lead("wip")
    redis_server.stop()
    assert a.try_lead("wip") and b.try_lead("wip")
    assert not b.extend("wip") and not b.release("wip") and b.holder("wip") is None
