"""The aggregates of the metrics contract, computed sequentially in row order."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from mes_dashboard.reference.columns import Columns
from mes_dashboard.reference.filters import passes

Value = int | float | None


def metric_values(
    specs: Mapping[str, Mapping[str, Any]], columns: Columns, rows: list[int]
) -> dict[str, Value]:
    """Each metric's value over the given rows; ValueError for a result JSON cannot carry."""
    values = {metric_id: aggregate(spec, columns, rows) for metric_id, spec in specs.items()}
    for metric_id, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"metric '{metric_id}' evaluates to {value}")
    return values


def aggregate(spec: Mapping[str, Any], columns: Columns, rows: list[int]) -> Value:
    """One aggregate (a metric or a ratio part) over the rows that pass its own `where`."""
    kept = [row for row in rows if passes(spec.get("where", []), columns, row)]
    if spec["agg"] == "ratio":
        return _ratio(spec, columns, kept)
    if "field" not in spec:
        return len(kept)
    column = columns[spec["field"]]
    present = [column[row] for row in kept if column[row] is not None]
    return _FUNCTIONS[spec["agg"]](present)


def _ratio(spec: Mapping[str, Any], columns: Columns, rows: list[int]) -> Value:
    numerator = aggregate(spec["numerator"], columns, rows)
    denominator = aggregate(spec["denominator"], columns, rows)
    if numerator is None or denominator is None or denominator == 0:
        return None
    ratio: float = numerator / denominator * spec.get("scale", 1)
    return ratio


def sum_in_order(values: list[Any]) -> Value:
    """Left to right from the first value: Python ints stay exact, floats add in row order."""
    if not values:
        return None
    total = values[0]
    for value in values[1:]:
        total = total + value
    result: Value = total
    return result


def _mean(values: list[Any]) -> Value:
    total = sum_in_order(values)
    return None if total is None else total / len(values)


def _min(values: list[Any]) -> Value:
    return min(values) if values else None


def _max(values: list[Any]) -> Value:
    return max(values) if values else None


def _count(values: list[Any]) -> Value:
    return len(values)


def _count_distinct(values: list[Any]) -> Value:
    return len(set(values))


_FUNCTIONS: dict[str, Callable[[list[Any]], Value]] = {
    "count": _count,
    "count_distinct": _count_distinct,
    "sum": sum_in_order,
    "mean": _mean,
    "min": _min,
    "max": _max,
}
