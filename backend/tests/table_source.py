"""A Source over small raw tables whose data moves with `tick`, counting its queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from mes_dashboard.config import EXCLUDED_LOCATIONS, NON_QUALITY_HOLD_REASONS
from mes_dashboard.datasets.wip import build_wip
from mes_dashboard.snapshots.builder import BuildRules
from mes_dashboard.snapshots.snapshot import Snapshot, make_snapshot
from mes_dashboard.sources.history_filter import HistoryFilter
from raw_tables import SNAP, lot_table, mapping_table, master_table, status_table

RULES = BuildRules("Asia/Taipei", NON_QUALITY_HOLD_REASONS, EXCLUDED_LOCATIONS)
NOW = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)


def sys_date(tick: int) -> datetime:
    """The lot watermark at `tick` (one minute per tick)."""
    return SNAP + timedelta(minutes=tick)


def lots(tick: int) -> pa.Table:
    """Three lots; quantities and SYS_DATE depend on `tick`."""
    return lot_table(
        [
            {"LOTID": f"GA-{n}", "QTY": float(tick * 10 + n), "SYS_DATE": sys_date(tick)}
            for n in range(3)
        ]
    )


def wip_snapshot(tick: int) -> Snapshot:
    """A wip snapshot of the data at `tick` (a distinct version per tick)."""
    return make_snapshot(build_wip(lots(tick), mapping_table(), RULES, NOW), NOW)


class TableSource:
    """The Source protocol over the tables above; `queries` counts every call per object."""

    name = "tables"

    def __init__(self, tick: int = 0) -> None:
        self.tick = tick
        self.queries: Counter[str] = Counter()

    def fetch(self, obj: str) -> pa.Table:
        """The whole object at the current tick."""
        self.queries[obj] += 1
        tables: dict[str, Callable[[], pa.Table]] = {
            "lot": lambda: lots(self.tick),
            "spec_workcenter": mapping_table,
            "resource": lambda: master_table([{"RESOURCEID": "M1", "RESOURCENAME": "M1"}]),
            "equipment_status": lambda: status_table([{"RESOURCEID": "M1"}]),
        }
        return tables[obj]()

    def watermark(self, obj: str) -> datetime | None:
        """SYS_DATE moves with the tick; the master never changes."""
        self.queries[f"watermark:{obj}"] += 1
        return sys_date(self.tick) if obj == "lot" else SNAP

    def fetch_history(self, query: HistoryFilter) -> pa.Table:
        """Not used by these tests."""
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release."""

    @property
    def total(self) -> int:
        """Every query sent so far."""
        return sum(self.queries.values())
