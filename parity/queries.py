"""Hypothesis strategies for valid queries of the query contract over one snapshot.

Filter values come from the snapshot's own column values (so filters hit), nudged neighbours and
misses; `in` lists may hold null; dates are "YYYY-MM-DD" strings. Group keys are zero to three
distinct columns, buckets whose sorted edges sit on and right next to data values, or periods
(day, ISO week, month, year) of date and timestamp columns. Metrics are any of the dataset's
metrics, sort keys any metric or group key in either direction, and a limit is optional.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import strategies as st

from parity.metrics import usable_metrics
from parity.tables import DATES, FLOATS, INTS, TIMESTAMPS, Snapshot
from parity.text import case_variant, words

Query = dict[str, Any]
KIND = {
    "dictionary": "string",
    "utf8": "string",
    "int32": "number",
    "float64": "number",
    "timestamp": "number",
    "date": "date",
    "bool": "boolean",
}
PERIOD_UNITS = ("day", "week", "month", "year")
OPS = {
    "string": ("eq", "ne", "in", "not_in", "contains", "prefix", "is_null", "not_null"),
    "number": ("eq", "ne", "in", "not_in", "between", "is_null", "not_null"),
    "boolean": ("eq", "ne", "in", "not_in", "is_null", "not_null"),
    "date": ("eq", "ne", "in", "not_in", "between", "is_null", "not_null"),
}
MISSES = {"dictionary": words(), "utf8": words(), "int32": INTS, "float64": FLOATS}
MISSES |= {"timestamp": TIMESTAMPS, "bool": st.booleans(), "date": DATES}


def present(snap: Snapshot, name: str) -> list[Any]:
    """The distinct non-null values of a column, in order of first appearance."""
    return [v for v in dict.fromkeys(snap.columns[name]) if v is not None]


def nudged(value: Any, column_type: str) -> list[Any]:
    """A value and its nearest neighbours in the column's value space."""
    if column_type == "float64":
        return [math.nextafter(value, -math.inf), value, math.nextafter(value, math.inf)]
    if column_type == "date":
        day = dt.date.fromisoformat(value)
        return [(day + dt.timedelta(days=k)).isoformat() for k in (-1, 0, 1)]
    return [value - 1, value, value + 1]


def scalar(snap: Snapshot, name: str) -> st.SearchStrategy[Any]:
    """A non-null filter value for a column: one of its values, or a miss."""
    values = present(snap, name)
    miss = MISSES[snap.types[name]]
    return st.one_of(st.sampled_from(values), miss) if values else miss


def needle(snap: Snapshot, name: str) -> st.SearchStrategy[str]:
    """A contains/prefix operand: a case-changed piece of a column value, or other text."""
    values = present(snap, name)
    other = words(3)
    if not values:
        return other
    piece = st.builds(_piece, st.sampled_from(values), st.integers(0, 6), st.integers(0, 6))
    return st.one_of(st.builds(case_variant, piece, st.integers(0, 3)), other)


def _piece(value: str, start: int, length: int) -> str:
    start = min(start, len(value))
    return value[start : start + length]


def bound(snap: Snapshot, name: str) -> st.SearchStrategy[Any]:
    """A `between` bound or a bucket edge: on or right next to a data value, or anywhere."""
    values = present(snap, name)
    column_type = snap.types[name]
    miss = MISSES[column_type]
    if not values:
        return miss
    near = st.sampled_from(values).flatmap(lambda v: st.sampled_from(nudged(v, column_type)))
    return st.one_of(near, near, miss, miss if column_type == "date" else FLOATS)


@st.composite
def filters(draw: st.DrawFn, snap: Snapshot, name: str) -> Query:
    """One valid filter on a column."""
    kind = KIND[snap.types[name]]
    op = draw(st.sampled_from(OPS[kind]))
    item: Query = {"field": name, "op": op}
    if op in ("eq", "ne"):
        item["value"] = draw(scalar(snap, name))
    elif op in ("in", "not_in"):
        item["values"] = draw(st.lists(st.one_of(scalar(snap, name), st.none()), max_size=5))
    elif op in ("contains", "prefix"):
        item["value"] = draw(needle(snap, name))
    elif op == "between":
        which = draw(st.sampled_from(("min", "max", "both")))
        for side in ("min", "max"):
            if which in (side, "both"):
                item[side] = draw(bound(snap, name))
    return item


def periods(draw: st.DrawFn, name: str, alias: str | None) -> Query:
    """A period key on a date or timestamp column, any unit."""
    key: Query = {"period": name, "unit": draw(st.sampled_from(PERIOD_UNITS))}
    if alias is not None:
        key["as"] = alias
    return key


@st.composite
def buckets(draw: st.DrawFn, snap: Snapshot, name: str, alias: str | None) -> Query:
    """A bucket key on a numeric or timestamp column: strictly increasing edges near the data."""
    edges = draw(st.lists(bound(snap, name), min_size=1, max_size=5))
    key: Query = {"bucket": name, "edges": sorted(set(edges))}
    if alias is not None:
        key["as"] = alias
    return key


@st.composite
def group_keys(draw: st.DrawFn, snap: Snapshot) -> list[Any]:
    """Zero to three group keys with distinct result names."""
    names = list(snap.types)
    numeric = [n for n in names if KIND[snap.types[n]] == "number"]
    dated = [n for n in names if snap.types[n] in ("date", "timestamp")]
    keys: list[Any] = []
    used: set[str] = set()
    for i in range(draw(st.integers(0, 3))):
        bucket, aliased = draw(st.booleans()), draw(st.booleans())
        if dated and draw(st.integers(0, 2)) == 0:
            name = draw(st.sampled_from(dated))
            alias = f"PERIOD_{i}" if name in used or aliased else None
            keys.append(periods(draw, name, alias))
            used.add(alias or name)
        elif numeric and bucket:
            name = draw(st.sampled_from(numeric))
            alias = f"BUCKET_{i}" if name in used or aliased else None
            keys.append(draw(buckets(snap, name, alias)))
            used.add(alias or name)
        else:
            free = [n for n in names if n not in used]
            if free:
                name = draw(st.sampled_from(free))
                keys.append(name)
                used.add(name)
    return keys


def key_name(key: Any) -> str:
    """The result column of a group key."""
    if isinstance(key, str):
        return key
    return str(key.get("as", key["period"] if "period" in key else key["bucket"]))


@st.composite
def queries(draw: st.DrawFn, snap: Snapshot) -> Query:
    """One valid query over the snapshot's columns and the dataset's metrics."""
    names = list(snap.types)
    all_metrics = usable_metrics(snap.dataset, snap.types)
    query: Query = {"dataset": snap.dataset}
    query["filters"] = [
        draw(filters(snap, n)) for n in draw(st.lists(st.sampled_from(names), max_size=3))
    ]
    query["groupBy"] = draw(group_keys(snap))
    metric_lists = st.lists(st.sampled_from(all_metrics), unique=True, max_size=6)
    query["metrics"] = draw(st.one_of(metric_lists, st.just(all_metrics))) if all_metrics else []
    sortable = query["metrics"] + [key_name(k) for k in query["groupBy"]]
    if sortable and draw(st.booleans()):
        sort_key = st.builds(_sort_key, st.sampled_from(sortable), st.sampled_from((None, 0, 1)))
        query["sort"] = draw(st.lists(sort_key, min_size=1, max_size=3))
    if draw(st.booleans()):
        query["limit"] = draw(st.integers(0, 8))
    for optional in ("filters", "groupBy", "metrics"):
        if not query[optional] and draw(st.booleans()):
            del query[optional]
    return query


def _sort_key(by: str, desc: int | None) -> Query:
    return {"by": by} if desc is None else {"by": by, "desc": bool(desc)}
