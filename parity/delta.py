"""A minimal writer of delta snapshots (issue 14, `?since=` in the README) for the parity suite.

TEMPORARY: replace with mes_dashboard.snapshots.delta once merged (its build_delta over row
fingerprints is the server's builder); this one compares whole rows and is only meant for the small
tables Hypothesis draws.

A delta A -> B is one Arrow IPC stream: B's schema, B's metadata plus `delta_base` (A's version),
`delta_removed` (JSON array of the keys of A not in B, ascending code points) and `delta_upserts`
(row count), and the rows of B that are new or differ from A's row of the same key, in B's order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from mes_dashboard.snapshots.encode import write_ipc


def _canonical(value: Any) -> Any:
    """A comparable form of a cell that tells -0.0 from 0.0 (row digests hash the bytes)."""
    if isinstance(value, float):
        return ("f", value.hex() if not math.isnan(value) else "nan")
    return (type(value).__name__, value)


def _rows(table: pa.Table, key: str) -> dict[str, tuple[Any, ...]]:
    columns = [table.column(name).to_pylist() for name in table.column_names]
    keys = table.column(key).to_pylist()
    return {k: tuple(_canonical(column[i]) for column in columns) for i, k in enumerate(keys)}


def build_delta(
    base: pa.Table,
    base_version: str,
    target: pa.Table,
    metadata: Mapping[str, str],
    key: str,
) -> bytes:
    """The delta from `base` (version `base_version`) to `target`, whose metadata is `metadata`.

    Both tables are sorted by `key` (unique, not null) and have the same columns.
    """
    if base.schema.names != target.schema.names:
        raise ValueError("base and target have different columns")
    before = _rows(base, key)
    after = _rows(target, key)
    keys = target.column(key).to_pylist()
    upserts = [i for i, k in enumerate(keys) if before.get(k) != after[k]]
    removed = sorted(k for k in before if k not in after)  # str order is code-point order
    meta = {
        **metadata,
        "delta_base": base_version,
        "delta_removed": json.dumps(removed, ensure_ascii=False),
        "delta_upserts": str(len(upserts)),
    }
    rows = target.take(pa.array(upserts, pa.int64())) if upserts else target.slice(0, 0)
    return write_ipc(rows, meta)
