"""The filter predicates of the query contract, evaluated on one value at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mes_dashboard.reference.columns import Columns


def matches(item: Mapping[str, Any], value: Any) -> bool:
    """Whether one column value (None for null) passes one filter."""
    op = item["op"]
    if op == "is_null":
        return value is None
    if op == "not_null":
        return value is not None
    if op == "eq":
        return value is not None and value == item["value"]
    if op == "ne":
        return not (value is not None and value == item["value"])
    if op == "in":
        return value in item["values"]
    if op == "not_in":
        return value not in item["values"]
    if value is None:
        return False
    if op == "contains":
        return item["value"].lower() in value.lower()
    if op == "prefix":
        return bool(value.lower().startswith(item["value"].lower()))
    if op == "between":
        low, high = item.get("min"), item.get("max")
        return (low is None or low <= value) and (high is None or value < high)
    raise ValueError(f"unknown filter op '{op}'")


def passes(filters: Iterable[Mapping[str, Any]], columns: Columns, row: int) -> bool:
    """Whether one row passes every filter (they combine with AND)."""
    return all(matches(item, columns[item["field"]][row]) for item in filters)
