"""The Redis connection every Redis-backed component shares, behind a small circuit breaker.

Bound on one call: the client retries only `ConnectionError` (a pooled connection reset by a
restarted server fails fast), once, after a jittered backoff of at most `RETRY_BACKOFF_CAP_S`;
a timeout is never retried. So a call waits at most about max(socket, connect timeout) + 50 ms
(strictly: socket + connect timeout + 50 ms, for a reset after a long read followed by a connect
that times out). After a failure the circuit (`resilience/breaker.py`) skips Redis for a backoff
window that doubles per failure up to `backoff_cap_s`; then one probe call at a time may try again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from mes_dashboard.config import Settings
from mes_dashboard.resilience.breaker import Breaker

T = TypeVar("T")
RETRIES = 1
RETRY_BACKOFF_BASE_S = 0.01
RETRY_BACKOFF_CAP_S = 0.05
HEALTH_CHECK_INTERVAL_S = 15


def make_client(settings: Settings) -> redis.Redis:
    """A client with the configured timeouts and a retry bounded as the module docstring says."""
    retry = Retry(
        ExponentialWithJitterBackoff(cap=RETRY_BACKOFF_CAP_S, base=RETRY_BACKOFF_BASE_S),
        RETRIES,
        supported_errors=(redis.ConnectionError,),
    )
    return redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_socket_timeout_s,
        socket_connect_timeout=settings.redis_connect_timeout_s,
        retry=retry,
        health_check_interval=HEALTH_CHECK_INTERVAL_S,
    )


class RedisLink:
    """Runs Redis operations; on failure returns the caller's fallback and opens the circuit."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        backoff_s: float = 0.5,
        backoff_cap_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.breaker = Breaker(
            "redis", backoff_s=backoff_s, backoff_cap_s=backoff_cap_s, clock=clock
        )

    @property
    def backoff_s(self) -> float:
        """The first open window after a failure."""
        return self.breaker.backoff_s

    @property
    def backoff_cap_s(self) -> float:
        """The longest open window."""
        return self.breaker.backoff_cap_s

    @property
    def healthy(self) -> bool:
        """False from a failed call until the next successful one."""
        return self.breaker.healthy

    @property
    def last_error(self) -> str:
        """The last Redis failure, as `Type: message`."""
        return self.breaker.last_error

    def run(self, op: Callable[[redis.Redis], T], fallback: T) -> T:
        """`op(client)`, or `fallback` when the circuit is open or Redis fails."""
        if not self.breaker.allow():
            return fallback
        try:
            result = op(self.client)
        except (redis.RedisError, OSError) as exc:
            self.breaker.fail(exc)
            return fallback
        except BaseException:
            self.breaker.release_probe()  # not a Redis failure: free the probe slot, then raise
            raise
        self.breaker.succeed()
        return result

    def status(self) -> dict[str, Any]:
        """Health of the link without touching Redis (for /health/deep and /metrics)."""
        kwargs = self.client.connection_pool.connection_kwargs
        return self.breaker.status() | {
            "socket_timeout_s": kwargs.get("socket_timeout"),
            "socket_connect_timeout_s": kwargs.get("socket_connect_timeout"),
            "retries": RETRIES,
            "health_check_interval_s": kwargs.get("health_check_interval"),
        }

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()
