"""The strategies the properties draw from: a snapshot and a set of queries evaluated together.

One example is one IPC stream plus several queries, so the browser is called once per example
(see harness.py). Building blocks: text.py (strings), tables.py (snapshots), queries.py (valid
queries), invalid.py (queries the contract rejects).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from parity.invalid import invalid_queries
from parity.queries import queries
from parity.tables import Snapshot, snapshots

__all__ = ["Example", "examples", "invalid_examples", "queries", "snapshots"]


@dataclass(frozen=True)
class Example:
    """A snapshot and the queries run on it."""

    snapshot: Snapshot
    queries: list[Any]

    def __repr__(self) -> str:
        texts = "\n  ".join(json.dumps(q, ensure_ascii=False) for q in self.queries)
        return f"Example(\n  {self.snapshot!r}\n  {texts}\n)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@st.composite
def examples(
    draw: st.DrawFn,
    /,
    dataset: str,
    *,
    min_queries: int = 3,
    max_queries: int = 8,
    **tables: Any,
) -> Example:
    """A snapshot of `dataset` (options as for `snapshots`) and valid queries over it."""
    snap = draw(snapshots(dataset, **tables))
    drawn = draw(st.lists(queries(snap), min_size=min_queries, max_size=max_queries))
    return Example(snap, drawn)


@st.composite
def invalid_examples(draw: st.DrawFn, dataset: str, *, max_queries: int = 8) -> Example:
    """A snapshot of `dataset` and queries the contract rejects."""
    snap = draw(snapshots(dataset, max_rows=10, all_metric_columns=False))
    drawn = draw(st.lists(invalid_queries(snap), min_size=1, max_size=max_queries))
    return Example(snap, drawn)
