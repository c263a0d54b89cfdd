"""Pairs of snapshot versions A and B of one dataset as the server writes them, and the delta.

Both versions carry every main column of the dataset's contract, with unique keys, sorted by key
(code points) as the server sorts snapshots, and are written by the server's own encoder
(`snapshots.encode.write_ipc`). Each key of a small key pool is in A only (removed), in B only
(inserted), in both unchanged, or in both with a new row (changed). Unchanged rows keep A's
values; new and changed rows draw from value pools of their own, so B's dictionaries gain values
A lacks and lose values only A's rows used. Either version may be empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

from mes_dashboard import contracts
from mes_dashboard.snapshots.delta import build_delta, fingerprint
from mes_dashboard.snapshots.encode import write_ipc
from parity.tables import ID_PREFIXES, ColumnSpec, column_values, contract_columns
from parity.text import ORDER_PROBES, words

FATES = ("removed", "inserted", "unchanged", "changed")
SNAPSHOT_TIME = "2025-03-01T08:30:00+08:00"


@dataclass(frozen=True)
class VersionPair:
    """Full IPC bytes of A and B, the delta A -> B, and B's table as pyarrow reads it."""

    dataset: str
    a: bytes
    b: bytes
    delta: bytes
    table_b: pa.Table = field(repr=False)
    rows: dict[str, list[dict[str, Any]]] = field(repr=False)

    def __repr__(self) -> str:
        lines = [f"VersionPair({self.dataset!r},"]
        for name in ("a", "b"):
            lines.append(f"  {name.upper()}: [")
            lines += [f"    {row!r}," for row in self.rows[name]]
            lines.append("  ],")
        return "\n".join([*lines, ")"])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def main_specs(dataset: str) -> list[ColumnSpec]:
    """The contract's main (shipped) columns of a dataset."""
    main = {c["name"] for c in contracts.columns(dataset, "main")}
    return [c for c in contract_columns(dataset) if c.name in main]


def keys_pool() -> st.SearchStrategy[list[str]]:
    """Distinct keys: identifier-like, with prefixes whose code-point and UTF-16 orders differ."""
    ident = st.builds(lambda p, w: p + w, st.sampled_from(ID_PREFIXES), words())
    probes = st.lists(st.sampled_from(ORDER_PROBES), max_size=3)
    return st.builds(
        lambda a, b: list(dict.fromkeys(a + b)), st.lists(ident, max_size=14, unique=True), probes
    )


@st.composite
def rows_of(draw: st.DrawFn, specs: list[ColumnSpec], keys: list[str]) -> list[dict[str, Any]]:
    """One row per key; the other columns drawn from pools of their own."""
    others = {c.name: draw(column_values(c, len(keys))) for c in specs[1:]}
    return [
        {specs[0].name: key, **{name: values[i] for name, values in others.items()}}
        for i, key in enumerate(keys)
    ]


def write(
    dataset: str, specs: list[ColumnSpec], rows: list[dict[str, Any]], key: str, version: str
) -> bytes:
    """The snapshot's IPC bytes, rows sorted by key, with the server's metadata."""
    schema = pa.schema(
        [pa.field(c.name, contracts.arrow_type({"type": c.type}), c.nullable) for c in specs]
    )
    ordered = sorted(rows, key=lambda r: r[key])  # str order is code-point order
    table = pa.Table.from_pylist(ordered, schema=schema)
    return write_ipc(table, metadata(dataset, version))


def metadata(dataset: str, version: str) -> dict[str, str]:
    """Snapshot metadata as the server writes it."""
    return {
        "dataset": dataset,
        "version": version,
        "snapshot_time": SNAPSHOT_TIME,
        "timezone": contracts.plant_timezone(),
    }


def read(ipc: bytes) -> pa.Table:
    """The table pyarrow reads from IPC bytes."""
    return pa.ipc.open_stream(pa.py_buffer(ipc)).read_all()


@st.composite
def version_pairs(draw: st.DrawFn, dataset: str) -> VersionPair:
    """Versions A and B of `dataset` and the delta A -> B."""
    specs = main_specs(dataset)
    key = contracts.dataset(dataset)["key"]
    specs.sort(key=lambda c: c.name != key)  # the key first (column order is restored below)
    keys = draw(keys_pool())
    fates = draw(st.lists(st.sampled_from(FATES), min_size=len(keys), max_size=len(keys)))
    in_a = [k for k, f in zip(keys, fates, strict=True) if f != "inserted"]
    fresh = [k for k, f in zip(keys, fates, strict=True) if f in ("inserted", "changed")]
    rows_a = draw(rows_of(specs, in_a))
    rows_new = {r[key]: r for r in draw(rows_of(specs, fresh))}
    by_key = {r[key]: r for r in rows_a}
    rows_b = [
        rows_new[k] if f in ("inserted", "changed") else by_key[k]
        for k, f in zip(keys, fates, strict=True)
        if f != "removed"
    ]
    ordered = main_specs(dataset)
    a = write(dataset, ordered, rows_a, key, "a-version")
    b = write(dataset, ordered, rows_b, key, "b-version")
    table_a, table_b = read(a), read(b)
    base = fingerprint(table_a, key, "a-version")
    delta = build_delta(base, table_b, metadata(dataset, "b-version"), key)
    return VersionPair(dataset, a, b, delta, table_b, {"a": rows_a, "b": rows_b})
