"""The stores' side of sync: confirmed times shared with followers, retained fingerprints and
deltas in Redis (lifetime, trimming), and a new leader that continues from them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from fake_clock import FakeClock
from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.cluster.redis_store import RedisStore, build_redis_store
from mes_dashboard.datasets.refresher import Refresher
from mes_dashboard.snapshots.delta import apply_delta
from mes_dashboard.snapshots.encode import read_ipc
from mes_dashboard.snapshots.store import MemoryStore, SnapshotStore
from table_source import RULES, TableSource, wip_snapshot
from testkit.redis_server import RedisServer

MakeLink = Callable[..., RedisLink]
LIFETIME_MS = 4000
# every lot of TableSource changes per tick: its deltas are as large as the snapshot (kept here)
KEEP_ALL = 2.0
START = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)


def redis_store(redis_link: MakeLink) -> RedisStore:
    return build_redis_store(redis_link(FakeClock()), "s", {"wip": 1.0, "resource": 1.0})


def keys_of(server: RedisServer) -> set[str]:
    client = server.client()
    try:
        return {k.decode() for k in client.keys("s:snap:*") if isinstance(k, bytes)}
    finally:
        client.close()


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_rebuild_with_the_same_content_confirms_its_time_without_republishing(
    kind: str, redis_link: MakeLink, request: pytest.FixtureRequest
) -> None:
    if kind == "redis":
        request.getfixturevalue("redis_server")
        store: SnapshotStore = redis_store(redis_link)
        follower: SnapshotStore = redis_store(redis_link)
    else:
        store = follower = MemoryStore()
    now = [START]
    refresher = Refresher("resource", TableSource(), store, RULES, 1.0, clock=lambda: now[0])
    assert refresher.refresh_once() == "built"
    first = follower.current("resource")
    assert first is not None and follower.confirmed_time(first) == first.snapshot_time
    now[0] = START + timedelta(minutes=3)
    assert refresher.refresh_once() == "unchanged"  # resource is rebuilt every cycle
    again = follower.current("resource")
    assert again is first  # nothing new was published or loaded
    assert follower.confirmed_time(again) == now[0]
    assert again.snapshot_time == START  # the body keeps its first build's time


def test_deltas_and_fingerprints_live_in_redis_with_the_lifetime_and_are_trimmed(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    store = redis_store(redis_link)
    source = TableSource()
    refresher = Refresher("wip", source, store, RULES, 1.0, delta_bases=2, delta_max_share=KEEP_ALL)
    versions = []
    for tick in range(4):
        source.tick = tick
        assert refresher.refresh_once() == "built"
        versions.append(wip_snapshot(tick).version)
    v = versions
    assert store.bases("wip") == [v[3], v[2], v[1]]  # the current one and two bases
    keys = keys_of(redis_server)
    assert {f"s:snap:wip:fp:{x}" for x in v[1:]} <= keys
    assert f"s:snap:wip:fp:{v[0]}" not in keys  # unlinked when it fell off the list
    deltas = {k for k in keys if ":delta:" in k and k.endswith(":meta")}
    mine = {f"s:snap:wip:delta:{a}:{v[3]}:meta" for a in (v[1], v[2])}
    assert mine <= deltas
    client = redis_server.client()
    try:
        for key in [*mine, f"s:snap:wip:fp:{v[1]}", "s:snap:wip:bases"]:
            client.pexpire(key, 50)
        store.renew("wip")
        for key in [*mine, f"s:snap:wip:fp:{v[1]}", "s:snap:wip:bases"]:
            assert LIFETIME_MS - 500 < client.pttl(key) <= LIFETIME_MS, key
    finally:
        client.close()


def test_a_follower_serves_the_leaders_delta_bytes_and_a_new_leader_continues(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    leader_store, other_store = redis_store(redis_link), redis_store(redis_link)
    source = TableSource()
    leader = Refresher("wip", source, leader_store, RULES, 1.0, delta_max_share=KEEP_ALL)
    assert leader.refresh_once() == "built"
    source.tick = 1
    assert leader.refresh_once() == "built"
    v0, v1 = wip_snapshot(0).version, wip_snapshot(1).version
    other = Refresher("wip", TableSource(tick=2), other_store, RULES, 1.0, delta_max_share=KEEP_ALL)
    assert other.refresh_once() == "follower"
    shared = other_store.delta("wip", v0, v1)
    mine = leader_store.delta("wip", v0, v1)
    assert shared is not None and mine is not None and shared.body == mine.body
    assert shared.variants == mine.variants
    leader_store.close()  # the leader goes away: the other process takes over at tick 2
    assert other.refresh_once() == "built"
    v2 = wip_snapshot(2).version
    assert other_store.bases("wip")[:3] == [v2, v1, v0]
    for base in (v0, v1):  # from fingerprints the first leader left in Redis
        delta = redis_store(redis_link).delta("wip", base, v2)
        assert delta is not None, base
        got = apply_delta(wip_snapshot(int(base == v1)).table, delta.body, "LOTID")
        want = wip_snapshot(2).table
        assert got.to_pylist() == want.to_pylist()
    other_store.close()


def test_a_delta_too_large_is_known_to_followers_as_none(
    redis_server: RedisServer, redis_link: MakeLink
) -> None:
    store, follower = redis_store(redis_link), redis_store(redis_link)
    source = TableSource()
    refresher = Refresher("wip", source, store, RULES, 1.0, delta_max_share=0.001)
    assert refresher.refresh_once() == "built"
    source.tick = 1
    assert refresher.refresh_once() == "built"
    v0, v1 = wip_snapshot(0).version, wip_snapshot(1).version
    assert follower.delta("wip", v0, v1) is None
    assert f"s:snap:wip:delta:{v0}:{v1}:meta" in keys_of(redis_server)
    assert f"s:snap:wip:delta:{v0}:{v1}:body" not in keys_of(redis_server)
    assert read_ipc(follower.current("wip").body).num_rows == 3  # type: ignore[union-attr]
