"""A health probe with its own deadline: the check runs in a daemon thread, the caller waits at
most `timeout_s`, and while a timed-out check still hangs no second one is started."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from mes_dashboard.errors import ApiError


class Probe:
    """Runs `check` (returns seconds taken) under a deadline, one at a time."""

    def __init__(self, name: str, check: Callable[[], float], timeout_s: float) -> None:
        self.name = name
        self.check = check
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._running: threading.Thread | None = None
        self._started = 0.0
        self._result: dict[str, Any] = {}

    def run(self) -> dict[str, Any]:
        """ok (with latency), error (with its code), or timeout; never longer than the deadline."""
        with self._lock:
            if self._running is not None and self._running.is_alive():
                hung = time.monotonic() - self._started
                return self._timeout(f"the previous probe has not returned for {hung:.1f} s")
            done = threading.Event()
            self._result = {}
            self._started = time.monotonic()
            self._running = threading.Thread(
                target=self._check, args=(done,), name=f"probe-{self.name}", daemon=True
            )
            self._running.start()
        if not done.wait(self.timeout_s):
            return self._timeout(f"no answer within {self.timeout_s} s")
        return dict(self._result)

    def _check(self, done: threading.Event) -> None:
        try:
            took = self.check()
            self._result = {"status": "ok", "latency_ms": round(took * 1000, 1)}
        except ApiError as exc:
            self._result = {"status": "error", "code": exc.spec.code, "detail": exc.detail}
        except Exception as exc:
            self._result = {"status": "error", "code": type(exc).__name__, "detail": str(exc)}
        finally:
            done.set()

    def _timeout(self, detail: str) -> dict[str, Any]:
        return {"status": "timeout", "timeout_s": self.timeout_s, "detail": detail}
