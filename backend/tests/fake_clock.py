"""A clock for tests that do not sleep."""

from __future__ import annotations


class FakeClock:
    """A monotonic clock the test moves by hand (the circuit's backoff window, the grace)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds
