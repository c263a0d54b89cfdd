"""Demo shift status history shaped like DW_MES_RESOURCESTATUS_SHIFT.

The plant runs two 12-hour shifts, day 07:30-19:30 and night 19:30-07:30. Each machine-shift is
split over one to three statuses in quarter hours, so its HOURS sum to exactly 12.0. TXNDATE is
the production day at midnight (a night shift belongs to the day it started), DATADATE the end of
the shift (when the warehouse wrote the rows), HISTORYID the CHAR(16)-padded RESOURCEID.
Statuses include the aliases (PM, BKD, ENG, OFF) and non-E10 names the real table holds. Machines
keep a behaviour profile chosen from their id, so the generator and the simulator agree; each
profile draws its shifts from a pool of prebuilt splits, which keeps 90 days of 3,000 machines
fast.
"""

from __future__ import annotations

import random
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from mes_dashboard.sources.demo.schema import RESOURCE_HISTORY, insert_sql, stamp

SHIFT = timedelta(hours=12)
DAY_SHIFT_START = time(7, 30)
QUARTERS = 12 * 4
POOL_SIZE = 256
MAX_CATCH_UP = 60  # shifts: a database left alone for a month catches up its last 30 days
Row = tuple[object, ...]
Split = tuple[tuple[str, float], ...]

CODES = (
    *("PRD", "SBY", "UDT", "SDT", "EGT", "NST"),
    *("PM", "BKD", "ENG", "OFF"),  # aliases
    *("設備-LOST", "載具-IDLE"),  # not E10: they count as OTHER
)
_PROFILES = (
    (70, 15, 3, 4, 3, 2, 1, 1, 0.5, 0.5, 0.3, 0.2),  # healthy
    (35, 30, 3, 3, 2, 15, 1, 1, 1.0, 8.0, 0.5, 2.0),  # often idle
    (40, 10, 20, 8, 4, 2, 8, 10, 1.0, 0.0, 3.0, 0.0),  # troubled
    (20, 10, 2, 2, 50, 4, 0, 0, 12.0, 0.0, 0.0, 0.0),  # engineering
)
_PROFILE_WEIGHTS = (60, 20, 15, 5)
_PROFILE_DRAW = [p for p, w in enumerate(_PROFILE_WEIGHTS) for _ in range(w)]


def production_day(moment: datetime) -> date:
    """The production day a plant-local moment belongs to (the day its shift started)."""
    return (moment - timedelta(hours=DAY_SHIFT_START.hour, minutes=DAY_SHIFT_START.minute)).date()


def shift_starts(after: datetime, until: datetime) -> list[datetime]:
    """Starts of the shifts that start at or after `after` and have ended by `until`."""
    first = datetime.combine(production_day(after), DAY_SHIFT_START)
    while first < after:
        first += SHIFT
    out = []
    while first + SHIFT <= until:
        out.append(first)
        first += SHIFT
    return out


def span_start(now: datetime, days: int) -> datetime:
    """The first shift start of a `days`-day history ending at `now`."""
    return datetime.combine(production_day(now) - timedelta(days=days), DAY_SHIFT_START)


def profile_of(resource_id: str) -> int:
    """A machine's behaviour profile, fixed by its id."""
    return _PROFILE_DRAW[zlib.crc32(resource_id.strip().encode()) % len(_PROFILE_DRAW)]


def _split(rng: random.Random, weights: tuple[float, ...]) -> Split:
    parts = rng.choices((1, 2, 3), (50, 35, 15))[0]
    codes: list[str] = []
    while len(codes) < parts:
        code = rng.choices(CODES, weights)[0]
        if code not in codes:
            codes.append(code)
    cuts = sorted(rng.sample(range(1, QUARTERS), parts - 1))
    bounds = [0, *cuts, QUARTERS]
    return tuple((c, (bounds[i + 1] - bounds[i]) / 4) for i, c in enumerate(codes))


def split_pools(rng: random.Random) -> list[list[Split]]:
    """Prebuilt status splits of a shift, per profile."""
    return [[_split(rng, weights) for _ in range(POOL_SIZE)] for weights in _PROFILES]


def history_rows(
    resource_ids: Iterable[str], starts: Iterable[datetime], rng: random.Random
) -> Iterator[Row]:
    """Rows (HISTORYID, TXNDATE, DATADATE, OLDSTATUSNAME, HOURS) of every machine and shift."""
    pools = split_pools(rng)
    machines = [(rid, pools[profile_of(rid)]) for rid in resource_ids]
    draw = rng.randrange
    for start in starts:
        txn = f"{production_day(start):%Y-%m-%d} 00:00:00"
        written = stamp(start + SHIFT)
        for rid, pool in machines:
            for code, hours in pool[draw(POOL_SIZE)]:
                yield rid, txn, written, code, hours


def append_shifts(conn: sqlite3.Connection, now: datetime) -> int:
    """Write the shifts that ended since the last written one (at most `MAX_CATCH_UP` of them)
    for the machines of that last shift; the number of rows written. A database generated
    without history stays without it."""
    (last,) = conn.execute(f"SELECT MAX(DATADATE) FROM {RESOURCE_HISTORY}").fetchone()
    if last is None:
        return 0
    starts = shift_starts(datetime.fromisoformat(last), now)[-MAX_CATCH_UP:]
    if not starts:
        return 0
    ids = conn.execute(
        f"SELECT DISTINCT HISTORYID FROM {RESOURCE_HISTORY} WHERE DATADATE = ? ORDER BY 1", (last,)
    ).fetchall()
    resource_ids = [rid for (rid,) in ids]
    rows = list(history_rows(resource_ids, starts, random.Random(f"history:{starts[0]}")))
    conn.executemany(insert_sql(RESOURCE_HISTORY), rows)
    return len(rows)
