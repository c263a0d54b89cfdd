"""Refreshers in separate processes sharing one redis-server: one source reader, takeover."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import time
from collections.abc import Iterator
from multiprocessing.process import BaseProcess
from typing import Any

import pytest

from mes_dashboard.cluster.query_counter import QueryCounter
from mes_dashboard.cluster.redis_link import RedisLink, make_client
from mes_dashboard.cluster.redis_store import RedisStore, build_redis_store
from mes_dashboard.config import Settings
from mes_dashboard.datasets.refresher import Refresher
from table_source import RULES, TableSource, wip_snapshot
from testkit.redis_server import RedisServer

CTX = multiprocessing.get_context("spawn")
TICKS = 5
QUERIES_PER_BUILD = 3  # watermark, lot, spec_workcenter


def connect(url: str, interval_s: float) -> tuple[RedisLink, RedisStore, QueryCounter]:
    """What build_services wires for one worker, with short timeouts."""
    settings = Settings(redis_url=url, redis_socket_timeout_s=0.5, redis_connect_timeout_s=0.5)
    link = RedisLink(make_client(settings))
    return link, build_redis_store(link, "mp", {"wip": interval_s}), QueryCounter(link, "mp")


def refresh_in_step(url: str, index: int, barrier: Any, results: Any) -> None:
    """A worker: per interval, refresh once in step with the other worker, then read."""
    link, store, counter = connect(url, interval_s=5.0)
    source = TableSource()
    refresher = Refresher("wip", source, store, RULES, 5.0, count_queries=counter.add)
    try:
        for tick in range(TICKS):
            source.tick = tick
            barrier.wait(timeout=30)
            result = refresher.refresh_once()
            barrier.wait(timeout=30)
            snap = store.current("wip")
            results.put((index, tick, result, snap and snap.version, source.total))
    finally:
        store.close()
        link.close()


def lead_then_hang(url: str, ready: multiprocessing.synchronize.Event) -> None:
    """A worker that takes the lock, publishes, then hangs until killed."""
    _, store, counter = connect(url, interval_s=0.1)
    refresher = Refresher("wip", TableSource(), store, RULES, 0.1, count_queries=counter.add)
    assert refresher.refresh_once() == "built"
    ready.set()
    time.sleep(60)


@pytest.fixture()
def processes() -> Iterator[list[BaseProcess]]:
    procs: list[BaseProcess] = []
    yield procs
    for p in procs:
        if p.is_alive():
            p.kill()
        p.join(timeout=10)
        p.close()


def test_exactly_one_process_queries_the_source_per_interval(
    redis_server: RedisServer, processes: list[BaseProcess]
) -> None:
    barrier, results = CTX.Barrier(2), CTX.Queue()
    for index in range(2):
        processes.append(
            CTX.Process(target=refresh_in_step, args=(redis_server.url, index, barrier, results))
        )
    for p in processes:
        p.start()
    rows = [results.get(timeout=60) for _ in range(2 * TICKS)]
    for p in processes:
        p.join(timeout=30)
        assert p.exitcode == 0
    results.close()
    results.join_thread()
    by_tick: dict[int, dict[int, tuple[str, str, int]]] = {}
    for index, tick, result, version, queries in rows:
        by_tick.setdefault(tick, {})[index] = (result, version, queries)
    leader = next(i for i, row in by_tick[0].items() if row[0] == "built")
    for tick, row in by_tick.items():
        assert row[leader][0] == "built" and row[1 - leader][0] == "follower"
        assert row[leader][1] == row[1 - leader][1] == wip_snapshot(tick).version
        assert row[leader][2] == QUERIES_PER_BUILD * (tick + 1)
        assert row[1 - leader][2] == 0  # a follower never touches the source
    client = redis_server.client()
    try:
        total = client.get("mp:metrics:source_queries:wip")
        assert total == str(QUERIES_PER_BUILD * TICKS).encode()
    finally:
        client.close()


def test_a_follower_takes_over_after_the_leader_process_is_killed(
    redis_server: RedisServer, processes: list[BaseProcess]
) -> None:
    ready = CTX.Event()
    processes.append(CTX.Process(target=lead_then_hang, args=(redis_server.url, ready)))
    processes[0].start()
    assert ready.wait(timeout=60)
    link, store, counter = connect(redis_server.url, interval_s=0.1)  # lock TTL 200 ms
    source = TableSource()
    refresher = Refresher("wip", source, store, RULES, 0.1, count_queries=counter.add)
    try:
        assert refresher.refresh_once() == "follower"
        current = store.current("wip")
        assert current is not None and current.version == wip_snapshot(0).version
        assert source.total == 0
        processes[0].kill()
        processes[0].join(timeout=10)
        killed = time.monotonic()
        while refresher.refresh_once() == "follower":  # real lock expiry is the subject
            assert time.monotonic() - killed < 2
            time.sleep(0.02)
        # the new leader rebuilt from the source; the content is the same, so is the version
        assert refresher.state.last_result == "unchanged"
        taken = store.current("wip")
        assert taken is not None and taken.version == wip_snapshot(0).version
        assert source.total == QUERIES_PER_BUILD
        assert counter.total("wip") == 2 * QUERIES_PER_BUILD
    finally:
        store.close()
        link.close()
