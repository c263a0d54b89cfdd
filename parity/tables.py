"""Hypothesis strategies for Arrow IPC snapshots shaped like the contract datasets.

A snapshot is a subset of a dataset's contract columns (always the columns its metrics read) with
the contract's Arrow types, nulls only where the contract allows them, values drawn from small
per-column pools (so groups repeat and filters hit), written as an IPC stream of one or more record
batches. Dictionary columns are written in one of three ways: one dictionary for the whole stream
(what the backend does), a different dictionary per batch (non-delta replacement dictionary
batches mid-stream), or growing dictionaries sent as deltas. The reference reads the same bytes
back with pyarrow, so both sides see exactly one stream. Date columns are date32 in the stream and
"YYYY-MM-DD" strings in `Snapshot.columns` (their value in queries and results), drawn mostly from
ISO-week and year edges (Dec 28 - Jan 4) and leap days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

from mes_dashboard import contracts
from parity.metrics import metric_fields
from parity.text import ORDER_PROBES, case_variant, words

TZ = contracts.plant_timezone()
SNAPSHOT_METADATA = {"snapshot_time": "2025-03-01T08:30:00+08:00", "version": "parity"}
BASE_MS = 1_740_758_400_000  # 2025-03-01T00:00:00+08:00
HOUR_MS = 3_600_000
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
DICTIONARY_MODES = ("unified", "replacement", "delta")

INTS = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([0, 1, INT32_MAX, INT32_MAX - 1, INT32_MIN, 3_000_000, 999_999_937]),
)
FLOATS = st.one_of(
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            *(0.0, -0.0, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 5e-324, 1e-300, 23.999999999999996, 24.0),
            *(math.nextafter(72.0, 0.0), 72.0, math.nextafter(72.0, 100.0), 168.0, 1e15 + 0.5),
        ]
    ),
)
TIMESTAMPS = st.one_of(
    st.builds(
        lambda hours, ms: BASE_MS + hours * HOUR_MS + ms,
        st.integers(-200, 200),
        st.sampled_from([0, 0, -1, 1, 1800_000]),
    ),
    st.sampled_from([0, -1, 1, -1_893_456_000_000, 2_147_483_648_000, 4_102_444_800_000]),
)
# calendar dates as "YYYY-MM-DD" (their value in queries and results): ISO-week and year edges
# (Dec 28 - Jan 4), leap days, the epoch, and any day of a few years around the present
_EDGE_YEARS = (2015, 2020, 2024, 2025, 2026)
DATE_EDGES = (
    *(str(dt.date(year, 12, 28) + dt.timedelta(days=k)) for year in _EDGE_YEARS for k in range(8)),
    *("2024-02-28", "2024-02-29", "2024-03-01", "2000-02-29", "1970-01-01", "1969-12-31"),
)
DATES = st.one_of(
    st.sampled_from(DATE_EDGES),
    st.dates(dt.date(1960, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat),
)
ID_PREFIXES = ("GA25", "ga25", "", "批", "\U0001f600")


@dataclass(frozen=True)
class ColumnSpec:
    """One contract column: name, contract type, nullability, semantic, fixed value list."""

    name: str
    type: str
    nullable: bool
    semantic: str
    values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Snapshot:
    """IPC bytes, the table pyarrow reads back from them, and each column's Python values."""

    dataset: str
    ipc: bytes
    table: pa.Table
    columns: dict[str, list[Any]] = field(repr=False)
    types: dict[str, str] = field(repr=False)
    batches: int
    dictionary_mode: str

    def __repr__(self) -> str:
        cols = "".join(f"\n    {name}: {values!r}," for name, values in self.columns.items())
        return (
            f"Snapshot({self.dataset!r}, rows={self.table.num_rows}, batches={self.batches}, "
            f"dictionaries={self.dictionary_mode!r}, columns={{{cols}\n  }})"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def contract_columns(dataset: str) -> list[ColumnSpec]:
    """Every column of a dataset's contract (main and detail payloads)."""
    return [
        ColumnSpec(
            c["name"],
            c["type"],
            c["nullable"],
            c["semantic"],
            tuple(c["values"]) if "values" in c else None,
        )
        for c in contracts.columns(dataset)
    ]


def string_pool(spec: ColumnSpec) -> st.SearchStrategy[list[str]]:
    """The distinct strings a string column draws from (contract values when it lists them)."""
    if spec.values is not None:
        fixed = st.lists(st.sampled_from(spec.values), min_size=1, unique=True)
        odd = st.lists(st.builds(case_variant, st.sampled_from(spec.values), st.integers(0, 3)))
        return st.builds(lambda a, b: list(dict.fromkeys(a + b)), fixed, odd.map(lambda x: x[:1]))
    probes = st.lists(st.sampled_from(ORDER_PROBES), max_size=4, unique=True)
    if spec.semantic == "identifier":
        ident = st.builds(lambda p, w: p + w, st.sampled_from(ID_PREFIXES), words())
        idents = st.lists(ident, min_size=1, max_size=10, unique=True)
        return st.builds(lambda a, b: list(dict.fromkeys(a + b)), idents, probes)
    base = st.lists(words(), min_size=1, max_size=6, unique=True)
    hows = st.lists(st.integers(0, 3), max_size=2)
    return st.builds(_with_case_variants, base, hows, probes)


def _with_case_variants(pool: list[str], hows: list[int], probes: list[str]) -> list[str]:
    variants = [case_variant(pool[i % len(pool)], how) for i, how in enumerate(hows)]
    return list(dict.fromkeys(pool + variants + probes))


def value_pool(spec: ColumnSpec) -> st.SearchStrategy[list[Any]]:
    """The distinct values a column draws its rows from."""
    if spec.type in ("dictionary", "utf8"):
        return string_pool(spec)
    if spec.type == "bool":
        return st.just([False, True])
    element = {"int32": INTS, "float64": FLOATS, "timestamp": TIMESTAMPS, "date": DATES}[spec.type]
    return st.lists(element, min_size=1, max_size=6)


def wide_pool(spec: ColumnSpec, size: int) -> st.SearchStrategy[list[Any]] | None:
    """`size` distinct values in arithmetic progression (None for flags and fixed value lists)."""
    if spec.type == "bool" or spec.values is not None:
        return None
    if spec.type in ("dictionary", "utf8"):
        return st.builds(lambda p: [f"{p}{i}" for i in range(size)], words(3))
    if spec.type == "date":
        first = st.dates(dt.date(2015, 12, 1), dt.date(2026, 12, 31))
        return st.builds(
            lambda d, step: [(d + dt.timedelta(days=i * step)).isoformat() for i in range(size)],
            first,
            st.integers(1, 3),
        )
    start, step = {
        "int32": (st.integers(-1000, 1000), st.integers(1, 1000)),
        "float64": (st.floats(-1e6, 1e6), st.floats(1e-3, 10.0)),
        "timestamp": (st.integers(BASE_MS - 10**10, BASE_MS), st.integers(1, HOUR_MS)),
    }[spec.type]
    return st.builds(lambda a, d: [a + i * d for i in range(size)], start, step)


@st.composite
def column_values(draw: st.DrawFn, spec: ColumnSpec, rows: int, wide: bool = False) -> list[Any]:
    """`rows` values of one column: pool members, and nulls where the contract allows them.

    `wide` columns draw from a pool four times the row count, so most rows differ.
    """
    many = wide_pool(spec, 4 * rows) if wide else None
    pool = draw(many if many is not None else value_pool(spec))
    choices = [*pool, None] if spec.nullable else pool
    # one choice for the whole column (fast to draw and to shrink): bytes pick each row's value
    width = 2 if len(choices) > 256 else 1
    picks = draw(st.binary(min_size=width * rows, max_size=width * rows))
    return [
        choices[int.from_bytes(picks[i : i + width], "big") % len(choices)]
        for i in range(0, len(picks), width)
    ]


@st.composite
def snapshots(
    draw: st.DrawFn,
    dataset: str,
    *,
    max_rows: int = 40,
    min_batches: int = 1,
    max_batches: int = 4,
    modes: Sequence[str] = DICTIONARY_MODES,
    all_metric_columns: bool = True,
    min_rows: int = 0,
    wide: bool = False,
    always: Sequence[str] = (),
) -> Snapshot:
    """A snapshot of `dataset`: the metric columns plus a few others, in contract order.

    With `all_metric_columns=False` some metric columns may be missing (a `?columns=` projection),
    so the metrics reading them are invalid on that table. `wide` gives most rows their own value
    in every column that has no fixed value list (many groups). `always` columns are always in.
    """
    every = contract_columns(dataset)
    required = metric_fields(dataset)
    if not all_metric_columns:
        dropped = st.lists(
            st.sampled_from(sorted(required)), unique=True, max_size=len(required) - 1
        )
        required -= set(draw(dropped))
    optional = [c.name for c in every if c.name not in required]
    extra = set(draw(st.lists(st.sampled_from(optional), max_size=6, unique=True))) | set(always)
    specs = [c for c in every if c.name in required or c.name in extra]
    rows = draw(st.integers(min_rows, max_rows))
    values = {c.name: draw(column_values(c, rows, wide)) for c in specs}
    bounds = draw(batch_bounds(rows, min_batches, max_batches))
    mode = draw(st.sampled_from(modes))
    shuffles = draw(st.randoms(use_true_random=False))
    ipc = write_stream(specs, values, bounds, mode, shuffles)
    table = pa.ipc.open_stream(pa.py_buffer(ipc)).read_all()
    types = {c.name: c.type for c in specs}
    return Snapshot(dataset, ipc, table, values, types, len(bounds), mode)


@st.composite
def batch_bounds(
    draw: st.DrawFn, rows: int, min_batches: int, max_batches: int
) -> list[tuple[int, int]]:
    """(start, end) of each record batch; empty batches allowed, none at all for no rows."""
    count = draw(st.integers(0 if rows == 0 else min_batches, max_batches))
    gaps = max(count - 1, 0)
    cuts = sorted(draw(st.lists(st.integers(0, rows), min_size=gaps, max_size=gaps)))
    return list(zip([0, *cuts], [*cuts, rows], strict=True)) if count else []


@st.composite
def reencoded(draw: st.DrawFn, snap: Snapshot, *, max_batches: int = 4) -> Snapshot:
    """The same rows written again with other batch bounds and another dictionary mode."""
    specs = [c for c in contract_columns(snap.dataset) if c.name in snap.types]
    bounds = draw(batch_bounds(snap.table.num_rows, 1, max_batches))
    mode = draw(st.sampled_from(DICTIONARY_MODES))
    ipc = write_stream(specs, snap.columns, bounds, mode, draw(st.randoms(use_true_random=False)))
    table = pa.ipc.open_stream(pa.py_buffer(ipc)).read_all()
    return Snapshot(snap.dataset, ipc, table, snap.columns, snap.types, len(bounds), mode)


def arrow_schema(specs: Sequence[ColumnSpec]) -> pa.Schema:
    """The contract Arrow schema of these columns, with the snapshot metadata."""
    return pa.schema(
        [pa.field(c.name, contracts.arrow_type({"type": c.type}), c.nullable) for c in specs],
        metadata=SNAPSHOT_METADATA,
    )


def write_stream(
    specs: Sequence[ColumnSpec],
    values: dict[str, list[Any]],
    bounds: Sequence[tuple[int, int]],
    mode: str,
    shuffles: Any,
) -> bytes:
    """One IPC stream with a record batch per (start, end) bound, in wire widths drawn at random
    among those that hold the values (as the server narrows them: snapshots/encode.py)."""
    dictionaries = {
        c.name: batch_dictionaries(values[c.name], bounds, mode, shuffles)
        for c in specs
        if c.type == "dictionary"
    }
    schema = wire_widths(arrow_schema(specs), specs, values, dictionaries, shuffles)
    options = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=mode == "delta")
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema, options=options) as writer:
        for b, (start, end) in enumerate(bounds):
            arrays = [
                _array(
                    c,
                    values[c.name][start:end],
                    dictionaries[c.name][b] if c.name in dictionaries else [],
                    f.type,
                )
                for c, f in zip(specs, schema, strict=True)
            ]
            writer.write_batch(pa.record_batch(arrays, schema=schema))
    return bytes(sink.getvalue().to_pybytes())


WIDTHS = ((pa.int8(), 2**7 - 1), (pa.int16(), 2**15 - 1), (pa.int32(), 2**31 - 1))


def wire_widths(
    schema: pa.Schema,
    specs: Sequence[ColumnSpec],
    values: dict[str, list[Any]],
    dictionaries: dict[str, list[list[str | None]]],
    shuffles: Any,
) -> pa.Schema:
    """Dictionary indices and int32 columns in a width drawn among int8 / int16 / int32 that hold
    them (the largest dictionary of any batch; the column's minimum and maximum)."""
    fields = []
    for spec, f in zip(specs, schema, strict=True):
        if spec.type == "dictionary":
            size = max((len(d) for d in dictionaries[spec.name]), default=0)
            fits = [t for t, top in WIDTHS if size - 1 <= top]
            index = shuffles.choice(fits)
            fields.append(f.with_type(pa.dictionary(index, f.type.value_type)))
        elif spec.type == "int32":
            present = [v for v in values[spec.name] if v is not None]
            low, high = min(present, default=0), max(present, default=0)
            fits = [t for t, top in WIDTHS if -top - 1 <= low and high <= top]
            fields.append(f.with_type(shuffles.choice(fits)))
        else:
            fields.append(f)
    return pa.schema(fields, metadata=schema.metadata)


def batch_dictionaries(
    column: list[str | None], bounds: Sequence[tuple[int, int]], mode: str, shuffles: Any
) -> list[list[str | None]]:
    """The dictionary of each batch: shared, replaced per batch, or grown (deltas)."""
    if mode == "unified":
        shared: list[str | None] = [v for v in dict.fromkeys(column) if v is not None]
        if None in column and shuffles.random() < 0.5:
            shared.append(None)  # a null dictionary entry: rows pointing at it are null too
        shared = shuffled(shared, shuffles)
        return [shared for _ in bounds]
    out: list[list[str | None]] = []
    for b, (start, end) in enumerate(bounds):
        fresh = [v for v in dict.fromkeys(column[start:end]) if v is not None]
        if mode == "replacement":
            # an unused entry of its own makes every batch's dictionary differ from the last
            out.append(shuffled([*fresh, f"unused {b}"], shuffles))
        else:
            previous = out[-1] if out else []
            out.append(previous + shuffled([v for v in fresh if v not in previous], shuffles))
    return out


def shuffled(items: list[Any], shuffles: Any) -> list[Any]:
    """A shuffled copy (dictionary order must not matter to either side)."""
    copy = list(items)
    shuffles.shuffle(copy)
    return copy


def _array(
    spec: ColumnSpec, values: list[Any], dictionary: list[str | None], wire: pa.DataType
) -> pa.Array:
    """One batch's array in its wire type (the contract type, or a narrower integer width)."""
    arrow_type = contracts.arrow_type({"type": spec.type})
    if spec.type == "int32":
        return pa.array(values, type=wire)
    if spec.type == "date":
        days = [None if v is None else dt.date.fromisoformat(v) for v in values]
        return pa.array(days, type=arrow_type)
    if spec.type != "dictionary":
        return pa.array(values, type=arrow_type)
    index = {v: i for i, v in enumerate(dictionary)}
    # a null row has a null index, or (every other one) the dictionary's null entry when it has one
    via_entry = (
        set([i for i, v in enumerate(values) if v is None][1::2]) if None in index else set()
    )
    codes = pa.array(
        [
            index[None] if i in via_entry else None if v is None else index[v]
            for i, v in enumerate(values)
        ],
        wire.index_type,
    )
    return pa.DictionaryArray.from_arrays(codes, pa.array(dictionary, pa.utf8()))


def dictionary_messages(ipc: bytes) -> int:
    """How many dictionary batches the stream carries (replacements and deltas included)."""
    reader = pa.ipc.MessageReader.open_stream(pa.py_buffer(ipc))
    return sum(1 for message in reader if message.type == "dictionary")
