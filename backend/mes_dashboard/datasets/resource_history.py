"""The `resource_history` dataset: hours per machine, production day and E10 status, queried per
request (query-backed: cached per normalized parameters, never refreshed)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard.config import Settings
from mes_dashboard.datasets.spec import DatasetSpec, Parameter
from mes_dashboard.snapshots import normalize as nz
from mes_dashboard.snapshots import rules
from mes_dashboard.snapshots.conform import conform

NAME = "resource_history"
KEYS = ("RESOURCEID", "TXNDATE", "STATUS_E10")
# the machine attributes the page groups by, from the current `resource` snapshot
MACHINE_COLUMNS = (
    "RESOURCEID",
    "RESOURCENAME",
    "WORKCENTER_GROUP",
    "WORKCENTER_GROUP_SEQ",
    "RESOURCEFAMILYNAME",
    "PJ_ISPRODUCTION",
    "PJ_ISKEY",
    "PJ_ISMONITOR",
)
BUILD_MARGIN_S = 5.0  # the build and encoding of a 730-day result, beyond the database call
DEADLINE_MARGIN_MS = 10_000  # the browser's deadline beyond the database's worst case


def _plain(table: pa.Table) -> pa.Table:
    cols = [
        c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns
    ]
    return pa.Table.from_arrays(cols, names=table.column_names)


def build_history(raw: pa.Table, machines: pa.Table, tz: str) -> pa.Table:
    """Rule 5 on each status (aliases folded, other names OTHER), hours re-summed per machine, day
    and E10 status, joined to the machine attributes; contract order and types, sorted by key."""
    rows = pa.table(
        {
            "RESOURCEID": nz.strip_strings(raw["HISTORYID"]),
            # a production day is a date: take the DATE's own calendar day, never a zone's
            "TXNDATE": pc.cast(raw["TXNDATE"], pa.date32(), safe=False),
            "STATUS_E10": rules.e10_status(raw["OLDSTATUSNAME"]),
            "HOURS": pc.fill_null(nz.nan_to_null(raw["HOURS"].cast(pa.float64())), 0.0),
        }
    )
    summed = rows.group_by(list(KEYS), use_threads=False).aggregate([("HOURS", "sum")])
    summed = summed.rename_columns([c.replace("HOURS_sum", "HOURS") for c in summed.column_names])
    attributes = _plain(machines.select(list(MACHINE_COLUMNS)))
    joined = summed.join(attributes, "RESOURCEID", join_type="inner", use_threads=False)
    joined = joined.sort_by([(k, "ascending") for k in KEYS])
    cols = {name: joined[name] for name in joined.column_names}
    return conform(NAME, cols, joined.num_rows, tz)


def database_ms(settings: Settings) -> int:
    """The database's worst case for one query: pool wait + call timeout of the source."""
    if settings.source == "oracle":
        return settings.oracle_wait_timeout_ms + settings.oracle_call_timeout_ms
    return settings.demo_wait_timeout_ms + settings.demo_call_timeout_ms


def load_timeout_s(settings: Settings) -> float:
    """The longest one load may take (the shared lock's lifetime; waiters wait 1 s longer)."""
    return database_ms(settings) / 1000 + BUILD_MARGIN_S


def deadline_ms(settings: Settings) -> int:
    """The browser's deadline for this route: longer than the server's worst case."""
    return database_ms(settings) + DEADLINE_MARGIN_MS


RESOURCE_HISTORY = DatasetSpec(
    name=NAME,
    kind="query",
    key=None,
    sources=("resource_history", "resource", "spec_workcenter"),
    parameters=(
        Parameter("start", "date"),
        Parameter("end", "date"),
        Parameter("workcenter_groups", "strings"),
        Parameter("families", "strings"),
        Parameter("is_production", "bool"),
        Parameter("is_key", "bool"),
        Parameter("is_monitor", "bool"),
    ),
)
