"""The pages' views (crossfilter widgets + scoped queries), mirrored from the frontend's TypeScript.

Sources: pages/wip-shared/wip-queries.ts (overview, status cards, widgets),
pages/wip-detail/{lot-rows.ts, wip-detail-page.vue}, pages/hold-detail/hold-queries.ts,
pages/equipment-status/equipment-queries.ts, components/filter-model.ts (one widget per filter
field) and core/join-rows.ts (row listings). Each page is replayed in several UI states whose
values come from the served table itself (its most common package, reason, family ...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

Query = dict[str, Any]
Filters = list[dict[str, Any]]
E10 = ["PRD", "SBY", "UDT", "SDT", "EGT", "NST", "OTHER"]
E10_METRICS = [f"{s.lower()}_machines" for s in E10]
HIERARCHY_METRICS = ["machines", *E10_METRICS, "ou_pct"]
STATUS_METRICS = ["run_lots", "run_qty", "queue_lots", "queue_qty", "quality_hold_lots"]
STATUS_METRICS += ["quality_hold_qty", "non_quality_hold_lots", "non_quality_hold_qty"]
HOLD_EDGES = [24, 72, 168]
BY_QTY = [{"by": "qty", "desc": True}]


@dataclass(frozen=True)
class View:
    """One page state: its widgets' filters and its named queries with their scopes."""

    page: str
    state: str
    widgets: dict[str, Filters]
    queries: dict[str, tuple[Query, Any]] = field(repr=False)


def common(table: pa.Table, column: str, n: int = 2) -> list[Any]:
    """The `n` most common non-null values of a column."""
    counts = Counter(v for v in table.column(column).to_pylist() if v is not None)
    return [v for v, _ in counts.most_common(n)]


def widgets_of(filters: Filters) -> dict[str, Filters]:
    """filter-model.ts `widgetsOf`: one widget `f.FIELD` per filtered field."""
    out: dict[str, Filters] = {}
    for item in filters:
        out.setdefault(f"f.{item['field']}", []).append(item)
    return out


def row_listing(dataset: str, key: str, columns: list[str], metrics: list[str]) -> list[Query]:
    """join-rows.ts `rowListingQueries`: group by the key plus two attributes per query."""
    chunks = [columns[i : i + 2] for i in range(0, len(columns), 2)] or [[]]
    return [
        {
            "dataset": dataset,
            "filters": [],
            "groupBy": [key, *chunk],
            "metrics": metrics if i == 0 else [],
        }
        for i, chunk in enumerate(chunks)
    ]


def _wip(query: Query) -> Query:
    return {"dataset": "wip", **query}


def _resource(query: Query) -> Query:
    return {"dataset": "resource", **query}


def _named(prefix: str, queries: list[Query], scope: Any = "all") -> dict[str, tuple[Query, Any]]:
    return {f"{prefix}{i}": (q, scope) for i, q in enumerate(queries)}


def status_filters(key: str | None) -> Filters:
    """wip-queries.ts `statusFilters`."""
    if key in ("RUN", "QUEUE"):
        return [{"field": "WIP_STATUS", "op": "eq", "value": key}]
    if key in ("quality", "non_quality"):
        return [{"field": "HOLD_TYPE", "op": "eq", "value": key}]
    return []


def wip_widgets(
    filters: Filters, status: str | None, dummy: bool, group: Any = ...
) -> dict[str, Filters]:
    """wip-queries.ts `wipWidgets` (`...` = no group selected)."""
    out = {
        **widgets_of(filters),
        "dummy": [] if dummy else [{"field": "IS_DUMMY", "op": "eq", "value": False}],
        "status": status_filters(status),
    }
    if group is not ...:
        out["group"] = [{"field": "WORKCENTER_GROUP", "op": "in", "values": [group]}]
    return out


STATUS_CARDS = (_wip({"metrics": STATUS_METRICS}), {"except": "status"})


def overview_queries() -> dict[str, tuple[Query, Any]]:
    """wip-queries.ts `overviewQueries`."""

    def pareto(kind: str) -> tuple[Query, Any]:
        hold_type = [{"field": "HOLD_TYPE", "op": "eq", "value": kind}]
        query = {"filters": hold_type, "groupBy": ["HOLDREASONNAME"], "metrics": ["lots", "qty"]}
        return _wip(query | {"sort": BY_QTY}), "all"

    group_keys = ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"]
    return {
        "kpi": (_wip({"metrics": ["lots", "qty"]}), "all"),
        "status": STATUS_CARDS,
        "groups": (_wip({"groupBy": group_keys, "metrics": ["lots", "qty"]}), "all"),
        "packages": (_wip({"groupBy": ["PACKAGE_LEF"], "metrics": ["qty"], "sort": BY_QTY}), "all"),
        "cells": (_wip({"groupBy": [*group_keys, "PACKAGE_LEF"], "metrics": ["qty"]}), "all"),
        "quality": pareto("quality"),
        "nonQuality": pareto("non_quality"),
    }


def detail_queries() -> dict[str, tuple[Query, Any]]:
    """wip-detail-page.vue with a group selected, and lot-rows.ts `lotTableQueries`."""
    columns = ["EQUIPMENTNAME", "EQUIPMENTS", "WIP_STATUS", "HOLDREASONNAME", "PACKAGE_LEF"]
    listing = row_listing("wip", "LOTID", [*columns, "SPECNAME"], ["qty"])
    specs = _wip({"groupBy": ["SPEC_SEQ", "SPECNAME"], "metrics": ["lots", "qty"]})
    return {
        "summary": (_wip({"metrics": ["lots", "qty"]}), {"except": "status"}),
        "status": STATUS_CARDS,
        **_named("l", listing),
        "specs": (specs, "all"),
    }


def hold_widgets(
    filters: Filters, reason: Any, group: Any, pkg: Any, bucket: Any
) -> dict[str, Filters]:
    """hold-queries.ts `holdWidgets` (`...` = nothing selected)."""

    def value(field_name: str, selected: Any) -> Filters:
        return [] if selected is ... else [{"field": field_name, "op": "in", "values": [selected]}]

    if reason is ...:
        reasons: Filters = []
    elif reason is None:
        reasons = [{"field": "HOLDREASONNAME", "op": "is_null"}]
    else:
        reasons = [{"field": "HOLDREASONNAME", "op": "eq", "value": reason}]
    between: Filters = []
    if bucket is not ...:
        bounds = [None, *HOLD_EDGES, None]
        low, high = bounds[bucket], bounds[bucket + 1]
        item = {"field": "HOLD_HOURS", "op": "between"}
        between = [
            item | ({} if low is None else {"min": low}) | ({} if high is None else {"max": high})
        ]
    return {
        **widgets_of(filters),
        "dummy": [{"field": "IS_DUMMY", "op": "eq", "value": False}],
        "hold": [{"field": "WIP_STATUS", "op": "eq", "value": "HOLD"}],
        "reason": reasons,
        "d.group": value("WORKCENTER_GROUP", group),
        "d.package": value("PACKAGE_LEF", pkg),
        "d.bucket": between,
    }


def hold_queries() -> dict[str, tuple[Query, Any]]:
    """hold-queries.ts `holdQueries` and `REASON_CHOICES`."""
    columns = ["WORKCENTER_GROUP", "SPECNAME", "PACKAGE_LEF", "EQUIPMENTNAME", "CURRENTHOLDTIME"]
    listing = row_listing("wip", "LOTID", [*columns, "HOLD_TYPE"], ["qty", "max_hold_hours"])
    summary = ["lots", "qty", "avg_hold_hours", "max_hold_hours", "workcenter_groups"]
    buckets = {"bucket": "HOLD_HOURS", "edges": HOLD_EDGES, "as": "BUCKET"}
    held = [{"field": "WIP_STATUS", "op": "eq", "value": "HOLD"}]
    reasons = {"filters": held, "groupBy": ["HOLD_TYPE", "HOLDREASONNAME"], "sort": BY_QTY}
    return {
        "summary": (_wip({"metrics": summary}), "all"),
        "byGroup": (
            _wip(
                {
                    "groupBy": ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"],
                    "metrics": ["lots", "qty"],
                }
            ),
            {"except": "d.group"},
        ),
        "byPackage": (
            _wip({"groupBy": ["PACKAGE_LEF"], "metrics": ["lots", "qty"], "sort": BY_QTY}),
            {"except": "d.package"},
        ),
        "byBucket": (
            _wip({"groupBy": [buckets], "metrics": ["lots", "qty"]}),
            {"except": "d.bucket"},
        ),
        **_named("l", listing),
        "reasons": (_wip(reasons | {"metrics": ["lots", "qty"]}), "all"),
    }


def equipment_widgets(
    filters: Filters, flags: list[str], categories: list[str], cell: dict[str, Any] | None
) -> dict[str, Filters]:
    """equipment-queries.ts `equipmentWidgets` and `cellFilters`."""
    cell_filters: Filters = []
    if cell is not None:
        cell_filters = [{"field": "WORKCENTER_GROUP", "op": "in", "values": [cell["group"]]}]
        if "family" in cell:
            family = {"field": "RESOURCEFAMILYNAME", "op": "in", "values": [cell["family"]]}
            cell_filters.append(family)
        if "machine" in cell:
            cell_filters.append({"field": "RESOURCEID", "op": "eq", "value": cell["machine"]})
        if cell.get("status"):
            cell_filters.append({"field": "STATUS_E10", "op": "eq", "value": cell["status"]})
    return {
        **widgets_of(filters),
        "flags": [{"field": f, "op": "eq", "value": True} for f in flags],
        "category": [{"field": "STATUS_CATEGORY", "op": "in", "values": categories}]
        if categories
        else [],
        "cell": cell_filters,
    }


def equipment_queries() -> dict[str, tuple[Query, Any]]:
    """equipment-queries.ts `equipmentQueries` with `MACHINE_LISTING`."""
    except_cell = {"except": "cell"}
    kpis = ["machines", "ou_pct", "availability_pct", *E10_METRICS]
    columns = ["RESOURCENAME", "STATUS_E10", "WORKCENTER_GROUP", "RESOURCEFAMILYNAME"]
    columns += ["EQUIPMENTASSETSSTATUSREASON", "LOCATIONNAME", "JOBORDER", "JOBSTATUS"]
    metrics = ["lots_on_machines", "trackin_qty", "machines_with_job"]
    levels = [
        ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"],
        ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME"],
        ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME", "RESOURCEID"],
    ]
    return {
        "kpi": (
            _resource({"metrics": [*kpis, "machines_with_job", "machines_with_lots"]}),
            except_cell,
        ),
        **{
            f"h{i}": (_resource({"groupBy": keys, "metrics": HIERARCHY_METRICS}), except_cell)
            for i, keys in enumerate(levels)
        },
        "names": (_resource({"groupBy": ["RESOURCEID", "RESOURCENAME"]}), except_cell),
        **_named("m", row_listing("resource", "RESOURCEID", columns, metrics)),
    }


def wip_views(table: pa.Table) -> Iterator[View]:
    """The WIP overview, WIP detail and hold detail pages in several states."""
    workorder = common(table, "WORKORDER", 1)[0]
    bar: Filters = [
        {"field": "WORKORDER", "op": "contains", "value": workorder[2:7].lower()},
        {"field": "LOTID", "op": "contains", "value": workorder[:6].lower()},
        {"field": "PACKAGE_LEF", "op": "in", "values": common(table, "PACKAGE_LEF")},
        {"field": "PJ_TYPE", "op": "in", "values": common(table, "PJ_TYPE")},
    ]
    overview = overview_queries()
    yield View("overview", "default", wip_widgets([], None, False), overview)
    yield View("overview", "with dummy lots", wip_widgets([], None, True), overview)
    for item in bar:
        yield View(
            "overview", f"filter {item['field']}", wip_widgets([item], None, False), overview
        )
    for status in ("RUN", "QUEUE", "quality", "non_quality"):
        yield View("overview", f"card {status}", wip_widgets(bar[2:], status, False), overview)
    yield View("overview", "every filter", wip_widgets(bar, "RUN", False), overview)
    detail = detail_queries()
    for group in [*common(table, "WORKCENTER_GROUP", 2), None]:
        widgets = wip_widgets(bar[2:3], None, False, group)
        yield View("wip detail", f"group {group!r}", widgets, detail)
    yield View(
        "wip detail",
        "group + card",
        wip_widgets([], "QUEUE", False, common(table, "WORKCENTER_GROUP", 1)[0]),
        detail,
    )
    hold = hold_queries()
    reason = common(table, "HOLDREASONNAME", 1)
    yield View("hold detail", "every reason", hold_widgets([], ..., ..., ..., ...), hold)
    for selected in [*reason, None]:
        yield View(
            "hold detail", f"reason {selected!r}", hold_widgets([], selected, ..., ..., ...), hold
        )
    group, pkg = common(table, "WORKCENTER_GROUP", 1)[0], common(table, "PACKAGE_LEF", 1)[0]
    for bucket in range(len(HOLD_EDGES) + 1):
        widgets = hold_widgets(bar[3:], ..., group, pkg, bucket)
        yield View("hold detail", f"group, package, bucket {bucket}", widgets, hold)


def equipment_views(table: pa.Table) -> Iterator[View]:
    """The equipment status page in several states."""
    bar: Filters = [
        {"field": "WORKCENTER_GROUP", "op": "in", "values": common(table, "WORKCENTER_GROUP")},
        {"field": "RESOURCEFAMILYNAME", "op": "in", "values": common(table, "RESOURCEFAMILYNAME")},
        {"field": "LOCATIONNAME", "op": "in", "values": common(table, "LOCATIONNAME")},
    ]
    queries = equipment_queries()
    group = common(table, "WORKCENTER_GROUP", 1)[0]
    family = common(table, "RESOURCEFAMILYNAME", 1)[0]
    machine = common(table, "RESOURCEID", 1)[0]
    yield View("equipment", "default", equipment_widgets([], [], [], None), queries)
    for item in bar:
        yield View(
            "equipment", f"filter {item['field']}", equipment_widgets([item], [], [], None), queries
        )
    flags = ["PJ_ISPRODUCTION", "PJ_ISKEY", "PJ_ISMONITOR"]
    yield View("equipment", "flags", equipment_widgets([], flags[:2], [], None), queries)
    yield View(
        "equipment", "categories", equipment_widgets([], [], ["down", "standby"], None), queries
    )
    cells: list[dict[str, Any]] = [
        {"group": group, "status": None},
        {"group": None, "status": "UDT"},
        {"group": group, "family": family, "status": "PRD"},
        {"group": group, "family": None, "status": None},
        {"group": group, "family": family, "machine": machine, "status": None},
    ]
    for cell in cells:
        yield View(
            "equipment", f"cell {cell}", equipment_widgets(bar[:1], flags[:1], [], cell), queries
        )
