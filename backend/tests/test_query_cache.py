"""The query cache: one load per miss across threads and across processes sharing Redis, the
leader's error shared, the TTL honoured."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from mes_dashboard.cluster.query_cache import QueryCache
from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.errors import ApiError
from testkit.redis_server import RedisServer


class Loader:
    """Counts its loads; each takes a moment so that callers overlap."""

    def __init__(self, fail: bool = False) -> None:
        self.loads = 0
        self.fail = fail
        self._lock = threading.Lock()

    def __call__(self) -> bytes:
        with self._lock:
            self.loads += 1
        time.sleep(0.3)
        if self.fail:
            raise ApiError("DB_TIMEOUT", "slow", retry_after=2)
        return b"result"


def together(calls: list[Callable[[], bytes]]) -> list[object]:
    def run(call: Callable[[], bytes]) -> object:
        try:
            return call()
        except ApiError as exc:
            return exc.spec.code

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_twenty_threads_share_one_load_in_process() -> None:
    cache, load = QueryCache(None, "t", ttl_s=60, load_timeout_s=5), Loader()
    results = together([lambda: cache.get_or_load("d", "k", load)] * 20)
    assert results == [b"result"] * 20 and load.loads == 1
    assert cache.get_or_load("d", "k", load) == b"result" and load.loads == 1


def test_an_expired_entry_loads_again() -> None:
    now = [0.0]
    cache, load = QueryCache(None, "t", ttl_s=60, load_timeout_s=5, clock=lambda: now[0]), Loader()
    cache.get_or_load("d", "k", load)
    now[0] = 59.0
    cache.get_or_load("d", "k", load)
    assert load.loads == 1
    now[0] = 61.0
    cache.get_or_load("d", "k", load)
    assert load.loads == 2


def test_processes_sharing_redis_share_one_load(redis_link: Callable[..., RedisLink]) -> None:
    workers = [QueryCache(redis_link(), "t", ttl_s=60, load_timeout_s=5) for _ in range(2)]
    load = Loader()
    calls = [lambda c=c: c.get_or_load("d", "k", load) for c in workers for _ in range(10)]
    assert together(calls) == [b"result"] * 20 and load.loads == 1
    third = QueryCache(redis_link(), "t", ttl_s=60, load_timeout_s=5)
    assert third.get_or_load("d", "k", load) == b"result" and load.loads == 1
    assert third.get_or_load("d", "other", load) == b"result" and load.loads == 2


def test_the_leaders_error_reaches_every_waiter(redis_link: Callable[..., RedisLink]) -> None:
    workers = [QueryCache(redis_link(), "t", ttl_s=60, load_timeout_s=5) for _ in range(2)]
    load = Loader(fail=True)
    calls = [lambda c=c: c.get_or_load("d", "k", load) for c in workers for _ in range(5)]
    assert together(calls) == ["DB_TIMEOUT"] * 10 and load.loads == 1


def test_without_redis_answering_each_process_loads_for_itself(
    redis_link: Callable[..., RedisLink], redis_server: RedisServer
) -> None:
    link = redis_link()
    redis_server.stop()
    cache, load = QueryCache(link, "t", ttl_s=60, load_timeout_s=5), Loader()
    started = time.monotonic()
    assert together([lambda: cache.get_or_load("d", "k", load)] * 5) == [b"result"] * 5
    assert load.loads == 1 and time.monotonic() - started < 3.0


def test_a_shared_result_expires_in_redis(redis_link: Callable[..., RedisLink]) -> None:
    link, ttl_s = redis_link(), 0.5
    cache = QueryCache(link, "t", ttl_s=ttl_s, load_timeout_s=5)
    cache.get_or_load("d", "k", Loader())
    ttl_ms = link.client.pttl(cache.key("d", "k"))
    assert 0 < ttl_ms <= ttl_s * 1000
    assert link.client.get(f"{cache.key('d', 'k')}:lock") is None
