"""Fixed-window request budgets per client and route class, shared by every worker through
Redis: `INCR {prefix}:rl:{class}:{client}:{window}` with the window's lifetime. Without Redis
(or while it fails) each process keeps its own counts, so the budget is per process then.

A request is checked before it runs (`remaining`) and charged after it succeeded (`charge`), so
a 304 revalidation or a failed request costs nothing.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import redis

from mes_dashboard.cluster.redis_link import RedisLink


@dataclass(frozen=True)
class Verdict:
    """Whether a request may run, and the seconds left in the current window."""

    allowed: bool
    retry_after_s: float


class RateLimiter:
    """Budgets per (route class, client) per fixed window of `window_s` seconds."""

    def __init__(
        self,
        limits: Mapping[str, int],
        window_s: int,
        link: RedisLink | None = None,
        prefix: str = "mes",
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.limits = dict(limits)
        self.window_s = window_s
        self.link = link
        self.prefix = prefix
        self.wall = wall
        self._mutex = threading.Lock()
        self._local: dict[str, int] = {}
        self._local_window = -1

    def key(self, route_class: str, client: str, window: int) -> str:
        """The counter key of one client's class in one window."""
        return f"{self.prefix}:rl:{route_class}:{client}:{window}"

    def check(self, route_class: str, client: str) -> Verdict:
        """Allowed while the client's count in this window is under the class's limit."""
        limit = self.limits.get(route_class, 0)
        now = self.wall()
        window = math.floor(now / self.window_s)
        left = (window + 1) * self.window_s - now
        if limit <= 0:
            return Verdict(True, left)
        return Verdict(self._count(self.key(route_class, client, window), window) < limit, left)

    def charge(self, route_class: str, client: str) -> None:
        """Count one served request."""
        if self.limits.get(route_class, 0) <= 0:
            return
        window = math.floor(self.wall() / self.window_s)
        key = self.key(route_class, client, window)
        ttl_ms = self.window_s * 2000
        shared = None
        if self.link is not None:
            shared = self.link.run(lambda c: self._incr(c, key, ttl_ms), None)
        if shared is None:
            with self._mutex:
                self._roll(window)
                self._local[key] = self._local.get(key, 0) + 1

    @staticmethod
    def _incr(client: redis.Redis, key: str, ttl_ms: int) -> int:
        pipe = client.pipeline(transaction=True)
        pipe.incr(key)
        pipe.pexpire(key, ttl_ms)
        count, _ = pipe.execute()
        return int(count)

    def _count(self, key: str, window: int) -> int:
        raw = None if self.link is None else self.link.run(lambda c: (True, c.get(key)), None)
        if raw is not None:
            return 0 if raw[1] is None else int(raw[1])
        with self._mutex:
            self._roll(window)
            return self._local.get(key, 0)

    def _roll(self, window: int) -> None:
        if window != self._local_window:
            self._local.clear()
            self._local_window = window
