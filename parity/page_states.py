"""The UI states the served-bytes test replays, per page; their values come from the served table.

The views themselves (widgets and scoped queries) come from the browser:
`window.mesCore.pageViews(pageId, state)` builds them with the page's own query module. Here only
the states are described, in the shape of each page's state object (`WipViewState`,
`HoldViewState`, `EquipmentViewState` in `frontend/src/pages/**`): an absent key is `undefined`
(nothing chosen), `None` is `null` (the lots or machines with no value).

A query-backed page (equipment history) gets its bytes per request: its states carry the route's
parameters under `REQUEST` (taken off before the state reaches the page), and its `states` read
the table of the whole demo span to choose them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

State = dict[str, Any]
Filters = list[dict[str, Any]]
HOLD_BUCKETS = 4
REQUEST = "request"


@dataclass(frozen=True)
class PageStates:
    """A page's dataset and the labelled UI states to replay on that dataset's served table."""

    dataset: str
    states: Callable[[pa.Table], Iterator[tuple[str, State]]]


def common(table: pa.Table, column: str, n: int = 2) -> list[Any]:
    """The `n` most common non-null values of a column."""
    counts = Counter(v for v in table.column(column).to_pylist() if v is not None)
    return [v for v, _ in counts.most_common(n)]


def wip_bar(table: pa.Table) -> Filters:
    """Filter-bar filters on every WIP filter field: typed text and picked values."""
    workorder = common(table, "WORKORDER", 1)[0]
    return [
        {"field": "WORKORDER", "op": "contains", "value": workorder[2:7].lower()},
        {"field": "LOTID", "op": "contains", "value": workorder[:6].lower()},
        {"field": "PACKAGE_LEF", "op": "in", "values": common(table, "PACKAGE_LEF")},
        {"field": "PJ_TYPE", "op": "in", "values": common(table, "PJ_TYPE")},
    ]


def wip(filters: Filters, status: str | None = None, dummy: bool = False, **more: Any) -> State:
    """A `WipViewState`."""
    return {"filters": filters, "status": status, "includeDummy": dummy, **more}


def overview_states(table: pa.Table) -> Iterator[tuple[str, State]]:
    """WIP overview: defaults, dummy lots in, each filter, each status card, everything at once."""
    bar = wip_bar(table)
    yield "default", wip([])
    yield "with dummy lots", wip([], dummy=True)
    for item in bar:
        yield f"filter {item['field']}", wip([item])
    for status in ("RUN", "QUEUE", "quality", "non_quality"):
        yield f"card {status}", wip(bar[2:], status)
    yield "every filter", wip(bar, "RUN")


def detail_states(table: pa.Table) -> Iterator[tuple[str, State]]:
    """WIP detail: no group chosen, the two biggest groups and the null group, a group + card."""
    bar = wip_bar(table)
    groups = common(table, "WORKCENTER_GROUP", 2)
    yield "no group", wip(bar[2:3])
    for group in [*groups, None]:
        yield f"group {group!r}", wip(bar[2:3], group=group)
    yield "group + card", wip([], "QUEUE", group=groups[0])


def hold_states(table: pa.Table) -> Iterator[tuple[str, State]]:
    """Hold detail: no reason chosen, every held reason and the null one, the distributions."""
    base: State = {"filters": [], "includeDummy": False}
    yield "every reason", base
    held = table.filter(pc.equal(table.column("WIP_STATUS"), "HOLD"))
    reasons = common(held, "HOLDREASONNAME", held.num_rows)
    for selected in [*reasons, None]:
        yield f"reason {selected!r}", base | {"reason": selected}
    chosen = {
        "filters": wip_bar(table)[3:],
        "includeDummy": False,
        "reason": reasons[0],
        "group": common(table, "WORKCENTER_GROUP", 1)[0],
        "pkg": common(table, "PACKAGE_LEF", 1)[0],
    }
    for bucket in range(HOLD_BUCKETS):
        yield f"group, package, bucket {bucket}", chosen | {"bucket": bucket}


def equipment_states(table: pa.Table) -> Iterator[tuple[str, State]]:
    """Equipment status: each filter, flags, categories and matrix cells at every level."""
    bar: Filters = [
        {"field": field, "op": "in", "values": common(table, field)}
        for field in ("WORKCENTER_GROUP", "RESOURCEFAMILYNAME", "LOCATIONNAME")
    ]
    group = common(table, "WORKCENTER_GROUP", 1)[0]
    family = common(table, "RESOURCEFAMILYNAME", 1)[0]
    machine = common(table, "RESOURCEID", 1)[0]

    def equipment(filters: Filters, flags: list[str], categories: list[str], cell: Any) -> State:
        return {"filters": filters, "flags": flags, "categories": categories, "cell": cell}

    yield "default", equipment([], [], [], None)
    for item in bar:
        yield f"filter {item['field']}", equipment([item], [], [], None)
    yield "flags", equipment([], ["prod", "key"], [], None)
    yield "categories", equipment([], [], ["down", "standby"], None)
    cells: list[State] = [
        {"group": group, "status": None},
        {"group": None, "status": "UDT"},
        {"group": group, "family": family, "status": "PRD"},
        {"group": group, "family": None, "status": None},
        {"group": group, "family": family, "machine": machine, "status": None},
    ]
    for cell in cells:
        yield f"cell {cell}", equipment(bar[:1], ["prod"], [], cell)


def history_states(table: pa.Table) -> Iterator[tuple[str, State]]:
    """Equipment history over `table` (the whole span): each granularity, a production-day edge,
    an ISO-week and a month edge, and server filters (groups, families, flags)."""
    days: list[date] = sorted(set(table.column("TXNDATE").to_pylist()))
    first, last = days[0], days[-1]

    def history(unit: str, start: date, end: date, **more: str) -> State:
        request = {"start": start.isoformat(), "end": end.isoformat(), **more}
        return {"granularity": unit, REQUEST: request}

    for unit in ("day", "week", "month", "year"):
        yield f"whole span by {unit}", history(unit, first, last)
    middle = days[len(days) // 2]
    yield "day buckets across a production-day edge", history("day", middle, middle + timedelta(1))
    sunday = next(d for d in days[1:] if d.weekday() == 6)
    yield (
        "week buckets across a Monday",
        history("week", sunday - timedelta(1), sunday + timedelta(2)),
    )
    month_end = next(d for d in days if (d + timedelta(1)).day == 1)
    yield "month buckets across a month end", history("month", month_end, month_end + timedelta(1))
    groups = ",".join(sorted(common(table, "WORKCENTER_GROUP", 2)))
    family = common(table, "RESOURCEFAMILYNAME", 1)[0]
    yield (
        "groups, production",
        history("week", first, last, workcenter_groups=groups, is_production="true"),
    )
    yield (
        "family, key and monitored",
        history("month", first, last, families=family, is_key="true", is_monitor="false"),
    )


PAGES: dict[str, PageStates] = {
    "wip-overview": PageStates("wip", overview_states),
    "wip-detail": PageStates("wip", detail_states),
    "hold-detail": PageStates("wip", hold_states),
    "equipment-status": PageStates("resource", equipment_states),
    "equipment-history": PageStates("resource_history", history_states),
}
