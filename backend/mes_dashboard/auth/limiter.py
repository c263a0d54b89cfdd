"""Sign-in limiter: at most N failures per window per key (user name, client address).

Failures are kept as timestamps in a Redis sorted set per key when a link is given (shared by
every worker and host); in process otherwise, and whenever Redis does not answer.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from typing import Any

from mes_dashboard.cluster.redis_link import RedisLink


class SignInLimiter:
    """Counts failed sign-ins per key over a sliding window."""

    def __init__(
        self,
        max_failures: int,
        window_s: float,
        *,
        link: RedisLink | None = None,
        prefix: str = "mes",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.link = link
        self.prefix = prefix
        self.clock = clock
        self._local: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _key(self, key: str) -> str:
        return f"{self.prefix}:signin:{key}"

    def _local_failures(self, key: str, now: float) -> list[float]:
        with self._lock:
            stamps = self._local[key]
            while stamps and stamps[0] <= now - self.window_s:
                stamps.popleft()
            return list(stamps)

    def _redis_failures(self, key: str, now: float) -> list[float] | None:
        if self.link is None:
            return None

        def op(client: Any) -> list[float]:
            pipe = client.pipeline()
            pipe.zremrangebyscore(self._key(key), "-inf", now - self.window_s)
            pipe.zrange(self._key(key), 0, -1, withscores=True)
            return [float(score) for _, score in pipe.execute()[1]]

        result: list[float] | None = self.link.run(op, None)
        return result

    def retry_after(self, keys: Iterable[str]) -> float | None:
        """Seconds until the first key that is over the limit frees up, or None when allowed."""
        now = self.clock()
        waits = []
        for key in keys:
            stamps = self._redis_failures(key, now)
            if stamps is None:
                stamps = self._local_failures(key, now)
            if len(stamps) >= self.max_failures:
                oldest = sorted(stamps)[-self.max_failures]
                waits.append(oldest + self.window_s - now)
        return max(waits) if waits else None

    def record_failure(self, keys: Iterable[str]) -> None:
        """Count one failure for each key."""
        now = self.clock()
        for key in keys:
            with self._lock:
                self._local[key].append(now)
            if self.link is not None:
                name, member = self._key(key), f"{now}:{uuid.uuid4().hex}"

                def op(client: Any, name: str = name, member: str = member) -> bool:
                    pipe = client.pipeline()
                    pipe.zadd(name, {member: now})
                    pipe.expire(name, int(self.window_s) + 1)
                    pipe.execute()
                    return True

                self.link.run(op, False)

    def reset(self, keys: Iterable[str]) -> None:
        """Forget the failures of each key (after a successful sign-in)."""
        for key in keys:
            with self._lock:
                self._local.pop(key, None)
            if self.link is not None:
                name = self._key(key)

                def op(client: Any, name: str = name) -> int:
                    return int(client.delete(name))

                self.link.run(op, 0)
