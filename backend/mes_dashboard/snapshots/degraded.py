"""Why a dataset is served from its last snapshot: the reason, since when, and the last code.

The leader of a dataset writes it beside the snapshot pointer (the store); every worker reads it
and answers the same `X-Degraded` header:

    X-Degraded: <reason>; since=<ISO 8601 UTC>; code=<CODE>
    e.g.        source-unavailable; since=2026-11-28T00:30:00+00:00; code=DB_UNAVAILABLE

Reasons: `source-unavailable` (DB_UNAVAILABLE), `source-timeout` (DB_TIMEOUT), `source-busy`
(DB_POOL_EXHAUSTED), `circuit-open` (CIRCUIT_OPEN), `empty-fetch` (EMPTY_FETCH: the source
returned no rows), `missing-columns` (MISSING_COLUMNS: a fetch lacks a required column),
`build-failed` (anything else; the code is the exception's type).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from mes_dashboard.errors import ApiError
from mes_dashboard.snapshots.shape import EMPTY_FETCH, SourceShapeError

API_REASONS = {
    "DB_UNAVAILABLE": "source-unavailable",
    "DB_TIMEOUT": "source-timeout",
    "DB_POOL_EXHAUSTED": "source-busy",
    "CIRCUIT_OPEN": "circuit-open",
}


@dataclass(frozen=True)
class Degraded:
    """A dataset's degraded state, the same on every worker."""

    reason: str
    since: datetime
    code: str
    detail: str = ""

    def header(self) -> str:
        """The X-Degraded header value."""
        return f"{self.reason}; since={self.since.isoformat(timespec='seconds')}; code={self.code}"

    def describe(self) -> dict[str, str]:
        """As /health/deep shows it."""
        return {
            "reason": self.reason,
            "since": self.since.isoformat(timespec="seconds"),
            "code": self.code,
            "detail": self.detail,
        }

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(self.describe())

    @classmethod
    def from_json(cls, raw: str | bytes) -> Degraded | None:
        """The stored form read back; None for anything unreadable."""
        try:
            data = json.loads(raw)
            return cls(
                str(data["reason"]),
                datetime.fromisoformat(data["since"]),
                str(data["code"]),
                str(data.get("detail", "")),
            )
        except (ValueError, KeyError, TypeError):
            return None


def degraded_by(exc: BaseException, since: datetime, detail: str = "") -> Degraded:
    """The degraded state a failed refresh leaves, starting at `since`."""
    if isinstance(exc, ApiError):
        code = exc.spec.code
        return Degraded(API_REASONS.get(code, "build-failed"), since, code, detail)
    if isinstance(exc, SourceShapeError):
        code = "EMPTY_FETCH" if exc.reason == EMPTY_FETCH else "MISSING_COLUMNS"
        return Degraded(exc.reason, since, code, detail)
    return Degraded("build-failed", since, type(exc).__name__, detail)
