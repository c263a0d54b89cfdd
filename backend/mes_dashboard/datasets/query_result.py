"""One encoded result of a query-backed dataset: the IPC stream, its compressed variants and an
ETag derived from the content, framed as bytes for the query cache."""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from mes_dashboard import contracts
from mes_dashboard.snapshots.encode import ENCODINGS, compress, write_ipc

HEADER = struct.Struct(">I")


@dataclass(frozen=True)
class QueryResult:
    """`variants` holds `identity` and every precompressed encoding."""

    dataset: str
    version: str
    generated_at: datetime
    rows: int
    variants: dict[str, bytes]

    @property
    def etag(self) -> str:
        """The strong ETag: equal content, equal tag, whenever it was computed."""
        return f'"{self.version}"'

    def to_bytes(self) -> bytes:
        """A length-prefixed JSON header, then the variants' bytes in header order."""
        sizes = {name: len(body) for name, body in self.variants.items()}
        header = json.dumps(
            {
                "dataset": self.dataset,
                "version": self.version,
                "generated_at": self.generated_at.isoformat(),
                "rows": self.rows,
                "sizes": sizes,
            }
        ).encode()
        return HEADER.pack(len(header)) + header + b"".join(self.variants.values())

    @classmethod
    def from_bytes(cls, data: bytes) -> QueryResult:
        """Inverse of `to_bytes`."""
        (length,) = HEADER.unpack_from(data)
        head = json.loads(data[HEADER.size : HEADER.size + length])
        variants, at = {}, HEADER.size + length
        for name, size in head["sizes"].items():
            variants[name] = data[at : at + size]
            at += size
        return cls(
            head["dataset"],
            head["version"],
            datetime.fromisoformat(head["generated_at"]),
            int(head["rows"]),
            variants,
        )


def encode_result(
    dataset: str, table: pa.Table, generated_at: datetime, params: Mapping[str, object]
) -> QueryResult:
    """Encode a result; its version is a digest of the table and the parameters alone."""
    meta = {
        "dataset": dataset,
        "timezone": contracts.plant_timezone(),
        "query": json.dumps(params, ensure_ascii=False, sort_keys=True, default=str),
    }
    version = hashlib.blake2b(write_ipc(table, meta), digest_size=8).hexdigest()
    meta |= {"version": version, "snapshot_time": generated_at.isoformat(timespec="milliseconds")}
    body = write_ipc(table, meta)
    variants = {"identity": body} | {enc: compress(body, enc, fast=True) for enc in ENCODINGS}
    return QueryResult(dataset, version, generated_at, table.num_rows, variants)
