"""Arrow IPC stream encoding and the precompressed variants of a payload."""

from __future__ import annotations

import gzip
from collections.abc import Mapping

import pyarrow as pa
import zstandard

ENCODINGS = ("zstd", "gzip")
GZIP_LEVEL = 6
ZSTD_LEVEL = 9
# per-request results are compressed while the client waits: speed over the last few percent
FAST_LEVELS = {"gzip": 1, "zstd": 3}


def write_ipc(table: pa.Table, metadata: Mapping[str, str]) -> bytes:
    """One IPC stream: the schema with `metadata`, one dictionary per column, the batches."""
    schema = table.schema.with_metadata({k.encode(): v.encode() for k, v in metadata.items()})
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=False, unify_dictionaries=True)
    with pa.ipc.new_stream(sink, schema, options=options) as writer:
        writer.write_table(table.cast(schema))
    return bytes(sink.getvalue().to_pybytes())


def read_ipc(body: bytes) -> pa.Table:
    """Read an IPC stream back (zero-copy over `body`)."""
    return pa.ipc.open_stream(pa.py_buffer(body)).read_all()


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
