"""Delta snapshots: row fingerprints of a version, the delta A -> B, and applying it.

A fingerprint is a version's key column (sorted ascending, unique) with a 64-bit digest per row
over every main column. The delta from a base A to a snapshot B is one Arrow IPC stream with B's
schema and metadata plus `delta_base` (A), `delta_removed` (JSON array of the keys of A that B no
longer has, ascending) and `delta_upserts` (the number of rows): its rows are the rows of B that
are new or changed since A, in B's order. `apply_delta` is the reference of what a client does:
A minus the removed and upserted keys, plus the upserted rows, ordered by key == B.

Digests are computed with Arrow kernels only (no per-row Python): every value is mapped to a
64-bit word (strings through a mixed position-weighted byte sum, numbers and times through their
bit pattern, dictionaries through their values, so a row's digest does not depend on a
dictionary's layout), nulls to a constant of their own, and the columns are folded in schema order
with the splitmix64 finaliser (a bijection) after each. Equal rows always have equal digests; rows
differing in one number or time never collide; other differences collide with a probability near
2**-57.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard.snapshots.encode import ENCODINGS, compress, decompress, read_ipc, write_ipc

DELTA_KEYS = ("delta_base", "delta_removed", "delta_upserts")
U64 = pa.uint64()
_M1 = pa.scalar(0xBF58476D1CE4E5B9, U64)
_M2 = pa.scalar(0x94D049BB133111EB, U64)
_GOLDEN = pa.scalar(0x9E3779B97F4A7C15, U64)
_ROW_MUL = pa.scalar(0x100000001B3, U64)
_LEN_MUL = pa.scalar(0xC2B2AE3D27D4EB4F, U64)
_STR_SALT = pa.scalar(0x27D4EB2F165667C5, U64)
_NULL = pa.scalar(0x5BD1E9955BD1E995, U64)
_SEED = 0x84222325CBF29CE4


def _s(n: int) -> pa.Scalar:
    return pa.scalar(n, U64)


def mix64(x: pa.Array) -> pa.Array:
    """The splitmix64 finaliser over a uint64 array (wrapping arithmetic)."""
    x = pc.bit_wise_xor(x, pc.shift_right(x, _s(30)))
    x = pc.multiply(x, _M1)
    x = pc.bit_wise_xor(x, pc.shift_right(x, _s(27)))
    x = pc.multiply(x, _M2)
    return pc.bit_wise_xor(x, pc.shift_right(x, _s(31)))


def _arange(n: int) -> pa.Array:
    """0 .. n-1 as int64."""
    if n == 0:
        return pa.array([], pa.int64())
    return pc.subtract(pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), n)), 1)


@lru_cache(maxsize=8)
def _weights(n: int) -> pa.Array:
    """One odd 64-bit weight per byte position (the same on every host)."""
    return pc.bit_wise_or(mix64(pc.multiply(pc.add(_arange(n).cast(U64), _s(1)), _GOLDEN)), _s(1))


def _weights_for(length: int) -> pa.Array:
    """Weights for positions 0 .. length-1 (cached by powers of two)."""
    size = 64
    while size < length:
        size *= 2
    return _weights(size)


def _binary_hash(arr: pa.Array) -> pa.Array:
    """A uint64 hash per value of a string or binary array (nulls are left to the caller)."""
    arr = arr.cast(pa.large_binary())
    n = len(arr)
    if n == 0:
        return pa.array([], U64)
    offsets_buf, data_buf = arr.buffers()[1], arr.buffers()[2]
    offsets = pa.Array.from_buffers(pa.int64(), n + 1, [None, offsets_buf], offset=arr.offset)
    first, last = offsets[0].as_py(), offsets[n].as_py()
    rel = pc.subtract(offsets, first)
    starts, ends = rel.slice(0, n), rel.slice(1, n)
    lengths = pc.subtract(ends, starts)
    total = last - first
    if total == 0:
        sums = pa.repeat(_s(0), n)
    else:
        data = pa.Array.from_buffers(pa.uint8(), total, [None, data_buf], offset=first)
        parents = pc.list_parent_indices(pa.LargeListArray.from_arrays(rel, data))
        pos = pc.subtract(_arange(total), pc.take(starts, parents))
        weights = _weights_for(pc.max(lengths).as_py())
        terms = pc.multiply(pc.add(data.cast(U64), _s(1)), pc.take(weights, pos))
        prefix = pa.concat_arrays([pa.array([0], U64), pc.cumulative_sum(terms)])
        sums = pc.subtract(pc.take(prefix, ends), pc.take(prefix, starts))
    salted = pc.add(pc.add(sums, pc.multiply(lengths.cast(U64), _LEN_MUL)), _STR_SALT)
    return mix64(salted)


def _bits(arr: pa.Array) -> pa.Array:
    """The 64-bit pattern of each value of a fixed-width array, as uint64."""
    typ = arr.type
    if pa.types.is_floating(typ):
        return arr.cast(pa.float64()).view(U64)
    if pa.types.is_boolean(typ):
        return arr.cast(U64)
    if pa.types.is_unsigned_integer(typ):
        return arr.cast(U64)
    return arr.cast(pa.int64()).view(U64)


def value_hashes(arr: pa.Array) -> pa.Array:
    """A uint64 value per value (strings and dictionary values hashed, numbers and times their
    bit pattern); every null gets the same constant, distinct from the values."""
    typ = arr.type
    if pa.types.is_dictionary(typ):
        hashed = pc.take(value_hashes(arr.dictionary), arr.indices)
        return pc.fill_null(hashed, _NULL)
    if (
        pa.types.is_string(typ)
        or pa.types.is_large_string(typ)
        or pa.types.is_binary(typ)
        or pa.types.is_large_binary(typ)
        or pa.types.is_string_view(typ)
        or pa.types.is_binary_view(typ)
    ):
        hashed = _binary_hash(arr)
    elif (
        pa.types.is_integer(typ)
        or pa.types.is_floating(typ)
        or pa.types.is_boolean(typ)
        or pa.types.is_temporal(typ)
    ):
        hashed = _bits(arr)  # the row fold mixes it (a bijection: no collision on its own)
    else:  # decimals and anything else: their text form
        hashed = _binary_hash(arr.cast(pa.string()))
    if arr.null_count == 0:
        return hashed
    return pc.if_else(pc.is_valid(arr), hashed, _NULL)


def row_digests(table: pa.Table) -> pa.Array:
    """A uint64 digest per row over every column of `table`, in column order."""
    n = table.num_rows
    digest = pa.repeat(_s(_SEED), n) if n else pa.array([], U64)
    for i, column in enumerate(table.columns):
        chunks = [value_hashes(chunk) for chunk in column.chunks]
        hashed = pa.concat_arrays(chunks) if chunks else pa.array([], U64)
        salt = _s((i + 1) * 0x9E3779B1)
        digest = mix64(pc.add(pc.multiply(digest, _ROW_MUL), pc.bit_wise_xor(hashed, salt)))
    return digest


@dataclass(frozen=True)
class Fingerprint:
    """A version's keys (ascending, unique) and a digest per row, in the same order."""

    version: str
    keys: pa.Array
    digests: pa.Array

    def to_bytes(self) -> bytes:
        """A plain IPC stream (zstd-compressed) of the keys and digests, named by version (not a
        wire payload: written as is, whatever `write_ipc` does to payloads)."""
        table = pa.table({"key": self.keys, "digest": self.digests})
        table = table.replace_schema_metadata({"version": self.version})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        return compress(sink.getvalue().to_pybytes(), "zstd", fast=True)

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Inverse of `to_bytes`."""
        table = pa.ipc.open_stream(pa.py_buffer(decompress(data, "zstd"))).read_all()
        version = (table.schema.metadata or {})[b"version"].decode()
        return cls(version, table["key"].combine_chunks(), table["digest"].combine_chunks())


def _keys(table: pa.Table, key: str) -> pa.Array:
    col = table[key].combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    return col.cast(pa.string())


def fingerprint(table: pa.Table, key: str, version: str) -> Fingerprint:
    """The fingerprint of a table sorted by `key`; refuses duplicate or null keys.

    The digests cover every column but the key: rows are only ever compared with the row of the
    same key, so the key adds nothing (and hashing a unique string column is the costly part).
    """
    keys = _keys(table, key)
    if keys.null_count or pc.count_distinct(keys).as_py() != len(keys):
        raise ValueError(f"the key column {key!r} has nulls or duplicates; no deltas")
    return Fingerprint(version, keys, row_digests(table.drop_columns([key])))


def _compact(table: pa.Table) -> pa.Table:
    """Dictionaries reduced to the values the rows use (the index types stay)."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_dictionary(field.type):
            values = column.cast(field.type.value_type).combine_chunks()
            column = pa.chunked_array([values.dictionary_encode().cast(field.type)], field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def build_delta(
    base: Fingerprint,
    table: pa.Table,
    metadata: Mapping[str, str],
    key: str,
    target: Fingerprint | None = None,
) -> bytes:
    """The delta from the base version to `table` (version B, sorted by key, with `metadata`).

    `target` is the fingerprint of `table` when the caller already has it.
    """
    target = target or fingerprint(table, key, metadata.get("version", ""))
    at = pc.index_in(target.keys, value_set=base.keys)
    before = pc.take(base.digests, at)
    changed = pc.fill_null(pc.not_equal(before, target.digests), True)
    upserts = _compact(table.filter(changed))
    gone = base.keys.filter(pc.invert(pc.is_in(base.keys, value_set=target.keys)))
    removed = gone.take(pc.sort_indices(gone)).to_pylist()
    meta = dict(metadata) | {
        "delta_base": base.version,
        "delta_removed": json.dumps(removed, ensure_ascii=False, separators=(",", ":")),
        "delta_upserts": str(upserts.num_rows),
    }
    return write_ipc(upserts, meta)


@dataclass(frozen=True)
class Delta:
    """A stored delta base -> version: its IPC body and precompressed variants."""

    base: str
    version: str
    body: bytes
    variants: dict[str, bytes]

    @classmethod
    def encode(cls, base: str, version: str, body: bytes) -> Delta:
        """The delta with its variants compressed (as a snapshot's, once per version pair)."""
        return cls(base, version, body, {enc: compress(body, enc) for enc in ENCODINGS})


def delta_metadata(delta: pa.Table) -> dict[str, str]:
    """The schema metadata of a decoded delta."""
    raw = delta.schema.metadata or {}
    return {k.decode(): v.decode() for k, v in raw.items()}


def apply_delta(table: pa.Table, delta: bytes, key: str) -> pa.Table:
    """The table of version B from the table of the base version and the delta (reference)."""
    upserts = read_ipc(delta)
    meta = delta_metadata(upserts)
    schema = upserts.schema.remove_metadata()
    removed = pa.array(json.loads(meta["delta_removed"]), pa.string())
    drop = pa.concat_arrays([removed, _keys(upserts, key)])
    kept = table.filter(pc.invert(pc.is_in(_keys(table, key), value_set=drop)))
    kept = kept.select(schema.names).cast(schema)
    merged = pa.concat_tables([kept, upserts.cast(schema)]).unify_dictionaries()
    ordered = merged.take(pc.sort_indices(_keys(merged, key))).combine_chunks()
    out = {k: v for k, v in meta.items() if k not in DELTA_KEYS}
    return ordered.replace_schema_metadata({k.encode(): v.encode() for k, v in out.items()})
