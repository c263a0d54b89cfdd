"""Demo equipment: production machines, the unfiltered master, the real-time status view rows.

The master holds `machines` production machines that pass the product's filter and about thirty
times as many rows that do not (mostly carriers and tools, a few near misses: excluded locations,
NULL workcenter, `Disapproved`), as the real 91k-row master does. The status view has one row per
machine x tracked-in lot, one row with a NULL lot for an idle machine, and none for a few
machines; its rows come in no order, and some machines' rows disagree: an older track-in row
carries a stale status, and a job sits on one row only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from mes_dashboard.sources.demo import values as v
from mes_dashboard.sources.demo.layout import TMTT_GROUP, Layout
from mes_dashboard.sources.demo.schema import char16, stamp

NON_PRODUCTION_FACTOR = 30
NEAR_MISS_SHARE = 0.015
DISAGREE_SHARE = 0.3
JOB_COLUMNS = 11
Row = tuple[object, ...]
T = TypeVar("T")


@dataclass
class Machine:
    """A production machine and its current real-time status."""

    resource_id: str
    name: str
    wc: int
    family: str
    status: str | None
    reason: str | None
    has_row: bool
    job: Row | None = None
    lots: list[int] = field(default_factory=list)


def _status(rng: random.Random) -> tuple[str | None, str | None]:
    code = rng.choices(v.STATUS_CODES, v.STATUS_WEIGHTS)[0]
    return code, rng.choice(v.STATUS_REASONS[code])


def _machine_wcs(layout: Layout, count: int, rng: random.Random) -> list[int]:
    groups = [g for g in layout.groups if g.families]
    wcs = {g.name: layout.workcenters_of(g) for g in groups}
    chosen = groups[:count] + rng.choices(groups, [g.wip_weight for g in groups], k=count)
    return sorted(rng.choice(wcs[g.name]) for g in chosen[:count])


def build_machines(layout: Layout, count: int, rng: random.Random) -> list[Machine]:
    """The production machines, spread over the workcenters of groups that have machines."""
    machines = []
    numbers: dict[str, int] = {}
    for n, wc in enumerate(_machine_wcs(layout, count, rng)):
        group = layout.workcenters[wc].group
        numbers[group.prefix] = numbers.get(group.prefix, 0) + 1
        name = f"{group.prefix}-{numbers[group.prefix]:04d}"
        family = rng.choice(group.families)
        status, reason = _status(rng)
        has_row = rng.random() >= 0.015
        machines.append(Machine(f"EQ{n + 1:08d}", name, wc, family, status, reason, has_row))
    _ensure_rare(machines, rng)
    return machines


def _ensure_rare(machines: list[Machine], rng: random.Random) -> None:
    """Make sure every status code (aliases, unknown, NULL) and a machine without a row exist."""
    picks = rng.sample(range(len(machines)), min(len(machines), len(v.STATUS_CODES) + 1))
    for index, code in zip(picks, v.STATUS_CODES, strict=False):
        machines[index].status, machines[index].reason = code, rng.choice(v.STATUS_REASONS[code])
        machines[index].has_row = True
    if len(picks) > len(v.STATUS_CODES):
        machines[picks[-1]].has_row = False


def make_job(rng: random.Random, now: datetime, serial: int) -> Row:
    """The maintenance job columns of one open job."""
    created = now - timedelta(minutes=rng.randint(5, 60 * 72))
    return (
        f"JO{created:%y%m}{serial:05d}",
        rng.choice(v.JOB_MODELS),
        rng.choice(v.JOB_STAGES),
        char16(f"JB{serial:08d}"),
        rng.choice(v.JOB_STATUSES),
        stamp(created),
        rng.choice(v.PEOPLE),
        None if rng.random() < 0.2 else rng.choice(v.PEOPLE),
        rng.choice(v.SYMPTOM_CODES),
        rng.choice(v.CAUSE_CODES),
        rng.choice(v.REPAIR_CODES),
    )


def open_jobs(machines: list[Machine], rng: random.Random, now: datetime) -> None:
    """Give about 5% of the machines an active maintenance job, mostly the down ones."""
    for serial, m in enumerate(machines, start=1):
        chance = 0.25 if m.status in v.DOWN_CODES else 0.01
        if m.has_row and rng.random() < chance:
            m.job = make_job(rng, now, serial)


def assign_lots(
    layout: Layout, machines: list[Machine], lot_wc: list[int], rng: random.Random
) -> dict[int, list[int]]:
    """Track lots into machines of their workcenter; returns lot index -> machine indexes."""
    pools: dict[int, list[int]] = {m.wc: [] for m in machines}
    for lot, wc in enumerate(lot_wc):
        if wc in pools:
            pools[wc].append(lot)
    running: dict[int, list[int]] = {}
    for index, m in enumerate(machines):
        if not m.has_row or layout.workcenters[m.wc].group.name == TMTT_GROUP:
            continue
        if m.status == "PRD" or (m.status in v.DOWN_CODES and rng.random() < 0.3):
            pool = pools[m.wc]
            for _ in range(rng.choices((1, 2, 3), (70, 20, 10))[0]):
                if not pool:
                    break
                at = rng.randrange(len(pool))
                pool[at], pool[-1] = pool[-1], pool[at]
                running[pool.pop()] = [index]
    _share_lots(machines, running, rng)
    for lot, indexes in running.items():
        for index in indexes:
            machines[index].lots.append(lot)
    return running


def _share_lots(machines: list[Machine], running: dict[int, list[int]], rng: random.Random) -> None:
    """Put about 3% of running lots on a second machine of the same workcenter."""
    producing: dict[int, list[int]] = {}
    for index, m in enumerate(machines):
        if m.has_row and m.status == "PRD":
            producing.setdefault(m.wc, []).append(index)
    for indexes in running.values():
        others = [i for i in producing.get(machines[indexes[0]].wc, []) if i != indexes[0]]
        if others and rng.random() < 0.03:
            indexes.append(rng.choice(others))


def _machine_status_rows(
    m: Machine, tracked: dict[int, tuple[str, int | None, str]], rng: random.Random
) -> list[Row]:
    rid, no_job = char16(m.resource_id), (None,) * JOB_COLUMNS
    if not m.lots:
        return [(rid, m.status, m.reason, *(m.job or no_job), None, None, None, None)]
    lots = sorted(m.lots, key=lambda i: tracked[i][2])
    disagree = len(lots) > 1 and (m.job is not None or rng.random() < DISAGREE_SHARE)
    rows = []
    for k, lot in enumerate(lots):
        status, reason, job = m.status, m.reason, m.job or no_job
        if disagree and k == 0:  # the oldest track-in still shows the status before the latest
            status, reason = "SBY", rng.choice(v.STATUS_REASONS["SBY"])
        if disagree and k > 0:  # the job only on the oldest row
            job = no_job
        lot_id, qty, since = tracked[lot]
        rows.append((rid, status, reason, *job, lot_id, qty, since, rng.choice(v.PEOPLE)))
    return rows


def status_rows(
    machines: list[Machine], tracked: dict[int, tuple[str, int | None, str]], rng: random.Random
) -> list[Row]:
    """Rows of the status view, shuffled: one per machine x tracked-in lot, one NULL-lot row when
    idle; the latest track-in row of a machine carries its status."""
    rows = [row for m in machines if m.has_row for row in _machine_status_rows(m, tracked, rng)]
    rng.shuffle(rows)
    return rows


def _production_row(layout: Layout, m: Machine, rng: random.Random, now: datetime) -> Row:
    group = layout.workcenters[m.wc].group
    vendor, model = m.family.split(" ", 1)
    dept = v.TEST_DEPARTMENT if group.name in ("測試", TMTT_GROUP) else None
    return (
        char16(m.resource_id),
        m.name,
        layout.workcenters[m.wc].name,
        f"{group.prefix}-{model}",
        rng.choices(v.MACHINE_LOCATIONS, (20, 20, 15, 15, 10, 5))[0],
        dept or v.DEPARTMENT_OF_CATEGORY[group.category],
        vendor,
        model,
        rng.choice(v.ASSET_STATUSES),
        rng.choices((1, 0, None), (90, 7, 3))[0],
        rng.choices((1, 0, None), (20, 70, 10))[0],
        rng.choices((1, 0, None), (30, 60, 10))[0],
        group.category,
        group.category,
        stamp(now - timedelta(seconds=rng.randint(3600, 700 * 86400))),
    )


def _near_miss(row: Row, rng: random.Random) -> Row:
    """A machine row broken in exactly one way so the product's filter drops it."""
    out = list(row)
    kind = rng.randrange(4)
    if kind == 0:
        out[4] = rng.choice(v.EXCLUDED)
    elif kind == 1:
        out[2] = None
    elif kind == 2:
        out[8] = "Disapproved"
    else:
        out[12], out[13] = rng.choice((("ASSEMBLY", "WAFERSORT"), ("WAFERSORT", "ASSEMBLY")))
    return tuple(out)


def _pick(values: Sequence[T], rng: random.Random) -> T:
    """`rng.choice` without its bookkeeping (it shows at 90,000 rows)."""
    return values[int(rng.random() * len(values))]


class _NonMachinePool:
    """Precomputed choices for carrier and tool rows (tens of thousands per database)."""

    def __init__(self, layout: Layout, now: datetime) -> None:
        self.workcenters = [wc.name for wc in layout.workcenters]
        self.locations = (*v.MACHINE_LOCATIONS, *v.EXCLUDED)
        self.changed = [stamp(now - timedelta(days=d)) for d in range(1, 1501)]
        self.assets = ("Approved", "Disapproved", None)

    def row(self, n: int, rng: random.Random) -> Row:
        category, kind, prefix, family = v.NON_MACHINES[int(rng.random() * len(v.NON_MACHINES))]
        wc = None if rng.random() < 0.5 else _pick(self.workcenters, rng)
        location = _pick(self.locations, rng)
        changed = None if rng.random() < 0.05 else _pick(self.changed, rng)
        asset = self.assets[int(rng.random() * 3)]
        rid = char16(f"NP{n:08d}")
        name = f"{prefix}-{n:06d}"
        return (
            rid,
            name,
            wc,
            family,
            location,
            None,
            None,
            None,
            asset,
            0,
            None,
            None,
            category,
            kind,
            changed,
        )


def master_rows(
    layout: Layout, machines: list[Machine], rng: random.Random, now: datetime
) -> tuple[list[Row], list[Row]]:
    """The unfiltered master (shuffled) and the status rows of its near-miss machines."""
    rows = [_production_row(layout, m, rng, now) for m in machines]
    near_status = []
    total = NON_PRODUCTION_FACTOR * len(machines)
    pool = _NonMachinePool(layout, now)
    for n in range(1, total + 1):
        if rng.random() < NEAR_MISS_SHARE and machines:
            base = rng.choice(machines)
            name = f"{base.name[:2]}-X{n:05d}"
            twin = Machine(f"EX{n:08d}", name, base.wc, base.family, None, None, True)
            row = _near_miss(_production_row(layout, twin, rng, now), rng)
            rows.append(row)
            if rng.random() < 0.05:
                code, reason = _status(rng)
                near_status.append((row[0], code, reason, *(None,) * (JOB_COLUMNS + 4)))
        else:
            rows.append(pool.row(n, rng))
    rng.shuffle(rows)
    return rows, near_status
