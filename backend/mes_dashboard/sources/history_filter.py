"""What one equipment-history query asks a source for.

Whole production days [start, end] of the production machines (the master filter of the
`resource` dataset), narrowed by workcenter groups, families and the three machine flags. A
source answers with hours summed per machine (HISTORYID), production day (TXNDATE) and status
(OLDSTATUSNAME), never with raw shift rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# request parameter -> master column (NUMBER 0/1/NULL: true only when 1)
FLAG_COLUMNS = {
    "is_production": "PJ_ISPRODUCTION",
    "is_key": "PJ_ISKEY",
    "is_monitor": "PJ_ISMONITOR",
}
HISTORY_COLUMNS = ("HISTORYID", "TXNDATE", "OLDSTATUSNAME", "HOURS")


@dataclass(frozen=True)
class HistoryFilter:
    """Normalized: lists sorted and distinct, flags as sorted (master column, value) pairs."""

    start: date
    end: date
    workcenter_groups: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    flags: tuple[tuple[str, bool], ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end is before start")
