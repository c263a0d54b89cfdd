"""Polling clients that record every answer: keep-alive connections like a browser's, ETags sent
back as If-None-Match, each answer attributed to the worker holding the connection."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from testkit.response_figures import Sample
from testkit.socket_owner import owner_pid

KEPT = ("X-Degraded", "X-Data-Age-Seconds", "X-Snapshot-Version", "Retry-After", "ETag")


@dataclass
class Poller:
    """`clients` threads cycling over `paths` every `period_s` until stopped; `samples` grows."""

    port: int
    paths: Sequence[str]
    workers: Callable[[], list[int]]
    clients: int = 4
    period_s: float = 0.2
    timeout_s: float = 10.0
    revalidate: bool = True
    samples: list[Sample] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Poller:
        for n in range(self.clients):
            t = threading.Thread(target=self._client, args=(n,), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(self.timeout_s + 5)

    def recorded(self) -> list[Sample]:
        """A copy of the answers so far."""
        with self._lock:
            return list(self.samples)

    def _client(self, n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout_s)
        etags: dict[str, str] = {}
        owners: dict[int, int] = {}
        i = n
        while not self._stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            sample = self._one(conn, path, etags, owners)
            with self._lock:
                self.samples.append(sample)
            self._stop.wait(self.period_s)
        conn.close()

    def _one(
        self,
        conn: http.client.HTTPConnection,
        path: str,
        etags: dict[str, str],
        owners: dict[int, int],
    ) -> Sample:
        headers = {"Accept-Encoding": "zstd, gzip"}
        if self.revalidate and path in etags:
            headers["If-None-Match"] = etags[path]
        started = time.monotonic()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            return Sample(path, started, time.monotonic(), 0)
        ended = time.monotonic()
        kept = {k: v for k in KEPT if (v := resp.getheader(k)) is not None}
        if resp.status == 200 and "ETag" in kept:
            etags[path] = kept["ETag"]
        return Sample(path, started, ended, resp.status, self._worker(conn, owners), kept)

    def _worker(self, conn: http.client.HTTPConnection, owners: dict[int, int]) -> int:
        if conn.sock is None:
            return 0
        local = conn.sock.getsockname()[1]
        if local not in owners:
            owners[local] = owner_pid(self.port, local, self.workers())
        return owners[local]
