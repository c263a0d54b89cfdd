"""Queries the contract rejects: a valid query broken in exactly one way.

Each mutation returns the broken query, or None when the snapshot lacks what it needs (then the
query gets an unknown filter field instead).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from mes_dashboard import contracts
from parity.metrics import dataset_metrics, usable_metrics
from parity.queries import KIND, Query, queries
from parity.tables import Snapshot

Mutation = Callable[[st.DrawFn, Snapshot, Query], Any]


def _columns(snap: Snapshot, *kinds: str) -> list[str]:
    return [n for n, t in snap.types.items() if KIND[t] in kinds]


def _pick(draw: st.DrawFn, items: list[Any]) -> Any:
    return draw(st.sampled_from(items)) if items else None


def _add_filter(query: Query, item: Any) -> Query:
    return {**query, "filters": [*query.get("filters", []), item]}


def unknown_field(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    field = draw(st.sampled_from(["NO_SUCH_COLUMN", "QTY_", "qty", "", "LOTID\n", "Qty"]))
    return _add_filter(query, {"field": field, "op": "is_null"})


def absent_column(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    """A contract column of the dataset (or of another dataset) that the table does not carry."""
    others = {c["name"] for d in contracts.dataset_names() for c in contracts.columns(d)}
    name = _pick(draw, sorted(others - set(snap.types)))
    if name is None:
        return None
    if draw(st.booleans()):
        return {**query, "groupBy": [name]}
    return _add_filter(query, {"field": name, "op": "not_null"})


def bad_metric(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    own = dataset_metrics(snap.dataset)
    foreign = [m for m in contracts.metrics() if m not in own]
    metric = draw(st.sampled_from(["no_such_metric", "Qty", "", *foreign]))
    return {**query, "metrics": [*query.get("metrics", [])[:3], metric]}


def metric_without_column(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    """A metric of the dataset whose column the table lacks (a `?columns=` projection)."""
    missing = [
        m
        for m in dataset_metrics(snap.dataset)
        if m not in usable_metrics(snap.dataset, snap.types)
    ]
    metric = _pick(draw, missing)
    return metric and {**query, "metrics": [metric]}


def duplicate_metric(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    metric = draw(st.sampled_from(dataset_metrics(snap.dataset)))
    return {**query, "metrics": [metric, metric]}


def string_op_on_other(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    name = _pick(draw, _columns(snap, "number", "boolean"))
    op = draw(st.sampled_from(["contains", "prefix"]))
    return name and _add_filter(query, {"field": name, "op": op, "value": "1"})


def between_on_other(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    name = _pick(draw, _columns(snap, "string", "boolean"))
    return name and _add_filter(query, {"field": name, "op": "between", "min": 0, "max": 1})


def wrong_value_type(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    name = draw(st.sampled_from(list(snap.types)))
    wrong: dict[str, list[Any]] = {
        "string": [1, 0.5, True],
        "number": ["1", True, False],
        "boolean": [1, 0, "true"],
        "date": [1, True, "2025-02-29", "2025-1-01", "20250101", "2025-01-01T00:00"],
    }
    value = draw(st.sampled_from(wrong[KIND[snap.types[name]]]))
    op = draw(st.sampled_from(["eq", "ne", "in", "not_in"]))
    item: Query = {"field": name, "op": op}
    item |= {"value": value} if op in ("eq", "ne") else {"values": [None, value]}
    return _add_filter(query, item)


def bad_edges(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    name = _pick(draw, _columns(snap, "number"))
    edges = draw(st.sampled_from([[1, 1], [2, 1], [0, 5, 5], [], ["1"], [None], list(range(65))]))
    return name and {**query, "groupBy": [{"bucket": name, "edges": edges}]}


def bad_bound(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    """A date bound on a number or timestamp column, or a number or non-date on a date column."""
    name = _pick(draw, _columns(snap, "number", "date"))
    if name is None:
        return None
    if KIND[snap.types[name]] == "date":
        value = draw(st.sampled_from([0, 20250101, "2025-02-29", "2025-13-01", "0000-01-01"]))
    else:
        value = draw(st.sampled_from(["2025-01-01", "1970-01-01"]))
    side = draw(st.sampled_from(["min", "max"]))
    return _add_filter(query, {"field": name, "op": "between", side: value})


def bad_period(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    """A period on a column that is no date or timestamp, or an unknown unit."""
    dated = _columns(snap, "date") + [n for n, t in snap.types.items() if t == "timestamp"]
    bad_unit: bool = draw(st.booleans())
    if dated and bad_unit:
        unit = draw(st.sampled_from(["hour", "quarter", "Week", "", None]))
        return {**query, "groupBy": [{"period": draw(st.sampled_from(dated)), "unit": unit}]}
    others = [n for n in snap.types if n not in dated]
    name = _pick(draw, others)
    return name and {**query, "groupBy": [{"period": name, "unit": "day"}]}


def bucket_on_other(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    name = _pick(draw, _columns(snap, "string", "boolean", "date"))
    return name and {**query, "groupBy": [{"bucket": name, "edges": [1]}]}


def bad_sort(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    missing = [m for m in dataset_metrics(snap.dataset) if m not in query.get("metrics", [])]
    by = draw(st.sampled_from(["nope", "", "QTY ", *missing[:3]]))
    desc = draw(st.sampled_from([None, True, "yes", 1]))
    key = {"by": by} if desc is None else {"by": by, "desc": desc}
    return {**query, "sort": [key]}


def bad_limit(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    return {**query, "limit": draw(st.sampled_from([-1, 1.5, "3", True, None, [1]]))}


def extra_property(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    where = draw(st.sampled_from(["query", "filter", "sort", "bucket"]))
    broken = copy.deepcopy(query)
    if where == "filter":
        return _add_filter(broken, {"field": next(iter(snap.types)), "op": "is_null", "x": 1})
    if where == "sort":
        return {**broken, "sort": [{"by": next(iter(snap.types)), "asc": True}]}
    if where == "bucket":
        name = _pick(draw, _columns(snap, "number"))
        return name and {**broken, "groupBy": [{"bucket": name, "edges": [1], "label": "x"}]}
    return {**broken, "options": {}}


def bad_dataset(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    broken = {k: v for k, v in query.items() if k != "dataset"}
    if draw(st.booleans()):
        broken["dataset"] = draw(st.sampled_from(["wipx", "WIP", "", 1, None]))
    return broken


def too_many(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    names = list(snap.types)
    what = draw(st.sampled_from(["groupBy", "filters", "sort"]))
    if what == "groupBy":
        keys: list[Any] = [names[i % len(names)] for i in range(3)]
        keys += [{"bucket": n, "edges": [0], "as": f"B_{i}"} for i, n in enumerate(names[:1])]
        return {**query, "groupBy": keys}
    if what == "filters":
        return {**query, "filters": [{"field": names[0], "op": "not_null"}] * 65}
    return {**query, "groupBy": names[:1], "sort": [{"by": names[0]}] * 9}


def bad_alias(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    """A bucket `as` off the field pattern (incl. a trailing newline, which Python once let by)."""
    name = _pick(draw, _columns(snap, "number"))
    alias = draw(st.sampled_from(["B\n", "b", "", "1B", "B-1", " B", "B\r\n"]))
    return name and {**query, "groupBy": [{"bucket": name, "edges": [0], "as": alias}]}


def duplicate_group_name(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    numeric = _columns(snap, "number")
    name = draw(st.sampled_from(numeric or list(snap.types)))
    as_bucket = draw(st.booleans())
    if numeric and as_bucket:
        return {**query, "groupBy": [name, {"bucket": name, "edges": [0]}]}
    return {**query, "groupBy": [name, name]}


def bad_filter_shape(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    name = next(iter(snap.types))
    item = draw(
        st.sampled_from(
            [
                {"field": name, "op": "like", "value": "a"},
                {"field": name, "op": "eq"},
                {"field": name, "op": "in"},
                {"field": name, "op": "in", "values": "a"},
                {"field": name, "op": "in", "values": [["a"]]},
                {"field": name, "op": "between"},
                {"field": name, "op": "between", "min": "0"},
                {"field": name, "op": "contains", "value": None},
                {"field": name, "op": "eq", "value": None},
                {"field": name, "op": "eq", "value": [1]},
                {"op": "is_null"},
                name,
            ]
        )
    )
    return _add_filter(query, item)


def bad_structure(draw: st.DrawFn, snap: Snapshot, query: Query) -> Any:
    return draw(
        st.sampled_from(
            [
                [query],
                {**query, "filters": {"field": next(iter(snap.types)), "op": "is_null"}},
                {**query, "groupBy": "QTY"},
                {**query, "metrics": "lots"},
                {**query, "sort": {"by": "lots"}},
                {**query, "groupBy": [None]},
            ]
        )
    )


MUTATIONS: list[Mutation] = [
    unknown_field,
    absent_column,
    bad_metric,
    metric_without_column,
    duplicate_metric,
    string_op_on_other,
    between_on_other,
    wrong_value_type,
    bad_edges,
    bucket_on_other,
    bad_bound,
    bad_period,
    bad_sort,
    bad_limit,
    extra_property,
    bad_dataset,
    too_many,
    duplicate_group_name,
    bad_alias,
    bad_filter_shape,
    bad_structure,
]


@st.composite
def invalid_queries(draw: st.DrawFn, snap: Snapshot) -> Any:
    """A valid query of the snapshot broken by one mutation."""
    query = draw(queries(snap))
    mutation = draw(st.sampled_from(MUTATIONS))
    broken = mutation(draw, snap, query)
    return broken if broken is not None else unknown_field(draw, snap, query)
