"""Arrow IPC stream encoding and the precompressed variants of a payload.

On the wire every column keeps its contract type's meaning but takes the narrowest width that
holds this table's values (`wire_schema`): dictionary indices int8 / int16 / int32 by dictionary
size, integer columns int8 / int16 by their range. Nothing is lost; `read_ipc` widens them back
to the contract's widths (int32 integers, int32 indices), so server code never sees the narrowing.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc
import zstandard

ENCODINGS = ("zstd", "gzip")
GZIP_LEVEL = 6
ZSTD_LEVEL = 9
# per-request results are compressed while the client waits: speed over the last few percent
FAST_LEVELS = {"gzip": 1, "zstd": 3}


# Signed index / integer widths, narrowest first, with the largest value each holds.
_WIDTHS = ((pa.int8(), 2**7 - 1), (pa.int16(), 2**15 - 1))
_WIDE_INTEGERS = (pa.int32(),)


def write_ipc(table: pa.Table, metadata: Mapping[str, str]) -> bytes:
    """One IPC stream: the schema with `metadata`, one dictionary per column, the batches, each
    column in its narrowest lossless width (`wire_schema`)."""
    if any(pa.types.is_dictionary(t) for t in table.schema.types):
        table = table.unify_dictionaries()
    schema = wire_schema(table).with_metadata({k.encode(): v.encode() for k, v in metadata.items()})
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=False, unify_dictionaries=True)
    with pa.ipc.new_stream(sink, schema, options=options) as writer:
        writer.write_table(table.cast(schema))
    return bytes(sink.getvalue().to_pybytes())


def wire_schema(table: pa.Table) -> pa.Schema:
    """`table`'s schema with each column in the narrowest width that holds its values.

    A dictionary column (dictionaries unified over the chunks) gets int8 indices up to 128
    entries, int16 up to 32,768, else int32; an int32 column gets int8 or int16 when its minimum
    and maximum fit (an all-null or empty column: int8). Other columns keep their type.
    """
    fields = []
    for f in table.schema:
        typ = f.type
        column = table.column(f.name)
        if pa.types.is_dictionary(typ) and pa.types.is_signed_integer(typ.index_type):
            size = max((len(chunk.dictionary) for chunk in column.chunks), default=0)
            index = _narrowest(0, size - 1, typ.index_type)
            typ = pa.dictionary(index, typ.value_type, typ.ordered)
        elif typ in _WIDE_INTEGERS:
            low, high = _bounds(column)
            typ = _narrowest(low, high, typ)
        fields.append(f.with_type(typ))
    return pa.schema(fields, metadata=table.schema.metadata)


def _bounds(column: pa.ChunkedArray) -> tuple[int, int]:
    """Minimum and maximum of an integer column (0, 0 when it has no value)."""
    if column.null_count == len(column):
        return 0, 0
    bounds = pc.min_max(column)
    return int(bounds["min"].as_py()), int(bounds["max"].as_py())


def _narrowest(low: int, high: int, widest: pa.DataType) -> pa.DataType:
    """The narrowest signed integer type holding low..high, never wider than `widest`."""
    for typ, top in _WIDTHS:
        if typ.bit_width >= widest.bit_width:
            break
        if -top - 1 <= low and high <= top:
            return typ
    return widest


def read_ipc(body: bytes) -> pa.Table:
    """Read an IPC stream back, narrowed columns widened to the contract's widths (int32
    integers, int32 dictionary indices); zero-copy over `body` when nothing was narrowed."""
    table = pa.ipc.open_stream(pa.py_buffer(body)).read_all()
    schema = widened_schema(table.schema)
    return table if schema.equals(table.schema) else table.cast(schema)


def widened_schema(schema: pa.Schema) -> pa.Schema:
    """The inverse of `wire_schema`'s narrowing: int8 / int16 integers and dictionary indices
    back to int32 (metadata kept)."""
    narrow = (pa.int8(), pa.int16())
    fields = []
    for f in schema:
        typ = f.type
        if pa.types.is_dictionary(typ) and typ.index_type in narrow:
            typ = pa.dictionary(pa.int32(), typ.value_type, typ.ordered)
        elif typ in narrow:
            typ = pa.int32()
        fields.append(f.with_type(typ))
    return pa.schema(fields, metadata=schema.metadata)


def compress(body: bytes, encoding: str, *, fast: bool = False) -> bytes:
    """Compress a payload for one Content-Encoding (`fast`: the levels of FAST_LEVELS)."""
    if encoding == "gzip":
        level = FAST_LEVELS["gzip"] if fast else GZIP_LEVEL
        return gzip.compress(body, compresslevel=level, mtime=0)
    if encoding == "zstd":
        level = FAST_LEVELS["zstd"] if fast else ZSTD_LEVEL
        return bytes(zstandard.ZstdCompressor(level=level).compress(body))
    raise ValueError(f"unsupported encoding {encoding!r}")


def decompress(data: bytes, encoding: str) -> bytes:
    """Inverse of `compress`."""
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "zstd":
        return bytes(zstandard.ZstdDecompressor().decompress(data))
    raise ValueError(f"unsupported encoding {encoding!r}")


def negotiate(accept_encoding: str, available: Mapping[str, bytes]) -> str | None:
    """Pick the best precompressed variant the client accepts (q=0 refuses), else None."""
    accepted: dict[str, float] = {}
    for part in accept_encoding.split(","):
        token, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if token:
            accepted[token.strip().lower()] = q
    for enc in ENCODINGS:
        q = accepted.get(enc, accepted.get("*", 0.0))
        if q > 0 and enc in available:
            return enc
    return None
