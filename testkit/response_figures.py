"""Figures the resilience drills compute from recorded answers: pure functions over samples."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    """One answer: what was asked, when (monotonic seconds), by which worker, and what came back."""

    path: str
    started: float
    ended: float
    status: int
    worker: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        """Latency of the answer."""
        return self.ended - self.started


def server_errors(samples: Iterable[Sample]) -> int:
    """Answers with a status >= 500 (0 counts as a failed request: no answer at all)."""
    return sum(1 for s in samples if s.status >= 500 or s.status == 0)


def share_by_worker(
    samples: Iterable[Sample], header: str, since: float, until: float
) -> dict[int, float]:
    """Per worker, the share of answers inside [since, until) carrying a non-empty `header`."""
    seen: dict[int, list[int]] = {}
    for s in samples:
        if since <= s.started and s.ended < until:
            counts = seen.setdefault(s.worker, [0, 0])
            counts[0] += bool(s.headers.get(header))
            counts[1] += 1
    return {worker: with_header / total for worker, (with_header, total) in seen.items()}


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile `q` (0-100) of `values` (nan when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def per_interval(count: float, seconds: float, interval_s: float) -> float:
    """`count` events over `seconds`, expressed per `interval_s` (at least one whole interval)."""
    return count / max(1.0, seconds / interval_s)


def first_after(samples: Iterable[Sample], since: float, path: str) -> float:
    """Seconds from `since` to the end of the first answer on `path`, started after `since`, with
    status 200/304 and no X-Degraded (inf when none)."""
    ends = [
        s.ended
        for s in samples
        if s.path == path and s.started >= since and s.status in (200, 304)
        and not s.headers.get("X-Degraded")
    ]  # fmt: skip
    return min(ends) - since if ends else math.inf
