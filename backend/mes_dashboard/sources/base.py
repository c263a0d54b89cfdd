"""The Source protocol every data source implements.

A source knows five logical objects (see `OBJECTS`) and returns each as a raw `pyarrow.Table`
with the source's own column names and value shapes: strings possibly CHAR-padded, numbers as
int64 or float64, DATE values as naive `timestamp` in plant local time, sequences as numeric
strings. Normalization and business rules belong to the snapshot builder, not to sources.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import pyarrow as pa

from mes_dashboard.sources.history_filter import HistoryFilter

# logical object -> settings attribute holding the configured object name
OBJECTS = {
    "lot": "obj_lot",
    "resource": "obj_resource",
    "equipment_status": "obj_equipment_status",
    "spec_workcenter": "obj_spec_workcenter",
    "resource_history": "obj_resource_history",
}

# logical object -> the column whose maximum tells whether the object changed
WATERMARKS = {
    "lot": "SYS_DATE",
    "resource": "LASTCHANGEDATE",
}

# the (OBJECTCATEGORY, OBJECTTYPE) pairs of production machines in the equipment master
MACHINE_KINDS = (("ASSEMBLY", "ASSEMBLY"), ("WAFERSORT", "WAFERSORT"))


class Source(Protocol):
    """A read-only factory data source."""

    name: str

    def fetch(self, obj: str) -> pa.Table:
        """Return the whole object (one of `OBJECTS`, except resource_history) as a raw table."""
        ...

    def watermark(self, obj: str) -> datetime | None:
        """Return MAX(watermark column) of the object, or None when it has no watermark/rows."""
        ...

    def fetch_history(self, query: HistoryFilter) -> pa.Table:
        """Return hours per machine (HISTORYID), production day (TXNDATE) and status
        (OLDSTATUSNAME) of the production machines the query selects, summed by the source."""
        ...

    def columns(self, obj: str) -> list[tuple[str, str]]:
        """(name, Oracle-like declared type) of each column of the object, in table order."""
        ...

    def row_count(self, obj: str) -> int:
        """The number of rows of the object (never asked of resource_history)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
