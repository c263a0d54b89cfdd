"""Leader lock per dataset in Redis: `SET key token NX PX ttl`, extend and release by owner only.

The holder extends the lock on every refresh; its TTL is longer than the refresh interval, so
the holder keeps it across cycles and a follower takes over once a dead holder's TTL lapses.
During a refresh `kept` extends it every third of its TTL from a thread, so a refresh slower than
the TTL never lets a second worker lead; when the extension finds another owner the lease is lost
and the refresh does not publish.
While Redis is unreachable `try_lead` answers True: every worker refreshes on its own.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import redis

from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.snapshots.store import Lease

KEEP_FRACTION = 1 / 3

# compare-and-set: only the token that owns the lock may extend or delete it
EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def new_token() -> str:
    """A token unique to this process and lock instance."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"


class LeaderLock:
    """One lock per dataset, `{prefix}:lock:{dataset}`, held under this instance's token."""

    def __init__(
        self,
        link: RedisLink,
        prefix: str,
        ttl_ms: Mapping[str, int],
        token: str | None = None,
    ) -> None:
        self.link = link
        self.prefix = prefix
        self.ttl_ms = dict(ttl_ms)
        self.token = token or new_token()
        self._extend = link.client.register_script(EXTEND)
        self._release = link.client.register_script(RELEASE)
        self._held: set[str] = set()
        self._mutex = threading.Lock()

    def key(self, dataset: str) -> str:
        """The lock key of a dataset."""
        return f"{self.prefix}:lock:{dataset}"

    def try_lead(self, dataset: str) -> bool:
        """True when this instance holds (and extended) or just took the lock, or Redis fails."""
        result = self.link.run(lambda c: self._lead(c, dataset), None)
        with self._mutex:
            if result is True:
                self._held.add(dataset)
            elif result is False:
                self._held.discard(dataset)
        return result is not False

    def _lead(self, client: redis.Redis, dataset: str) -> bool:
        ttl = self.ttl_ms[dataset]
        if dataset in self._held and self._extend([self.key(dataset)], [self.token, ttl], client):
            return True
        return bool(client.set(self.key(dataset), self.token, nx=True, px=ttl))

    def extend(self, dataset: str) -> bool:
        """Extend the lock if this instance owns it; False otherwise or when Redis fails."""
        ttl = self.ttl_ms[dataset]
        return bool(
            self.link.run(lambda c: self._extend([self.key(dataset)], [self.token, ttl], c), 0)
        )

    @contextmanager
    def kept(self, dataset: str) -> Iterator[Lease]:
        """Extend the lock every third of its TTL while the block runs."""
        lease, stop = Lease(), threading.Event()
        period = self.ttl_ms[dataset] / 1000 * KEEP_FRACTION
        keeper = threading.Thread(
            target=self._keep, args=(dataset, lease, stop, period), name=f"lead-{dataset}"
        )
        keeper.daemon = True
        keeper.start()
        try:
            yield lease
        finally:
            stop.set()
            keeper.join()

    def _keep(self, dataset: str, lease: Lease, stop: threading.Event, period: float) -> None:
        ttl = self.ttl_ms[dataset]
        while not stop.wait(period):
            owned = self.link.run(
                lambda c: self._extend([self.key(dataset)], [self.token, ttl], c), None
            )
            if owned == 0:  # Redis answered: someone else holds it (None: Redis did not answer)
                lease.lost = True
                with self._mutex:
                    self._held.discard(dataset)
                return

    def release(self, dataset: str) -> bool:
        """Delete the lock if this instance owns it; False otherwise or when Redis fails."""
        with self._mutex:
            self._held.discard(dataset)
        return bool(self.link.run(lambda c: self._release([self.key(dataset)], [self.token], c), 0))

    def release_all(self) -> None:
        """Release every lock this instance believes it holds (at shutdown)."""
        with self._mutex:
            held = list(self._held)
        for dataset in held:
            self.release(dataset)

    def held(self) -> list[str]:
        """Datasets whose lock this instance took or extended on its last try (no Redis call)."""
        with self._mutex:
            return sorted(self._held)

    def holder(self, dataset: str) -> str | None:
        """The token holding a dataset's lock, or None (also when Redis fails)."""
        raw = self.link.run(lambda c: c.get(self.key(dataset)), None)
        return raw.decode() if isinstance(raw, bytes) else raw
