"""A Snapshot as named byte parts (how Redis stores one version), and back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from mes_dashboard.snapshots.delta import Delta
from mes_dashboard.snapshots.encode import ENCODINGS
from mes_dashboard.snapshots.snapshot import Snapshot


def variant_part(encoding: str) -> str:
    """The part name of a precompressed variant of the body."""
    return f"body.{encoding}"


# every part a reader asks for; `meta` lists the ones a version actually has
PARTS = ("meta", "body", "detail", "detail_lists", *(variant_part(e) for e in ENCODINGS))


def to_parts(snap: Snapshot) -> dict[str, bytes]:
    """The parts of one version: meta JSON, body, variants, detail, detail lists."""
    unknown = set(snap.variants) - set(ENCODINGS)
    if unknown:
        raise ValueError(f"variants without a part name: {sorted(unknown)}")
    parts = {"body": snap.body, "detail": snap.detail, "detail_lists": snap.detail_lists}
    parts |= {variant_part(enc): data for enc, data in snap.variants.items()}
    meta = {
        "dataset": snap.dataset,
        "version": snap.version,
        "generated_at": snap.generated_at.isoformat(),
        "snapshot_time": snap.snapshot_time.isoformat(),
        "rows": snap.rows,
        "meta": snap.meta,
        "parts": ["meta", *parts],
    }
    return {"meta": json.dumps(meta, ensure_ascii=False).encode()} | parts


def from_parts(values: Mapping[str, bytes | None], version: str) -> Snapshot | None:
    """The snapshot `version`, or None when any of its parts is missing."""
    raw = values.get("meta")
    if raw is None:
        return None
    meta = json.loads(raw)
    got = {name: values.get(name) for name in meta["parts"]}
    if meta["version"] != version or any(v is None for v in got.values()):
        return None
    data = {name: v for name, v in got.items() if v is not None}
    return Snapshot(
        dataset=meta["dataset"],
        version=version,
        generated_at=datetime.fromisoformat(meta["generated_at"]),
        snapshot_time=datetime.fromisoformat(meta["snapshot_time"]),
        rows=int(meta["rows"]),
        body=data["body"],
        variants={enc: data[variant_part(enc)] for enc in ENCODINGS if variant_part(enc) in data},
        detail=data["detail"],
        detail_lists=data["detail_lists"],
        meta=dict(meta["meta"]),
    )


# the parts of a stored delta base -> version; `meta` says whether it was kept (small enough)
DELTA_PARTS = ("meta", "body", *(variant_part(e) for e in ENCODINGS))


def delta_to_parts(delta: Delta | None, base: str, version: str) -> dict[str, bytes]:
    """The parts of a delta; only `meta` (kept: false) for one built but too large to serve."""
    parts: dict[str, bytes] = {}
    if delta is not None:
        parts = {"body": delta.body} | {variant_part(e): d for e, d in delta.variants.items()}
    meta = {"base": base, "version": version, "kept": delta is not None, "parts": ["meta", *parts]}
    return {"meta": json.dumps(meta).encode()} | parts


def delta_from_parts(
    values: Mapping[str, bytes | None], base: str, version: str
) -> tuple[bool, Delta | None]:
    """(known, delta): known is False when the delta or a part of it is missing; a known delta
    that was too large to keep is (True, None)."""
    raw = values.get("meta")
    if raw is None:
        return False, None
    meta = json.loads(raw)
    if meta["base"] != base or meta["version"] != version:
        return False, None
    if not meta["kept"]:
        return True, None
    got = {name: values.get(name) for name in meta["parts"]}
    data = {name: v for name, v in got.items() if v is not None}
    if len(data) != len(got):
        return False, None
    variants = {enc: data[variant_part(enc)] for enc in ENCODINGS if variant_part(enc) in data}
    return True, Delta(base, version, data["body"], variants)
