"""Business rules of the domain reference (one definition each), as vectorised Arrow compute."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

E10_CODES = ("PRD", "SBY", "UDT", "SDT", "EGT", "NST")
E10_ALIASES = {"PM": "UDT", "BKD": "UDT", "ENG": "EGT", "OFF": "NST"}
E10_CATEGORY = {
    "PRD": "productive",
    "SBY": "standby",
    "UDT": "down",
    "SDT": "down",
    "EGT": "engineering",
    "NST": "not_scheduled",
    "OTHER": "other",
}


def e10_status(raw: pa.ChunkedArray) -> pa.ChunkedArray:
    """Rule 5: raw equipment status code -> E10 status (aliases folded, anything else OTHER)."""
    codes = pc.utf8_upper(pc.utf8_trim_whitespace(raw.cast(pa.string())))
    mapping = {code: code for code in E10_CODES} | E10_ALIASES
    keys = pa.array(list(mapping))
    idx = pc.index_in(codes, value_set=keys)
    values = pa.array(list(mapping.values()))
    mapped = pc.take(values, idx)
    return pc.fill_null(mapped, "OTHER")


def e10_category(status: pa.ChunkedArray) -> pa.ChunkedArray:
    """Rule 5: E10 status -> category."""
    keys = pa.array(list(E10_CATEGORY))
    return pc.take(pa.array(list(E10_CATEGORY.values())), pc.index_in(status, value_set=keys))


def is_dummy(lotid: pa.ChunkedArray) -> pa.ChunkedArray:
    """Rule 1: LOTID contains DUMMY, case-insensitively."""
    return pc.fill_null(pc.match_substring(lotid, "dummy", ignore_case=True), False)


def wip_status(
    equipment_count: pa.ChunkedArray,
    equipment_name: pa.ChunkedArray,
    hold_count: pa.ChunkedArray,
) -> pa.ChunkedArray:
    """Rule 2: RUN when on equipment (count > 0 or a name), else HOLD when held, else QUEUE."""
    on_equipment = pc.or_kleene(
        pc.fill_null(pc.greater(equipment_count, 0), False),
        pc.is_valid(equipment_name),
    )
    held = pc.fill_null(pc.greater(hold_count, 0), False)
    return pc.if_else(on_equipment, "RUN", pc.if_else(held, "HOLD", "QUEUE"))


def hold_type(
    status: pa.ChunkedArray, reason: pa.ChunkedArray, non_quality: Iterable[str]
) -> pa.ChunkedArray:
    """Rule 3: HOLD lots are non_quality when the reason is listed, else quality (NULL too)."""
    listed = pc.fill_null(
        pc.is_in(reason, value_set=pa.array(list(non_quality), pa.string())), False
    )
    kind = pc.if_else(listed, "non_quality", "quality")
    return pc.if_else(pc.equal(status, "HOLD"), kind, None)


def hold_hours(
    status: pa.ChunkedArray, hold_since: pa.ChunkedArray, snapshot_ms: int
) -> pa.ChunkedArray:
    """Rule 4: hours from the hold start to the snapshot time, for HOLD lots only."""
    since_ms = hold_since.cast(pa.int64())
    hours = pc.divide(
        pc.subtract(pa.scalar(snapshot_ms, pa.int64()), since_ms).cast(pa.float64()), 3_600_000.0
    )
    # a hold stamped after the snapshot (clock skew at the source) counts as just started
    return pc.if_else(
        pc.equal(status, "HOLD"), pc.max_element_wise(hours, 0.0, skip_nulls=False), None
    )
