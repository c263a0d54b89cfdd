"""Snapshots shared through Redis: versioned keys, an atomic pointer swap, an in-process copy.

Keys (`p` = prefix, `d` = dataset, `v` = version):
    p:snap:d:v:<part>   meta (JSON, lists the parts), body, body.<encoding>, detail, detail_lists
    p:snap:d:current    the current version
    p:snap:d:retired    sorted set: superseded version -> time it was superseded (ms)
    p:snap:d:degraded   the leader's degraded state (JSON, snapshots/degraded.py), deleted on a
                        successful refresh; lives as long as the snapshot keys
    p:lock:d            the leader lock (leader_lock.py)

Publish is one MULTI/EXEC: every part of the new version, then the pointer swap, which retires
the previous version and UNLINKs versions retired longer than the grace period. Every key gets
the dataset's lifetime (>= 2 x refresh interval), renewed by `renew` and on publish. Readers GET
the pointer and load the parts (one MGET of one version's keys) only when it moved; when the
parts are gone or Redis fails they keep serving the in-process copy. Retirement times come from
the publisher's wall clock, so hosts' clock skew must stay well below the grace period.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import redis

from mes_dashboard.cluster.leader_lock import LeaderLock
from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.snapshots.degraded import Degraded
from mes_dashboard.snapshots.parts import PARTS, from_parts, to_parts
from mes_dashboard.snapshots.snapshot import Snapshot
from mes_dashboard.snapshots.store import Lease

# KEYS: pointer, retired; ARGV: version, now_ms, ttl_ms, grace_ms, version key prefix, parts...
SWAP = """
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
if old and old ~= ARGV[1] then redis.call('ZADD', KEYS[2], ARGV[2], old) end
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[4]))
for _, v in ipairs(gone) do
  for i = 6, #ARGV do redis.call('UNLINK', ARGV[5] .. v .. ':' .. ARGV[i]) end
  redis.call('ZREM', KEYS[2], v)
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return #gone
"""
# KEYS: pointer, retired; ARGV: version key prefix, ttl_ms. Returns the version, or nil when the
# pointer or any part of its version is gone.
RENEW = """
local v = redis.call('GET', KEYS[1])
if not v then return false end
local meta = redis.call('GET', ARGV[1] .. v .. ':meta')
if not meta then return false end
for _, part in ipairs(cjson.decode(meta)['parts']) do
  if redis.call('PEXPIRE', ARGV[1] .. v .. ':' .. part, ARGV[2]) == 0 then return false end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return v
"""


class RedisStore:
    """SnapshotStore over Redis, with the last snapshot kept in process for every failure."""

    def __init__(
        self,
        link: RedisLink,
        lock: LeaderLock,
        prefix: str,
        lifetime_ms: Mapping[str, int],
        grace_ms: Mapping[str, int],
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.link = link
        self.lock = lock
        self.prefix = prefix
        self.lifetime_ms = dict(lifetime_ms)
        self.grace_ms = dict(grace_ms)
        self._wall = wall
        self._swap = link.client.register_script(SWAP)
        self._renew = link.client.register_script(RENEW)
        self._mutex = threading.Lock()
        self._local: dict[str, Snapshot] = {}
        self._local_degraded: dict[str, Degraded] = {}
        self._loading = {name: threading.Lock() for name in self.lifetime_ms}

    def _base(self, dataset: str) -> str:
        return f"{self.prefix}:snap:{dataset}:"

    def current_key(self, dataset: str) -> str:
        """The pointer key of a dataset."""
        return self._base(dataset) + "current"

    def part_key(self, dataset: str, version: str, part: str) -> str:
        """The key of one part of one version."""
        return f"{self._base(dataset)}{version}:{part}"

    def current(self, dataset: str) -> Snapshot | None:
        """The shared current snapshot; the in-process copy when Redis cannot tell."""
        local = self._local.get(dataset)
        raw = self.link.run(lambda c: c.get(self.current_key(dataset)), None)
        if raw is None:
            return local
        version = raw.decode() if isinstance(raw, bytes) else raw
        if local is not None and local.version == version:
            return local
        return self._load(dataset, version, local)

    def _load(self, dataset: str, version: str, seen: Snapshot | None) -> Snapshot | None:
        loading = self._loading[dataset]
        if not loading.acquire(blocking=seen is None):
            return seen  # another thread is loading this version; serve the copy meanwhile
        try:
            local = self._local.get(dataset)
            if local is not None and local.version == version:
                return local
            keys = [self.part_key(dataset, version, p) for p in PARTS]
            values = self.link.run(lambda c: c.mget(keys), None)
            if values is None:
                return local
            got = [v if isinstance(v, bytes) else None for v in values]
            snap = from_parts(dict(zip(PARTS, got, strict=True)), version)
            if snap is None:
                return local  # expired or unlinked between the two reads
            with self._mutex:
                if self._local.get(dataset) is local:  # a concurrent publish here wins
                    self._local[dataset] = snap
                return self._local[dataset]
        finally:
            loading.release()

    def publish(self, snapshot: Snapshot) -> None:
        """Serve `snapshot` here at once; share it through Redis when Redis answers."""
        with self._mutex:
            self._local[snapshot.dataset] = snapshot
        self.link.run(lambda c: self._write(c, snapshot), None)

    def _write(self, client: redis.Redis, snap: Snapshot) -> None:
        ds, ttl = snap.dataset, self.lifetime_ms[snap.dataset]
        pipe = client.pipeline(transaction=True)
        for part, data in to_parts(snap).items():
            pipe.set(self.part_key(ds, snap.version, part), data, px=ttl)
        now_ms = int(self._wall() * 1000)
        args: list[str | int] = [snap.version, now_ms, ttl, self.grace_ms[ds], self._base(ds)]
        args += PARTS
        self._swap([self.current_key(ds), self._base(ds) + "retired"], args, pipe)
        pipe.execute()

    def renew(self, dataset: str) -> None:
        """Extend the current version's keys; republish the in-process copy if they are gone."""
        keys = [self.current_key(dataset), self._base(dataset) + "retired"]
        args: list[str | int] = [self._base(dataset), self.lifetime_ms[dataset]]
        missing = object()
        renewed = self.link.run(lambda c: self._renew(keys, args, c), missing)
        local = self._local.get(dataset)
        if renewed is None and local is not None:
            self.link.run(lambda c: self._write(c, local), None)

    def try_lead(self, dataset: str) -> bool:
        """True when this process holds or took the dataset's leader lock (or Redis is down)."""
        return self.lock.try_lead(dataset)

    @contextmanager
    def lease(self, dataset: str) -> Iterator[Lease]:
        """Keep the leader lock extended while the block runs (lost when another took it)."""
        with self.lock.kept(dataset) as lease:
            yield lease

    def degraded_key(self, dataset: str) -> str:
        """The key of a dataset's shared degraded state."""
        return self._base(dataset) + "degraded"

    def degraded(self, dataset: str) -> Degraded | None:
        """The shared degraded state; this process's own when Redis cannot tell."""
        local = self._local_degraded.get(dataset)
        unanswered: tuple[bool, bytes | str | None] = (False, None)
        answered, raw = self.link.run(
            lambda c: (True, c.get(self.degraded_key(dataset))), unanswered
        )
        if not answered:
            return local
        return None if raw is None else Degraded.from_json(raw)

    def set_degraded(self, dataset: str, state: Degraded | None) -> None:
        """Share the degraded state (or clear it) with the snapshot keys' lifetime."""
        with self._mutex:
            if state is None:
                self._local_degraded.pop(dataset, None)
            else:
                self._local_degraded[dataset] = state
        key, ttl = self.degraded_key(dataset), self.lifetime_ms[dataset]
        if state is None:
            self.link.run(lambda c: c.delete(key), None)
        else:
            self.link.run(lambda c: c.set(key, state.to_json(), px=ttl), None)

    def status(self) -> dict[str, Any]:
        """Link health and the lifetimes in effect, without touching Redis (for /health/deep)."""
        return self.link.status() | {
            "prefix": self.prefix,
            "leading": self.lock.held(),
            "lifetime_ms": self.lifetime_ms,
            "lock_ttl_ms": self.lock.ttl_ms,
            "grace_ms": self.grace_ms,
        }

    def close(self) -> None:
        """Release the leader locks so a follower takes over without waiting for the TTL."""
        self.lock.release_all()


LIFETIME_INTERVALS = 4.0  # snapshot keys outlive a dead leader's lock TTL plus one interval
LOCK_INTERVALS = 2.0  # the holder keeps the lock across cycles, even with a slow refresh
GRACE_INTERVALS = 1.0  # a retired version stays readable this long after the swap


def build_redis_store(
    link: RedisLink,
    prefix: str,
    intervals_s: Mapping[str, float],
    token: str | None = None,
    wall: Callable[[], float] = time.time,
) -> RedisStore:
    """A RedisStore and its leader lock with lifetimes derived from each refresh interval."""

    def scaled(factor: float) -> dict[str, int]:
        return {name: max(1, round(s * factor * 1000)) for name, s in intervals_s.items()}

    lock = LeaderLock(link, prefix, scaled(LOCK_INTERVALS), token)
    return RedisStore(link, lock, prefix, scaled(LIFETIME_INTERVALS), scaled(GRACE_INTERVALS), wall)
