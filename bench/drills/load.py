"""Steady load: client threads each sending one request at a time on a fresh connection."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

PATHS = ("/api/v1/datasets/resource", "/health/ready", "/api/v1/datasets/wip", "/api/v1/datasets")


@dataclass
class SteadyLoad:
    """`clients` threads cycling over PATHS until stopped; counts answers and failures."""

    url: str
    clients: int = 4
    timeout_s: float = 15.0
    ok: int = 0
    failed: list[str] = field(default_factory=list)
    in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> SteadyLoad:
        for n in range(self.clients):
            t = threading.Thread(target=self._client, args=(n,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(self.timeout_s + 5)

    def snapshot_in_flight(self) -> int:
        """Requests sent and not yet answered, now."""
        with self._lock:
            return self.in_flight

    def _client(self, n: int) -> None:
        i = n
        while not self._stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            with self._lock:
                self.in_flight += 1
            outcome = self._one(path)
            with self._lock:
                self.in_flight -= 1
                if outcome:
                    self.failed.append(f"{time.time():.3f} {path} {outcome}")
                else:
                    self.ok += 1

    def _one(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.url + path, timeout=self.timeout_s) as resp:
                resp.read()
                return "" if resp.status == 200 else f"HTTP {resp.status}"
        except urllib.error.HTTPError as err:
            return f"HTTP {err.code}"
        except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
            return f"{type(err).__name__}: {getattr(err, 'reason', err)}"
