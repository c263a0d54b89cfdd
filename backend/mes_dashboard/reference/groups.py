"""Group keys of the query contract: plain field values, bucket indexes or calendar periods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mes_dashboard.reference.columns import Columns
from mes_dashboard.reference.periods import period_key

GroupKey = str | Mapping[str, Any]


def key_field(key: GroupKey) -> str:
    """The column a group key reads."""
    if isinstance(key, str):
        return key
    return str(key["period"] if "period" in key else key["bucket"])


def group_value(key: GroupKey, value: Any) -> Any:
    """The group value of one column value: itself, its bucket index or its period's first day
    ("YYYY-MM-DD"); null stays null."""
    if value is None:
        return None
    if isinstance(key, str):
        # -0.0 and 0.0 are one group; report it as 0.0
        return 0.0 if isinstance(value, float) and value == 0 else value
    if "period" in key:
        return period_key(value, key["unit"])
    # bucket 0 = (-inf, e0), bucket i = [e(i-1), e(i)): the index is how many edges are <= value
    return sum(1 for edge in key["edges"] if edge <= value)


def group_rows(
    group_by: Sequence[GroupKey], columns: Columns, rows: list[int]
) -> dict[tuple[Any, ...], list[int]]:
    """Rows by their tuple of group values, in order of first appearance; one group when no keys."""
    if not group_by:
        return {(): rows}
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        values = tuple(group_value(key, columns[key_field(key)][row]) for key in group_by)
        groups.setdefault(values, []).append(row)
    return groups
