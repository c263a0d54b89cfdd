"""A circuit breaker per dependency per process.

    closed --(threshold failures in a row)--> open --(window elapsed)--> half_open (one probe)
    half_open --(probe succeeds)--> closed;  half_open --(probe fails)--> open, longer window

The open window starts at `backoff_s`, doubles on every reopen without a close in between, gets
up to `jitter` (a fraction) added so that workers do not probe in step, and never exceeds
`backoff_cap_s`. Only failures the caller says count (infrastructure) open it; a call that ends
otherwise frees the probe slot and leaves the count alone. Every transition is logged and passed
to each `on_transition` callback as (name, old state, new state).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from mes_dashboard.errors import ApiError

log = logging.getLogger(__name__)
T = TypeVar("T")
State = Literal["closed", "open", "half_open"]
Transition = Callable[[str, str, str], None]
# what a caller waiting on another caller's probe is told to wait
PROBE_RETRY_AFTER_S = 1.0


class CircuitOpen(ApiError):
    """The breaker rejected the call: 503 CIRCUIT_OPEN, Retry-After the time left open."""

    def __init__(self, name: str, remaining_s: float) -> None:
        super().__init__(
            "CIRCUIT_OPEN",
            f"the {name} circuit is open; calls resume in {remaining_s:.1f} s",
            retry_after=remaining_s,
        )
        self.remaining_s = remaining_s


class Breaker:
    """Closed until `threshold` counted failures in a row; then open, half-open for one probe."""

    def __init__(
        self,
        name: str = "dependency",
        *,
        threshold: int = 1,
        backoff_s: float = 0.5,
        backoff_cap_s: float = 5.0,
        jitter: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.name = name
        self.threshold = max(1, threshold)
        self.backoff_s = backoff_s
        self.backoff_cap_s = backoff_cap_s
        self.jitter = jitter
        self.on_transition: list[Transition] = []
        self._clock = clock
        self._rng = rng
        self._lock = threading.Lock()
        self._open_until: float | None = None
        self._probing = False
        self._failures = 0
        self._opens = 0
        self.transitions = 0
        self.last_error = ""
        self.last_error_at: datetime | None = None

    @property
    def healthy(self) -> bool:
        """False from a counted failure until the next successful call."""
        return self._failures == 0

    def allow(self) -> bool:
        """True when a call may go ahead (closed, or this caller is the one probe)."""
        with self._lock:
            if self._open_until is None:
                return True
            if self._probing or self._clock() < self._open_until:
                return False
            self._probing = True
        self._announce("open", "half_open")
        return True

    def succeed(self) -> None:
        """Close the circuit and forget the failures."""
        with self._lock:
            before = self._state_locked()
            self._open_until, self._probing, self._failures, self._opens = None, False, 0, 0
        if before != "closed":
            self._announce(before, "closed")

    def fail(self, exc: BaseException) -> None:
        """Count a failure; open (or reopen, for a longer window) at the threshold or a probe."""
        with self._lock:
            before = self._state_locked()
            self._failures += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            self.last_error_at = datetime.now(UTC)
            if self._open_until is None:
                if self._failures < self.threshold:
                    return
            elif not self._probing:
                return  # a call let through before the circuit opened: no longer window
            self._opens += 1
            self._open_until = self._clock() + self._window()
            self._probing = False
        self._announce(before, "open")

    def release_probe(self) -> None:
        """Free the probe slot after a call that ended neither in success nor in failure."""
        with self._lock:
            self._probing = False

    def call(self, fn: Callable[[], T], counts: Callable[[BaseException], bool]) -> T:
        """`fn()` through the breaker; CircuitOpen while open; `counts(exc)` picks failures."""
        if not self.allow():
            raise CircuitOpen(self.name, self.retry_after_s())
        try:
            result = fn()
        except BaseException as exc:
            if counts(exc):
                self.fail(exc)
            else:
                self.release_probe()
            raise
        self.succeed()
        return result

    def remaining_s(self) -> float:
        """Seconds until the next probe may go (0 when closed or due)."""
        with self._lock:
            return self._remaining_locked()

    def retry_after_s(self) -> float:
        """What a rejected caller should wait: the time left open, or a probe's share."""
        with self._lock:
            remaining = self._remaining_locked()
            return remaining if remaining > 0 else PROBE_RETRY_AFTER_S

    def state(self) -> State:
        """closed, open, or half_open (the window has passed: the next call probes)."""
        with self._lock:
            return self._state_locked()

    def status(self) -> dict[str, Any]:
        """State, failures in a row, seconds left open, transitions so far and the last error."""
        with self._lock:
            return {
                "name": self.name,
                "state": self._state_locked(),
                "healthy": self._failures == 0,
                "failures_in_row": self._failures,
                "threshold": self.threshold,
                "circuit_open_s": round(self._remaining_locked(), 3),
                "opens_in_row": self._opens,
                "transitions": self.transitions,
                "backoff_s": self.backoff_s,
                "backoff_cap_s": self.backoff_cap_s,
                "jitter": self.jitter,
                "last_error": self.last_error,
                "last_error_at": self.last_error_at.isoformat(timespec="seconds")
                if self.last_error_at
                else None,
            }

    def _window(self) -> float:
        grown = self.backoff_s * 2.0 ** (self._opens - 1)
        return min(self.backoff_cap_s, grown * (1.0 + self.jitter * self._rng()))

    def _remaining_locked(self) -> float:
        return 0.0 if self._open_until is None else max(0.0, self._open_until - self._clock())

    def _state_locked(self) -> State:
        if self._open_until is None:
            return "closed"
        if self._probing or self._clock() >= self._open_until:
            return "half_open"
        return "open"

    def _announce(self, before: str, after: str) -> None:
        if before == after:
            return
        with self._lock:
            self.transitions += 1
        log.warning("circuit %s: %s -> %s (%s)", self.name, before, after, self.last_error)
        for callback in list(self.on_transition):
            try:
                callback(self.name, before, after)
            except Exception:
                log.exception("circuit %s: transition callback failed", self.name)
