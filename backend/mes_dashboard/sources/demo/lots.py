"""Demo WIP lots: rows of `DW_MES_LOT_V` in the value shapes of the real view.

Work orders hold several lots (`GA25120081` -> `GA25120081-A00-001`); about 1% are raw material
(NULL WORKORDER), 0.5% DUMMY lots in mixed case, 1.3% held (some of them also running). Lots sit
at real workcenters and specs of the layout and run on real machines of their workcenter; TMTT
lots name a machine but keep EQUIPMENTCOUNT at 0. RELEASETIME is VARCHAR2 text as in the
warehouse ('YYYY/MM/DD HH24:MI:SS', NULL for half of the holds, now and then a note in place of
a time); CONTAINERID is a space-padded CHAR(16).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from mes_dashboard.config import NON_QUALITY_HOLD_REASONS
from mes_dashboard.sources.demo import values as v
from mes_dashboard.sources.demo.layout import Layout, Product
from mes_dashboard.sources.demo.schema import char16, release_text, stamp

WO_PREFIXES = ("GA", "GB", "GC", "GD", "GE", "GF", "GK", "GM")
MAX_QTY = 3_000_000
RELEASE_NOTES = ("待PE確認", "TBD")
DUMMY_VARIANTS = ("DUMMY", "dummy", "Dummy")
Row = tuple[object, ...]
Tracked = dict[int, tuple[str, int | None, str]]


@dataclass
class Plan:
    """Where every lot is, decided before the rows are written."""

    wc: list[int]
    spec: list[int]
    running: dict[int, list[str]]  # lot index -> machine names it is tracked into
    tmtt: dict[int, list[str]]  # TMTT workcenter index -> its machine names


def place_lots(layout: Layout, count: int, rng: random.Random) -> tuple[list[int], list[int]]:
    """Choose a (workcenter, spec) for each lot, weighted by the group's share of WIP."""
    slots: list[tuple[int, int]] = []
    weights: list[float] = []
    for group in layout.groups:
        wcs = layout.workcenters_of(group)
        for wc in wcs:
            for spec in range(len(group.specs)):
                slots.append((wc, spec))
                weights.append(group.wip_weight / len(wcs) / len(group.specs))
    picked = rng.choices(slots, cum_weights=list(itertools.accumulate(weights)), k=count)
    return [wc for wc, _ in picked], [spec for _, spec in picked]


def _months(now: datetime) -> list[str]:
    out = []
    year, month = now.year, now.month
    for _ in range(4):
        out.append(f"{year % 100:02d}{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _hold_hours(rng: random.Random) -> float:
    low, high = rng.choices(((0.1, 24), (24, 72), (72, 168), (168, 720)), (30, 30, 20, 20))[0]
    return rng.uniform(low, high)


class WorkOrder(NamedTuple):
    """What the lots of one work order share."""

    name: str
    size: int
    product: Product
    priority: str
    owner: str
    age_days: float


class LotFactory:
    """Writes lot rows one work order at a time; records what the status view needs."""

    def __init__(self, layout: Layout, plan: Plan, rng: random.Random, now: datetime) -> None:
        self.layout, self.plan, self.rng, self.now = layout, plan, rng, now
        self.sys_date = stamp(now)
        self.months = _months(now)
        self.package_cum = list(itertools.accumulate(layout.package_weights))
        self.reason_cum = list(itertools.accumulate(v.HOLD_REASON_WEIGHTS))
        self.location_cum = list(itertools.accumulate(v.LOT_LOCATION_WEIGHTS))
        self.priority_cum = list(itertools.accumulate(v.PRIORITY_WEIGHTS))
        self.tracked: Tracked = {}
        # counters that cycle rare shapes so even a small database has each of them
        self.counts = {"wo": 0, "raw": 0, "dummy": 0, "comment": 0, "held": 0, "run_held": 0}

    def _next(self, name: str) -> int:
        self.counts[name] += 1
        return self.counts[name]

    def _work_order(self) -> WorkOrder:
        rng, n = self.rng, self._next("wo") - 1
        prefix, month = WO_PREFIXES[n % 8], self.months[(n // 8) % 4]
        package = rng.choices(self.layout.packages, cum_weights=self.package_cum)[0]
        return WorkOrder(
            f"{prefix}{month}{n // 32 + 1:04d}",
            rng.choices((1, 2, 3, 4, 6, 8, 12), (15, 20, 20, 15, 12, 10, 8))[0],
            rng.choice(self.layout.products[package]),
            rng.choices(v.PRIORITIES, cum_weights=self.priority_cum)[0],
            rng.choice(v.OWNERS),
            min(max(rng.lognormvariate(math.log(5), 0.9), 0.02), 150.0),
        )

    def rows(self, count: int) -> Iterator[Row]:
        """Yield `count` lot rows in table column order."""
        rng = self.rng
        wo = self._work_order()
        k = 0
        for i in range(count):
            if rng.random() < 0.01:
                yield self._row(i, f"RM{self.months[0]}-{self._next('raw'):06d}", None, wo)
                continue
            if k == wo.size:
                wo, k = self._work_order(), 0
            k += 1
            if rng.random() < 0.005:
                variant = DUMMY_VARIANTS[self._next("dummy") % len(DUMMY_VARIANTS)]
                lot_id = f"{wo.name}-{variant}-{k:03d}"
            else:
                lot_id = f"{wo.name}-A{0 if rng.random() < 0.9 else rng.randint(1, 3):02d}-{k:03d}"
            yield self._row(i, lot_id, wo.name, wo)

    def _held(self, i: int) -> bool:
        if i in self.plan.running and self.counts["run_held"] == 0:
            self.counts["run_held"] = 1
            return True
        return self.rng.random() < 0.013

    def _row(self, i: int, lot_id: str, wo_name: str | None, wo: WorkOrder) -> Row:
        rng, now, product = self.rng, self.now, wo.product
        age_s = int(wo.age_days * rng.uniform(0.9, 1.1) * 86400)
        hold = None
        if self._held(i):
            age_s, hold = self._hold(age_s)
        start = now - timedelta(seconds=age_s)
        movein = now - timedelta(seconds=int(age_s * rng.random() ** 2))
        count, equipments, equipment = self._equipment(i, lot_id, movein)
        qty = min(max(int(rng.lognormvariate(8.8, 1.6)), 1), MAX_QTY)
        if count:
            self.tracked[i] = (lot_id, qty, self.tracked[i][2])
        wc = self.layout.workcenters[self.plan.wc[i]]
        spec = wc.group.specs[self.plan.spec[i]]
        mapped = wc.mapped
        iso = start.isocalendar()
        comment = None
        if rng.random() < 0.03:
            comment = v.CONTAINER_COMMENTS[self._next("comment") % len(v.CONTAINER_COMMENTS)]
        return (
            lot_id,
            wo_name,
            qty,
            rng.randint(1, 25) if rng.random() < 0.3 else None,
            "HOLD" if hold else "ACTIVE",
            *(hold or (0, None, None, None, None, None, None, None)),
            count,
            equipments,
            equipment,
            wc.name,
            wc.group.name if mapped else None,
            wc.seq if mapped else None,
            wc.short if mapped else None,
            spec.name,
            spec.seq,
            rng.choices(v.LOT_LOCATIONS, cum_weights=self.location_cum)[0],
            None if rng.random() < 0.01 else product.package,
            product.productline,
            product.pj_type,
            product.function,
            product.bop,
            product.name,
            product.workflow,
            f"{iso[0] % 100:02d}{iso[1]:02d}",
            None if rng.random() < 0.2 else f"W{iso[0] % 100}{rng.choice('ABCD')}{i % 9973:04d}.1",
            product.leadframe,
            stamp(start),
            stamp(movein),
            round(age_s / 86400, 2),
            f"{start + timedelta(days=rng.randint(14, 45)):%Y/%m/%d}",
            self.sys_date,
            wo.owner,
            wo.priority,
            comment,
            char16(f"{0x4800_0000_0000 + i:016X}"),
            i + 1,
        )

    def _hold(self, age_s: int) -> tuple[int, Row]:
        """(lot age in seconds, columns CURRENTHOLDCOUNT ... RELEASETIME) of a held lot."""
        rng, now = self.rng, self.now
        held_s = int(_hold_hours(rng) * 3600)
        reason = rng.choices(v.HOLD_REASONS, cum_weights=self.reason_cum)[0]
        if self._next("held") % 40 == 7:
            reason = None
        quality = reason not in NON_QUALITY_HOLD_REASONS
        ncr = (
            f"NCR-{now:%y%m%d}-{rng.randint(1, 9999):04d}"
            if quality and rng.random() < 0.5
            else None
        )
        release: str | None = None
        if self.counts["held"] % 25 == 3:
            release = RELEASE_NOTES[self.counts["held"] % 2]
        elif rng.random() < 0.5:
            release = release_text(now + timedelta(hours=rng.randint(1, 72)))
        return max(age_s, held_s + rng.randint(600, 2 * 86400)), (
            rng.choices((1, 2, 3), (85, 12, 3))[0],
            reason,
            stamp(now - timedelta(seconds=held_s)),
            rng.choice(v.PEOPLE),
            rng.choice(v.DEPARTMENTS),
            rng.choice(v.HOLD_COMMENTS),
            ncr,
            release,
        )

    def _equipment(
        self, i: int, lot_id: str, movein: datetime
    ) -> tuple[int, str | None, str | None]:
        """(EQUIPMENTCOUNT, EQUIPMENTS, EQUIPMENTNAME); records the track-in of running lots."""
        names = self.plan.running.get(i)
        if names:
            since = movein + (self.now - movein) * self.rng.uniform(0.1, 0.9)
            self.tracked[i] = (lot_id, None, stamp(since))
            return len(names), ",".join(names), names[0]
        tmtt = self.plan.tmtt.get(self.plan.wc[i])
        if tmtt and self.rng.random() < 0.6:
            return 0, None, self.rng.choice(tmtt)
        return 0, None, None
