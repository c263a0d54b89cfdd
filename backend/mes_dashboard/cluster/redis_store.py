"""Snapshots shared through Redis: versioned keys, an atomic pointer swap, an in-process copy.

Keys (`p` = prefix, `d` = dataset, `v` = version):
    p:snap:d:v:<part>   meta (JSON, lists the parts), body, body.<encoding>, detail, detail_lists
    p:snap:d:current    the current version
    p:snap:d:time       "<version> <ISO time>": the last time the source confirmed the current
                        version's content (read with the pointer; headers and ages use it)
    p:snap:d:bases      list, newest first: versions whose row fingerprints are retained
    p:snap:d:fp:v       the row fingerprint of version v (snapshots/delta.py)
    p:snap:d:delta:a:v:<part>  the delta a -> v: meta (JSON; `kept` false when too large),
                        body, body.<encoding>
    p:snap:d:retired    sorted set: superseded version -> time it was superseded (ms)
    p:snap:d:degraded   the leader's degraded state (JSON, snapshots/degraded.py), deleted on a
                        successful refresh; lives as long as the snapshot keys
    p:lock:d            the leader lock (leader_lock.py)

Publish is one MULTI/EXEC: every part of the new version, then the pointer swap, which retires
the previous version and UNLINKs versions retired longer than the grace period. Every key gets
the dataset's lifetime (>= 2 x refresh interval), renewed by `renew`, `confirm` and on publish
(the retained fingerprints and the deltas to the current version with it). Readers MGET the
pointer and the confirmed time and load the parts (one MGET of one version's keys) only when the
pointer moved; when the parts are gone or Redis fails they keep serving the in-process copy.
Retirement times come from the publisher's wall clock, so hosts' clock skew must stay well below
the grace period.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import redis

from mes_dashboard.cluster.leader_lock import LeaderLock
from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.snapshots.degraded import Degraded
from mes_dashboard.snapshots.delta import Delta
from mes_dashboard.snapshots.parts import (
    DELTA_PARTS,
    PARTS,
    delta_from_parts,
    delta_to_parts,
    from_parts,
    to_parts,
)
from mes_dashboard.snapshots.snapshot import Snapshot
from mes_dashboard.snapshots.store import Lease, confirmed_or_own

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


# KEYS: pointer, time; ARGV: version, time value, ttl_ms. Sets the time of the current version.
CONFIRM = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
"""
# KEYS: pointer, bases, time; ARGV: key prefix, ttl_ms, delta parts... Extends the retained
# fingerprints and the deltas to the current version.
KEEP = """
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
for _, a in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  redis.call('PEXPIRE', ARGV[1] .. 'fp:' .. a, ARGV[2])
  for i = 3, #ARGV do
    redis.call('PEXPIRE', ARGV[1] .. 'delta:' .. a .. ':' .. v .. ':' .. ARGV[i], ARGV[2])
  end
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1
"""
# KEYS: bases; ARGV: version, retain, ttl_ms, key prefix. Puts the version first and UNLINKs the
# fingerprints that fall off the list.
RETAIN = """
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('LPUSH', KEYS[1], ARGV[1])
for _, v in ipairs(redis.call('LRANGE', KEYS[1], tonumber(ARGV[2]) + 1, -1)) do
  redis.call('UNLINK', ARGV[4] .. 'fp:' .. v)
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


def _text(raw: bytes | str | None) -> str | None:
    return raw.decode() if isinstance(raw, bytes) else raw


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
        self._confirm = link.client.register_script(CONFIRM)
        self._keep = link.client.register_script(KEEP)
        self._retain = link.client.register_script(RETAIN)
        self._mutex = threading.Lock()
        self._local: dict[str, Snapshot] = {}
        self._local_degraded: dict[str, Degraded] = {}
        self._confirmed: dict[str, tuple[str, datetime]] = {}
        self._fingerprints: dict[str, dict[str, bytes]] = {}
        self._deltas: dict[str, dict[tuple[str, str], Delta | None]] = {}
        self._loading = {name: threading.Lock() for name in self.lifetime_ms}

    def _base(self, dataset: str) -> str:
        return f"{self.prefix}:snap:{dataset}:"

    def current_key(self, dataset: str) -> str:
        """The pointer key of a dataset."""
        return self._base(dataset) + "current"

    def part_key(self, dataset: str, version: str, part: str) -> str:
        """The key of one part of one version."""
        return f"{self._base(dataset)}{version}:{part}"

    def time_key(self, dataset: str) -> str:
        """The key of the current version's confirmed time."""
        return self._base(dataset) + "time"

    def bases_key(self, dataset: str) -> str:
        """The list of versions with a retained fingerprint."""
        return self._base(dataset) + "bases"

    def fingerprint_key(self, dataset: str, version: str) -> str:
        """The key of a version's row fingerprint."""
        return f"{self._base(dataset)}fp:{version}"

    def delta_key(self, dataset: str, base: str, version: str, part: str) -> str:
        """The key of one part of the delta base -> version."""
        return f"{self._base(dataset)}delta:{base}:{version}:{part}"

    def current(self, dataset: str) -> Snapshot | None:
        """The shared current snapshot; the in-process copy when Redis cannot tell."""
        local = self._local.get(dataset)
        keys = [self.current_key(dataset), self.time_key(dataset)]
        values = self.link.run(lambda c: c.mget(keys), None)
        version = None if values is None else _text(values[0])
        if values is None or version is None:
            return local
        self._note_confirmed(dataset, _text(values[1]))
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

    def _note_confirmed(self, dataset: str, value: str | None) -> None:
        version, _, stamp = (value or "").partition(" ")
        if version and stamp:
            self._confirmed[dataset] = (version, datetime.fromisoformat(stamp))

    def confirmed_time(self, snapshot: Snapshot) -> datetime:
        """The confirmed time of `snapshot`'s version as last read with the pointer."""
        return confirmed_or_own(self._confirmed.get(snapshot.dataset), snapshot)

    def publish(self, snapshot: Snapshot) -> None:
        """Serve `snapshot` here at once; share it through Redis when Redis answers."""
        with self._mutex:
            self._local[snapshot.dataset] = snapshot
            self._confirmed.pop(snapshot.dataset, None)
        self.link.run(lambda c: self._write(c, snapshot), None)

    def _write(self, client: redis.Redis, snap: Snapshot) -> None:
        ds, ttl = snap.dataset, self.lifetime_ms[snap.dataset]
        pipe = client.pipeline(transaction=True)
        for part, data in to_parts(snap).items():
            pipe.set(self.part_key(ds, snap.version, part), data, px=ttl)
        stamp = self.confirmed_time(snap).isoformat()
        pipe.set(self.time_key(ds), f"{snap.version} {stamp}", px=ttl)
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
        keep_keys = [self.current_key(dataset), self.bases_key(dataset), self.time_key(dataset)]
        keep_args: list[str | int] = [self._base(dataset), self.lifetime_ms[dataset], *DELTA_PARTS]
        self.link.run(lambda c: self._keep(keep_keys, keep_args, c), None)

    def confirm(self, dataset: str, version: str, snapshot_time: datetime) -> None:
        """Share the confirmed time of the current version and extend its keys."""
        with self._mutex:
            local = self._local.get(dataset)
            if local is not None and local.version == version:
                self._confirmed[dataset] = (version, snapshot_time)
        keys = [self.current_key(dataset), self.time_key(dataset)]
        value = f"{version} {snapshot_time.isoformat()}"
        args: list[str | int] = [version, value, self.lifetime_ms[dataset]]
        self.link.run(lambda c: self._confirm(keys, args, c), None)
        self.renew(dataset)

    def bases(self, dataset: str) -> list[str]:
        """The shared list of versions with a retained fingerprint (this process's copy when
        Redis cannot tell)."""
        raw = self.link.run(lambda c: c.lrange(self.bases_key(dataset), 0, -1), None)
        if raw is None:
            return list(self._fingerprints.get(dataset, {}))
        return [v for v in (_text(r) for r in raw) if v]

    def fingerprint(self, dataset: str, version: str) -> bytes | None:
        """A retained fingerprint: the in-process copy, else Redis (kept in process after)."""
        local = self._fingerprints.get(dataset, {}).get(version)
        if local is not None:
            return local
        raw = self.link.run(lambda c: c.get(self.fingerprint_key(dataset, version)), None)
        if not isinstance(raw, bytes):
            return None
        with self._mutex:
            self._fingerprints.setdefault(dataset, {})[version] = raw
        return raw

    def keep_deltas(
        self,
        dataset: str,
        version: str,
        fingerprint: bytes,
        deltas: Mapping[str, Delta | None],
        retain: int,
    ) -> None:
        """Serve the deltas here at once and share them, with the fingerprint, through Redis."""
        with self._mutex:
            kept = self._fingerprints.get(dataset, {})
            older = [(v, fp) for v, fp in kept.items() if v != version]
            self._fingerprints[dataset] = dict([(version, fingerprint), *older[:retain]])
            self._deltas[dataset] = {(base, version): d for base, d in deltas.items()}
        self.link.run(
            lambda c: self._write_deltas(c, dataset, version, fingerprint, deltas, retain), None
        )

    def _write_deltas(
        self,
        client: redis.Redis,
        dataset: str,
        version: str,
        fingerprint: bytes,
        deltas: Mapping[str, Delta | None],
        retain: int,
    ) -> None:
        ttl = self.lifetime_ms[dataset]
        pipe = client.pipeline(transaction=True)
        pipe.set(self.fingerprint_key(dataset, version), fingerprint, px=ttl)
        for base, delta in deltas.items():
            for part, data in delta_to_parts(delta, base, version).items():
                pipe.set(self.delta_key(dataset, base, version, part), data, px=ttl)
        args: list[str | int] = [version, retain, ttl, self._base(dataset)]
        self._retain([self.bases_key(dataset)], args, pipe)
        pipe.execute()

    def delta(self, dataset: str, base: str, version: str) -> Delta | None:
        """The delta base -> version: the in-process copy, else Redis (kept in process after)."""
        cached = self._deltas.get(dataset, {})
        if (base, version) in cached:
            return cached[(base, version)]
        keys = [self.delta_key(dataset, base, version, p) for p in DELTA_PARTS]
        values = self.link.run(lambda c: c.mget(keys), None)
        if values is None:
            return None
        got = [v if isinstance(v, bytes) else None for v in values]
        known, delta = delta_from_parts(dict(zip(DELTA_PARTS, got, strict=True)), base, version)
        if known:
            with self._mutex:
                same = {k: d for k, d in self._deltas.get(dataset, {}).items() if k[1] == version}
                self._deltas[dataset] = same | {(base, version): delta}
        return delta

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
