"""A Source behind the database circuit breaker: every call to the configured source goes
through it, so the refreshers and every query-backed route share one breaker per process.

While the circuit is open a call raises `CircuitOpen` (503 `CIRCUIT_OPEN`, Retry-After the time
left open) without touching the database. Only `DB_UNAVAILABLE` and `DB_TIMEOUT` count; SQL
errors, pool-wait timeouts and build problems never open it. `ping` and `pool_status` bypass the
breaker: health must see the database as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from mes_dashboard.resilience.breaker import Breaker
from mes_dashboard.resilience.db_errors import counts_for_breaker
from mes_dashboard.sources.base import Source
from mes_dashboard.sources.history_filter import HistoryFilter


class GuardedSource:
    """The Source protocol over `inner`, each call guarded by `breaker`."""

    def __init__(self, inner: Source, breaker: Breaker) -> None:
        self.inner = inner
        self.breaker = breaker
        self.name = inner.name

    def fetch(self, obj: str) -> pa.Table:
        """The inner source's fetch, through the breaker."""
        return self.breaker.call(lambda: self.inner.fetch(obj), counts_for_breaker)

    def watermark(self, obj: str) -> datetime | None:
        """The inner source's watermark, through the breaker."""
        return self.breaker.call(lambda: self.inner.watermark(obj), counts_for_breaker)

    def fetch_history(self, query: HistoryFilter) -> pa.Table:
        """The inner source's history query, through the breaker."""
        return self.breaker.call(lambda: self.inner.fetch_history(query), counts_for_breaker)

    def columns(self, obj: str) -> list[tuple[str, str]]:
        """The inner source's column declarations, through the breaker."""
        return self.breaker.call(lambda: self.inner.columns(obj), counts_for_breaker)

    def row_count(self, obj: str) -> int:
        """The inner source's row count, through the breaker."""
        return self.breaker.call(lambda: self.inner.row_count(obj), counts_for_breaker)

    def ping(self) -> float:
        """The inner source's health probe (not guarded); seconds it took."""
        ping = getattr(self.inner, "ping", None)
        if not callable(ping):
            raise NotImplementedError(f"source {self.name!r} has no health probe")
        return float(ping())

    def pool_status(self) -> dict[str, Any]:
        """The inner source's pool state in effect, if it reports one."""
        status = getattr(self.inner, "pool_status", None)
        return dict(status()) if callable(status) else {}

    def close(self) -> None:
        """Close the inner source."""
        self.inner.close()
