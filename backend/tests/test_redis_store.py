"""RedisStore on a real redis-server: layout, atomic publish, lifetime, readers, Redis down."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from fake_clock import FakeClock
from mes_dashboard.api.metrics import render_metrics
from mes_dashboard.app import create_app
from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.cluster.redis_store import RedisStore, build_redis_store
from mes_dashboard.config import Settings
from mes_dashboard.services import Services, build_services
from mes_dashboard.snapshots.encode import decompress, read_ipc
from mes_dashboard.snapshots.parts import PARTS, from_parts, to_parts
from mes_dashboard.snapshots.snapshot import Snapshot
from table_source import TableSource, wip_snapshot
from testkit.redis_server import RedisServer

MakeLink = Callable[..., RedisLink]
INTERVAL_S = 1.0
LIFETIME_MS = 4000  # 4 x the interval
SLOW_S = 0.25 + 0.2  # socket timeout + slack: no call may block longer


@pytest.fixture(scope="module")
def snaps() -> list[Snapshot]:
    return [wip_snapshot(tick) for tick in range(24)]


@pytest.fixture()
def make_store(redis_link: MakeLink) -> Callable[..., RedisStore]:
    def make(
        interval_s: float = INTERVAL_S,
        clock: Callable[[], float] | None = None,
        wall: Callable[[], float] = time.time,
        grace_ms: int | None = None,
    ) -> RedisStore:
        link = redis_link(clock or FakeClock())
        store = build_redis_store(link, "t", {"wip": interval_s}, wall=wall)
        if grace_ms is not None:
            store.grace_ms["wip"] = grace_ms
        return store

    return make


def keys_of(server: RedisServer, pattern: str = "t:snap:*") -> set[str]:
    client = server.client()
    try:
        return {k.decode() for k in client.keys(pattern) if isinstance(k, bytes)}
    finally:
        client.close()


def assert_consistent(snap: Snapshot) -> None:
    """Every part names the same version: never parts of two versions."""
    for ipc in (snap.body, decompress(snap.detail, "zstd")):
        meta = read_ipc(ipc).schema.metadata
        assert meta[b"version"].decode() == snap.version
    assert snap.meta["version"] == snap.version
    for encoding, data in snap.variants.items():
        assert decompress(data, encoding) == snap.body


def test_parts_round_trip(snaps: list[Snapshot]) -> None:
    snap = snaps[0]
    back = from_parts(to_parts(snap), snap.version)
    assert back == snap
    assert from_parts(to_parts(snap), "another-version") is None
    assert from_parts(to_parts(snap) | {"detail": None}, snap.version) is None
    assert set(to_parts(snap)) == set(PARTS)


def test_publish_writes_versioned_keys_and_a_pointer_with_the_lifetime(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    store = make_store()
    store.publish(snaps[0])
    v = snaps[0].version
    parts = {f"t:snap:wip:{v}:{p}" for p in PARTS}
    shared = {"t:snap:wip:current", "t:snap:wip:time"}
    assert keys_of(redis_server) == parts | shared
    client = redis_server.client()
    try:
        assert client.get("t:snap:wip:current") == v.encode()
        stamp = snaps[0].snapshot_time.isoformat()
        assert client.get("t:snap:wip:time") == f"{v} {stamp}".encode()
        for key in parts | shared:
            assert LIFETIME_MS - 500 < client.pttl(key) <= LIFETIME_MS
    finally:
        client.close()


def test_another_store_reads_the_same_snapshot(
    make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    writer, reader = make_store(), make_store()
    assert reader.current("wip") is None
    writer.publish(snaps[0])
    got = reader.current("wip")
    assert got == snaps[0] and got is not snaps[0]
    assert got.etag == snaps[0].etag and got.describe() == snaps[0].describe()
    assert_consistent(got)


def test_an_unchanged_pointer_costs_one_mget_of_two_keys_and_no_body(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    writer, reader = make_store(), make_store()
    writer.publish(snaps[0])
    first = reader.current("wip")
    client = redis_server.client()
    try:
        client.config_resetstat()
        assert all(reader.current("wip") is first for _ in range(5))
        stats = client.info("commandstats")
        hits = client.info("stats")["keyspace_hits"]
    finally:
        client.close()
    assert stats["cmdstat_mget"]["calls"] == 5 and "cmdstat_get" not in stats
    assert hits == 10  # the pointer and the confirmed time, never a part


def test_readers_never_see_a_torn_or_mixed_version(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    writer = make_store(grace_ms=0)  # old versions are unlinked at once
    readers = [make_store() for _ in range(4)]
    done = threading.Event()
    seen: list[set[str]] = [set() for _ in readers]
    errors: list[BaseException] = []

    def read(i: int) -> None:
        try:
            while not done.is_set():
                snap = readers[i].current("wip")
                if snap is not None:
                    assert_consistent(snap)
                    seen[i].add(snap.version)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(readers))]
    for t in threads:
        t.start()
    for _ in range(3):
        for snap in snaps:
            writer.publish(snap)
    done.set()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(len(s) > 1 for s in seen)  # the readers followed the versions
    assert all(r.current("wip") == snaps[-1] for r in readers)
    last = snaps[-1].version
    assert keys_of(redis_server) <= {f"t:snap:wip:{last}:{p}" for p in PARTS} | {
        "t:snap:wip:current",
        "t:snap:wip:time",
        "t:snap:wip:retired",
    }


def test_old_versions_are_unlinked_after_the_grace_period(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    wall = FakeClock()
    store = make_store(wall=wall)  # grace = one interval = 1 s
    v0, v1, v2 = (s.version for s in snaps[:3])
    store.publish(snaps[0])
    wall.advance(0.5)
    store.publish(snaps[1])  # v0 retired at 0.5
    wall.advance(0.9)
    store.publish(snaps[2])  # v0 retired 0.9 s ago: kept; v1 retired now
    assert {f"t:snap:wip:{v}:body" for v in (v0, v1, v2)} <= keys_of(redis_server)
    wall.advance(0.2)
    store.publish(snaps[2])  # v0 retired 1.1 s ago: unlinked; republishing v2 retires nothing
    left = keys_of(redis_server)
    assert not any(v0 in k for k in left)
    assert {f"t:snap:wip:{v}:body" for v in (v1, v2)} <= left


def test_a_reader_keeps_its_copy_when_the_named_version_is_gone(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    writer, reader = make_store(), make_store()
    writer.publish(snaps[0])
    assert reader.current("wip") == snaps[0]
    writer.publish(snaps[1])
    client = redis_server.client()
    try:
        client.delete(f"t:snap:wip:{snaps[1].version}:detail")
    finally:
        client.close()
    assert reader.current("wip") == snaps[0]
    assert make_store().current("wip") is None  # nothing to keep serving: nothing torn either


def test_renew_extends_every_key_of_the_current_version(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    store = make_store()
    store.publish(snaps[0])
    client = redis_server.client()
    try:
        keys = [k for k in keys_of(redis_server) if not k.endswith(":retired")]
        for key in keys:
            client.pexpire(key, 50)
        store.renew("wip")
        assert all(LIFETIME_MS - 500 < client.pttl(k) <= LIFETIME_MS for k in keys)
        assert client.get("t:snap:wip:current") == snaps[0].version.encode()
    finally:
        client.close()


def test_keys_live_while_renewed_and_expire_without(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    store = make_store(interval_s=0.05)  # lifetime 200 ms: real Redis expiry is the subject
    store.publish(snaps[0])
    started = time.monotonic()
    while time.monotonic() - started < 0.6:  # three lifetimes
        time.sleep(0.05)
        store.renew("wip")
        assert make_store().current("wip") == snaps[0]
    deadline = time.monotonic() + 2
    while keys_of(redis_server) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert keys_of(redis_server) == set()
    assert store.current("wip") == snaps[0]  # the in-process copy keeps serving


def test_renew_republishes_the_in_process_copy_when_redis_lost_it(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    store = make_store()
    store.publish(snaps[0])
    redis_server.stop()
    redis_server.start()  # no persistence: an empty Redis
    store.renew("wip")  # the pool replaces its connection to the old server
    assert store.link.healthy
    assert make_store().current("wip") == snaps[0]


def test_redis_down_degrades_to_the_process_and_rejoins_without_restart(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    clock = FakeClock()
    writer, reader = make_store(clock=clock), make_store(clock=clock)
    writer.publish(snaps[0])
    assert reader.current("wip") == snaps[0]
    redis_server.stop()
    for call in (
        lambda: writer.publish(snaps[1]),
        lambda: writer.renew("wip"),
        lambda: reader.current("wip"),
        lambda: writer.current("wip"),
        lambda: reader.try_lead("wip"),
    ):
        started = time.monotonic()
        call()
        assert time.monotonic() - started < SLOW_S
    assert writer.current("wip") == snaps[1]  # serves what it built
    assert reader.current("wip") == snaps[0]  # serves what it had
    assert writer.try_lead("wip") and reader.try_lead("wip")  # each refreshes on its own
    assert not writer.link.healthy and writer.link.last_error
    redis_server.start()
    writer.publish(snaps[2])  # still inside the backoff window: not in Redis yet
    clock.advance(writer.link.backoff_cap_s)
    assert reader.current("wip") == snaps[0]
    writer.publish(snaps[3])
    assert reader.current("wip") == snaps[3]
    assert make_store().current("wip") == snaps[3]
    assert writer.link.healthy and reader.link.healthy


def test_a_frozen_redis_never_blocks_longer_than_the_socket_timeout(
    redis_server: RedisServer, make_store: Callable[..., RedisStore], snaps: list[Snapshot]
) -> None:
    clock = FakeClock()
    store = make_store(clock=clock)
    store.publish(snaps[0])
    redis_server.freeze()
    calls: list[Callable[[], object]] = [
        lambda: store.current("wip"),
        lambda: store.publish(snaps[1]),
        lambda: store.renew("wip"),
        lambda: store.try_lead("wip"),
    ]
    for call in calls:
        clock.advance(store.link.backoff_cap_s)  # let each call probe the frozen server
        started = time.monotonic()
        call()
        assert time.monotonic() - started < SLOW_S
    assert store.current("wip") == snaps[1]
    redis_server.thaw()
    clock.advance(store.link.backoff_cap_s)
    store.publish(snaps[2])
    assert make_store().current("wip") == snaps[2]


@pytest.fixture()
def services_pair(redis_server: RedisServer) -> Iterator[tuple[Services, Services]]:
    settings = Settings(
        env="test", redis_url=redis_server.url, redis_prefix="svc", refresh_wip_s=5.0
    )
    pair = (
        build_services(settings, source=TableSource()),
        build_services(settings, source=TableSource()),
    )
    yield pair
    for svc in pair:
        svc.close()


def test_two_workers_with_redis_url_share_one_refresh_and_count_cluster_wide(
    services_pair: tuple[Services, Services],
) -> None:
    first, second = services_pair
    assert isinstance(first.store, RedisStore)
    assert first.refresh_all() == {"wip": "built", "resource": "built"}
    assert second.refresh_all() == {"wip": "follower", "resource": "follower"}
    assert second.store.current("wip") == first.store.current("wip")
    sent = {n: r.state.source_queries for n, r in first.refreshers.items()}
    text = render_metrics(second)
    for name, n in sent.items():
        assert f'mes_source_queries_total{{dataset="{name}"}} {n}' in text
        assert f'mes_source_queries_process_total{{dataset="{name}"}} 0' in text
    assert "mes_redis_up 1" in text
    status = first.redis_status()
    assert status["configured"] and status["healthy"] and status["leading"] == ["resource", "wip"]
    assert status["lifetime_ms"] == {"wip": 20_000, "resource": 120_000}
    assert status["lock_ttl_ms"] == {"wip": 10_000, "resource": 60_000}
    assert second.redis_status()["leading"] == []
    # the source did not change: neither version moves (resource rebuilt, same content)
    assert first.refresh_all() == {"wip": "unchanged", "resource": "unchanged"}


def test_create_app_with_redis_url_serves_the_shared_snapshot(
    services_pair: tuple[Services, Services],
) -> None:
    first, second = services_pair
    first.refresh_all()
    second.refresh_all()
    apps: list[Flask] = [create_app(s.settings, s, start_background=False) for s in services_pair]
    etags = {app.test_client().get("/api/v1/datasets/wip").headers["ETag"] for app in apps}
    assert etags == {f'"{first.store.current("wip").version}"'}  # type: ignore[union-attr]
