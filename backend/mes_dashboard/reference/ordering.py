"""Row order of the query contract: sort keys in turn, then the group keys ascending."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cmp_to_key
from typing import Any

Row = dict[str, Any]


def order_rows(
    rows: list[Row], sort: Sequence[Mapping[str, Any]], key_names: Sequence[str]
) -> list[Row]:
    """Rows ordered by `sort` (each key `by`, `desc`), then by every group key ascending."""
    keys = [(str(key["by"]), bool(key["desc"])) for key in sort]
    keys += [(name, False) for name in key_names]

    def compare_rows(a: Row, b: Row) -> int:
        for name, desc in keys:
            order = compare_values(a[name], b[name], desc=desc)
            if order:
                return order
        return 0

    return sorted(rows, key=cmp_to_key(compare_rows))


def compare_values(a: Any, b: Any, *, desc: bool = False) -> int:
    """-1, 0 or 1; nulls last in both directions, strings by code point, false < true."""
    if a is None or b is None:
        return int(a is None) - int(b is None)
    order = int(a > b) - int(a < b)
    return -order if desc else order
