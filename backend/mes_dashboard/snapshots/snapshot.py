"""The Snapshot: one immutable version of a dataset, as served and as stored."""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard import contracts
from mes_dashboard.snapshots.builder import Built, detail_columns, main_columns
from mes_dashboard.snapshots.encode import ENCODINGS, compress, decompress, read_ipc, write_ipc


@dataclass(frozen=True)
class Snapshot:
    """Encoded payload (main columns), its compressed variants, and the detail columns.

    `detail` is the IPC stream of the detail-only columns, zstd-compressed: it is read only when a
    drawer asks for one row, so it stays small in every worker's memory. `snapshot_time` is the
    time this content was first built; the store keeps the last time the source confirmed it
    (`SnapshotStore.confirmed_time`).
    """

    dataset: str
    version: str
    generated_at: datetime
    snapshot_time: datetime
    rows: int
    body: bytes
    variants: dict[str, bytes]
    detail: bytes
    detail_lists: bytes = b"{}"
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        """The strong ETag of the full payload."""
        return f'"{self.version}"'

    @cached_property
    def table(self) -> pa.Table:
        """The main payload decoded (zero-copy)."""
        return read_ipc(self.body)

    def detail_row(self, i: int) -> dict[str, Any]:
        """Row `i` of the detail-only columns (kept zstd-compressed; decoded per lookup)."""
        table = read_ipc(decompress(self.detail, "zstd"))
        return dict(table.slice(i, 1).to_pylist()[0])

    @property
    def columns(self) -> list[str]:
        """Column names of the main payload."""
        return list(self.table.column_names)

    @cached_property
    def _key_order(self) -> tuple[pa.Array, pa.Array]:
        key = contracts.dataset(self.dataset)["key"]
        keys = self.table.column(key).combine_chunks()
        order = pc.sort_indices(keys)
        return keys.take(order), order

    def row_index(self, key: str) -> int | None:
        """Position of the row whose key column equals `key` (binary search on a sorted index)."""
        sorted_keys, order = self._key_order
        lo = bisect_left(_ArrowSeq(sorted_keys), key)
        if lo < len(sorted_keys) and sorted_keys[lo].as_py() == key:
            return int(order[lo].as_py())
        return None

    def row(self, key: str) -> dict[str, Any] | None:
        """One row with its detail fields and detail lists, JSON-ready (timestamps in ISO)."""
        i = self.row_index(key)
        if i is None:
            return None
        rec = self.table.slice(i, 1).to_pylist()[0] | self.detail_row(i)
        out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in rec.items()}
        lists = json.loads(self.detail_lists)
        for name, by_key in lists.items():
            out[name] = by_key.get(key, [])
        return out

    def describe(self) -> dict[str, Any]:
        """The catalogue entry of GET /api/v1/datasets."""
        return {
            "name": self.dataset,
            "version": self.version,
            "rows": self.rows,
            "generated_at": self.generated_at.isoformat(),
            "snapshot_time": self.snapshot_time.isoformat(),
            "bytes": len(self.body),
            "columns": [
                {"name": f.name, "type": str(f.type), "nullable": f.nullable}
                for f in self.table.schema
            ],
        }


class _ArrowSeq:
    """A read-only sequence view of a string array for `bisect`."""

    def __init__(self, arr: pa.Array) -> None:
        self.arr = arr

    def __len__(self) -> int:
        return len(self.arr)

    def __getitem__(self, i: int) -> Any:
        return self.arr[i].as_py()


def _iso_ms(dt: datetime) -> str:
    return dt.isoformat(timespec="milliseconds")


def content_version(built: Built) -> str:
    """The version of a built dataset: 16 hex digits of blake2b over its content only.

    The main table's IPC stream written without schema metadata (so neither the snapshot time nor
    the build time enters it), then the detail columns' stream and the detail lists, which the
    row endpoint serves from the same version. Same content => same version, on every host.
    """
    digest = hashlib.blake2b(digest_size=8)
    digest.update(write_ipc(built.table.select(main_columns(built.dataset)), {}))
    digest.update(write_ipc(built.table.select(detail_columns(built.dataset)), {}))
    digest.update(_lists_json(built).encode())
    return digest.hexdigest()


def make_snapshot(
    built: Built, generated_at: datetime | None = None, version: str | None = None
) -> Snapshot:
    """Encode a built dataset: the version is derived from the content (`content_version`,
    passed in when the caller computed it already)."""
    gen = generated_at or datetime.now(UTC)
    main = built.table.select(main_columns(built.dataset))
    version = version or content_version(built)
    meta = {
        "dataset": built.dataset,
        "snapshot_time": _iso_ms(built.snapshot_time),
        "timezone": contracts.plant_timezone(),
        "version": version,
    }
    body = write_ipc(main, meta)
    return Snapshot(
        dataset=built.dataset,
        version=version,
        generated_at=gen,
        snapshot_time=built.snapshot_time,
        rows=built.table.num_rows,
        body=body,
        variants={enc: compress(body, enc) for enc in ENCODINGS},
        detail=compress(write_ipc(built.table.select(detail_columns(built.dataset)), meta), "zstd"),
        detail_lists=_lists_json(built).encode(),
        meta=meta,
    )


def _lists_json(built: Built) -> str:
    return json.dumps(built.detail_lists, ensure_ascii=False, default=_json_default)


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
