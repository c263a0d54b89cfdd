"""Display helpers over result rows that the browser core mirrors: Pareto shares and top-n."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mes_dashboard.reference.aggregates import sum_in_order

Row = dict[str, Any]


def pareto(rows: Sequence[Mapping[str, Any]], value_key: str) -> list[Row]:
    """Copies of the rows with `cum_pct`, the running share of `value_key` in the given order.

    `running` is the left-to-right sum of the non-null values up to and including the row (a null
    or missing value adds nothing), `total` is that sum after the last row, and
    `cum_pct = running / total * 100` (a float, evaluated in that order), so the row holding the
    last non-null value gets exactly 100. When `total` is 0 (or every value is null, or there are
    no rows) every `cum_pct` is null. With negative values the shares may leave 0..100.
    """
    running: list[Any] = []
    acc: Any = 0
    for row in rows:
        value = row.get(value_key)
        acc = acc if value is None else acc + value
        running.append(acc)
    total = acc
    return [
        {**row, "cum_pct": None if total == 0 else part / total * 100}
        for row, part in zip(rows, running, strict=True)
    ]


def top_n_with_other(
    rows: Sequence[Mapping[str, Any]], key: str, value_keys: Sequence[str], n: int
) -> list[Row]:
    """The first `n` rows (copied, unchanged), then, only when there are more than `n` rows, one
    row `{key: None, "other": True, v: ...}` for each `v` in `value_keys`, holding the
    left-to-right sum of the remaining rows' non-null values of `v` (null when there are none;
    a missing value counts as null).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    head = [dict(row) for row in rows[:n]]
    rest = rows[n:]
    if not rest:
        return head
    other: Row = {key: None, "other": True}
    for value_key in value_keys:
        present = [row.get(value_key) for row in rest if row.get(value_key) is not None]
        other[value_key] = sum_in_order(present)
    return [*head, other]
