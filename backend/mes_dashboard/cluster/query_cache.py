"""Cache-aside for query-backed datasets, with one load per miss across threads, workers and hosts.

    get_or_load(dataset, key, load)
     ├── in-process copy, fresh           -> return it
     ├── another thread here is loading   -> wait for its outcome
     └── this thread leads in the process:
          ├── no Redis (or Redis failing) -> load()
          └── Redis: poll `result` until the deadline:
               ├── result present         -> take it
               ├── error marker present   -> raise the leader's ApiError (short-lived)
               └── SET lock NX PX won     -> load(), SET result PX ttl, release the lock

Keys: `{prefix}:query:{dataset}:{key}` plus `:lock` and `:error`. The lock outlives the worst
load (pool wait + call timeout + build), so a crashed leader only delays its waiters.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import redis

from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.errors import ApiError

POLL_S = 0.05
ERROR_TTL_MS = 2000
LOCAL_ENTRIES = 16
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_MISSING = object()


class QueryCache:
    """Results as bytes per (dataset, key) with a TTL; one loader per miss cluster-wide."""

    def __init__(
        self,
        link: RedisLink | None,
        prefix: str,
        ttl_s: float,
        load_timeout_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.link = link
        self.prefix = prefix
        self.ttl_s = ttl_s
        self.load_timeout_s = load_timeout_s
        self.clock = clock
        self._lock = threading.Lock()
        self._local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._flights: dict[str, Future[bytes]] = {}

    def key(self, dataset: str, key: str) -> str:
        """The Redis key of one result."""
        return f"{self.prefix}:query:{dataset}:{key}"

    def get_or_load(self, dataset: str, key: str, load: Callable[[], bytes]) -> bytes:
        """The cached result, else the one load of it (this call's or another's)."""
        name = self.key(dataset, key)
        with self._lock:
            hit = self._local.get(name)
            if hit is not None and hit[0] > self.clock():
                self._local.move_to_end(name)
                return hit[1]
            flight = self._flights.get(name)
            leader = flight is None
            if flight is None:
                flight = self._flights[name] = Future()
        if not leader:
            return flight.result(timeout=self._wait_s())
        try:
            value = self._shared(name, load) if self.link is not None else load()
        except BaseException as exc:
            flight.set_exception(exc)
            raise
        finally:
            with self._lock:
                self._flights.pop(name, None)
        with self._lock:
            self._local[name] = (self.clock() + self.ttl_s, value)
            while len(self._local) > LOCAL_ENTRIES:
                self._local.popitem(last=False)
        flight.set_result(value)
        return value

    def _wait_s(self) -> float:
        return self.load_timeout_s + 1.0

    def _shared(self, name: str, load: Callable[[], bytes]) -> bytes:
        assert self.link is not None
        link = self.link
        token = uuid.uuid4().hex
        deadline = self.clock() + self._wait_s()
        lock_ms = int(self.load_timeout_s * 1000)
        while True:
            found = link.run(lambda c: c.get(name), _MISSING)
            if found is _MISSING:  # Redis is failing: load here, without sharing
                return load()
            if isinstance(found, bytes):
                return found
            error = link.run(lambda c: c.get(f"{name}:error"), None)
            if isinstance(error, bytes):
                raise _decode_error(error)
            won = link.run(lambda c: c.set(f"{name}:lock", token, nx=True, px=lock_ms), None)
            if won:
                again = link.run(lambda c: c.get(name), None)  # finished between GET and SET
                if isinstance(again, bytes):
                    link.run(lambda c: _release(c, f"{name}:lock", token), None)
                    return again
                return self._lead(link, name, token, load)
            if self.clock() > deadline:
                raise ApiError(
                    "DB_TIMEOUT", "the shared query did not finish in time", retry_after=1
                )
            time.sleep(POLL_S)

    def _lead(self, link: RedisLink, name: str, token: str, load: Callable[[], bytes]) -> bytes:
        lock = f"{name}:lock"
        try:
            value = load()
        except ApiError as exc:
            marker = _encode_error(exc)
            link.run(lambda c: c.set(f"{name}:error", marker, px=ERROR_TTL_MS), None)
            link.run(lambda c: _release(c, lock, token), None)
            raise
        except BaseException:
            link.run(lambda c: _release(c, lock, token), None)
            raise
        # the result first, then the lock: a waiter never sees neither
        link.run(lambda c: c.set(name, value, px=int(self.ttl_s * 1000)), None)
        link.run(lambda c: _release(c, lock, token), None)
        return value


def _release(client: redis.Redis, key: str, token: str) -> Any:
    return client.eval(_RELEASE, 1, key, token)


def _encode_error(error: ApiError) -> str:
    return json.dumps(
        {"code": error.spec.code, "detail": error.detail, "retry_after": error.retry_after}
    )


def _decode_error(raw: bytes) -> ApiError:
    body = json.loads(raw)
    return ApiError(body["code"], body["detail"], retry_after=body["retry_after"])
