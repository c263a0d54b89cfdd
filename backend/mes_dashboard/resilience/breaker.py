"""A small circuit breaker: after a failure calls are skipped for a backoff window that doubles
per failure up to a cap; then one probe call at a time may try again.

    closed --fail--> open --window over, allow()--> half_open --succeed--> closed
                      ^                                 |
                      +--------------fail---------------+

Each change of state is reported to `listener` (the metrics count transitions from it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

State = Literal["closed", "open", "half_open"]
STATES: tuple[State, ...] = ("closed", "open", "half_open")


class Breaker:
    """Closed until a failure; then open for a growing window, half-open for one probe."""

    def __init__(
        self,
        *,
        backoff_s: float = 0.5,
        backoff_cap_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        listener: Callable[[State], None] | None = None,
    ) -> None:
        self.backoff_s = backoff_s
        self.listener = listener
        self.backoff_cap_s = backoff_cap_s
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None
        self._probing = False
        self._failures = 0
        self.last_error = ""
        self.last_error_at: datetime | None = None

    @property
    def healthy(self) -> bool:
        """False from a failed call until the next successful one."""
        return self._failures == 0

    @property
    def state(self) -> State:
        """closed, open (calls skipped) or half_open (one probe on its way)."""
        with self._lock:
            return self._state()

    def _state(self) -> State:
        if self._open_until is None:
            return "closed"
        return "half_open" if self._probing else "open"

    def _report(self, before: State) -> None:
        after = self._state()
        if after != before and self.listener is not None:
            self.listener(after)

    def allow(self) -> bool:
        """True when a call may go ahead (closed, or this caller is the one probe)."""
        with self._lock:
            if self._open_until is None:
                return True
            if self._probing or self._clock() < self._open_until:
                return False
            self._probing = True
            self._report("open")
            return True

    def succeed(self) -> None:
        """Close the circuit."""
        with self._lock:
            before = self._state()
            self._open_until, self._probing, self._failures = None, False, 0
            self._report(before)

    def fail(self, exc: BaseException) -> None:
        """Open the circuit for the next backoff window."""
        with self._lock:
            before = self._state()
            self._failures += 1
            window = min(self.backoff_cap_s, self.backoff_s * 2 ** (self._failures - 1))
            self._open_until = self._clock() + window
            self._probing = False
            self.last_error = f"{type(exc).__name__}: {exc}"
            self.last_error_at = datetime.now(UTC)
            self._report(before)

    def release_probe(self) -> None:
        """Free the probe slot after a call that ended neither in success nor in failure."""
        with self._lock:
            before = self._state()
            self._probing = False
            self._report(before)

    def status(self) -> dict[str, Any]:
        """Failures in a row, seconds the circuit stays open, and the last error."""
        with self._lock:
            remaining = 0.0 if self._open_until is None else self._open_until - self._clock()
            return {
                "state": self._state(),
                "healthy": self._failures == 0,
                "failures_in_row": self._failures,
                "circuit_open_s": round(max(0.0, remaining), 3),
                "last_error": self.last_error,
                "last_error_at": self.last_error_at.isoformat(timespec="seconds")
                if self.last_error_at
                else None,
            }
