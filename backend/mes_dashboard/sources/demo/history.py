"""Demo shift status history: hours per production machine, per shift, per status.

Each 8-hour shift is split over one to three statuses in quarter hours, so the hours of a
machine-shift sum to exactly 8.0. Machines follow one of a few behaviour profiles; each profile
draws its shifts from a pool of prebuilt splits, which keeps a month of 3,000 machines fast.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from mes_dashboard.sources.demo.values import SHIFTS

SHIFT_HOURS = 8
QUARTERS = SHIFT_HOURS * 4
POOL_SIZE = 256
Row = tuple[object, ...]
Split = tuple[tuple[str, float], ...]

_CODES = ("PRD", "SBY", "UDT", "SDT", "EGT", "NST", "PM", "BKD", "ENG", "OFF", "WAIT")
_PROFILES = (
    (70, 15, 3, 4, 3, 2, 1, 1, 0.5, 0.5, 0.0),  # healthy
    (35, 30, 3, 3, 2, 15, 1, 1, 1.0, 8.0, 1.0),  # often idle
    (40, 10, 20, 8, 4, 2, 8, 10, 1.0, 0.0, 0.0),  # troubled
    (20, 10, 2, 2, 50, 4, 0, 0, 12.0, 0.0, 0.0),  # engineering
)
_PROFILE_WEIGHTS = (60, 20, 15, 5)


def _split(rng: random.Random, weights: tuple[float, ...]) -> Split:
    parts = rng.choices((1, 2, 3), (50, 35, 15))[0]
    codes: list[str] = []
    while len(codes) < parts:
        code = rng.choices(_CODES, weights)[0]
        if code not in codes:
            codes.append(code)
    cuts = sorted(rng.sample(range(1, QUARTERS), parts - 1))
    bounds = [0, *cuts, QUARTERS]
    return tuple((c, (bounds[i + 1] - bounds[i]) / 4) for i, c in enumerate(codes))


def history_days(now: datetime, days: int) -> list[date]:
    """The completed days the history covers: the `days` days before `now`'s date."""
    today = now.date()
    return [today - timedelta(days=k) for k in range(days, 0, -1)]


def history_rows(
    resource_ids: list[str], now: datetime, days: int, rng: random.Random
) -> Iterator[Row]:
    """Rows (HISTORYID, TXNDATE, SHIFT, OLDSTATUSNAME, HOURS), day by day."""
    pools = [[_split(rng, weights) for _ in range(POOL_SIZE)] for weights in _PROFILES]
    profile_of = rng.choices(range(len(_PROFILES)), _PROFILE_WEIGHTS, k=len(resource_ids))
    for day in history_days(now, days):
        txn = f"{day:%Y-%m-%d} 00:00:00"
        for rid, profile in zip(resource_ids, profile_of, strict=True):
            pool = pools[profile]
            for shift in SHIFTS:
                for code, hours in pool[rng.randrange(POOL_SIZE)]:
                    yield rid, txn, shift, code, hours
