"""Data findings over raw source tables: what the demo never shows and the warehouse does."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

import pyarrow as pa


def _rows(table: pa.Table, *names: str) -> list[tuple[Any, ...]]:
    present = [n for n in names if n in table.column_names]
    if len(present) < len(names):
        return []
    columns = [table.column(n).to_pylist() for n in names]
    return [tuple(_clean(v) for v in row) for row in zip(*columns, strict=True)]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


def mapping_conflicts(mapping: pa.Table) -> dict[str, list[str]]:
    """Workcenter groups whose mapping rows carry several sequences -> those sequences."""
    seqs: dict[str, set[str]] = defaultdict(set)
    for group, seq in _rows(mapping, "WORK_CENTER_GROUP", "WORKCENTERSEQUENCE_GROUP"):
        if group is not None and seq is not None:
            seqs[group].add(str(seq))
    return {g: sorted(s) for g, s in sorted(seqs.items()) if len(s) > 1}


def unmapped_workcenters(lots: pa.Table, mapping: pa.Table) -> dict[str, int]:
    """Workcenters that have lots but no mapping row -> their lot count."""
    known = {wc for (wc,) in _rows(mapping, "WORK_CENTER")}
    counts = Counter(wc for (wc,) in _rows(lots, "WORKCENTERNAME") if wc is not None)
    return {wc: n for wc, n in sorted(counts.items()) if wc not in known}


def group_mismatches(lots: pa.Table, mapping: pa.Table) -> dict[tuple[str, str, str], int]:
    """(workcenter, lot's own group, mapped group) -> lots, where the two groups differ."""
    mapped: dict[str, set[str]] = defaultdict(set)
    for wc, group in _rows(mapping, "WORK_CENTER", "WORK_CENTER_GROUP"):
        if wc is not None and group is not None:
            mapped[wc].add(group)
    out: Counter[tuple[str, str, str]] = Counter()
    for wc, own in _rows(lots, "WORKCENTERNAME", "WORKCENTER_GROUP"):
        groups = mapped.get(wc, set())
        if groups and own not in groups:
            out[(wc, str(own), " / ".join(sorted(groups)))] += 1
    return dict(sorted(out.items()))


def disagreeing_machines(status: pa.Table) -> dict[str, list[str]]:
    """Machines whose status rows disagree -> the columns that differ (status, job)."""
    seen: dict[str, list[set[Any]]] = defaultdict(lambda: [set(), set()])
    for rid, state, job in _rows(status, "RESOURCEID", "EQUIPMENTASSETSSTATUS", "JOBORDER"):
        if rid is not None:
            seen[rid][0].add(state)
            seen[rid][1].add(job)
    out = {}
    for rid, (states, jobs) in sorted(seen.items()):
        differ = [n for n, v in (("status", states), ("job", jobs)) if len(v) > 1]
        if differ:
            out[rid] = differ
    return out


def rows_per_day(history: pa.Table, days: list[date]) -> dict[date, int]:
    """History rows per production day (TXNDATE), every day of `days` listed (rows as the
    dataset query returns them: hours per production machine and status)."""
    counts = Counter(
        d.date() if isinstance(d, datetime) else d for (d,) in _rows(history, "TXNDATE")
    )
    return {day: counts.get(day, 0) for day in days}
