"""Normalization of raw source tables (the Oracle typing facts of the domain reference)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def strip_strings(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trim CHAR padding; an empty string becomes null (Oracle stores '' as NULL)."""
    trimmed = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), None, trimmed)


def nan_to_null(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """Replace NaN with null in a floating column (no NaN on the wire)."""
    return pc.if_else(pc.is_nan(arr), None, arr)


def localize(arr: pa.ChunkedArray, tz: str) -> pa.ChunkedArray:
    """Plant-local naive DATE values -> timestamp[ms, tz]; aware values are only re-unit'ed."""
    typ = arr.type
    if not pa.types.is_timestamp(typ):
        arr = arr.cast(pa.timestamp("ms"))
        typ = arr.type
    if typ.tz is None:
        arr = pc.assume_timezone(arr, timezone=tz, ambiguous="earliest", nonexistent="earliest")
    return arr.cast(pa.timestamp("ms", tz=tz))


def numeric_sequence(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """VARCHAR2 sequences such as '090' -> int32; anything not a whole number -> null."""
    text = strip_strings(arr)
    ok = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{1,9}$"), False)
    return pc.if_else(ok, text, None).cast(pa.int32())


def to_int32(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """NUMBER -> int32 (counts and quantities); fractional or NaN values become null."""
    if pa.types.is_floating(arr.type):
        arr = nan_to_null(arr)
        arr = pc.if_else(pc.equal(pc.floor(arr), arr), arr, None)
    return arr.cast(pa.int32())


def to_float64(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """NUMBER -> float64 without NaN."""
    return nan_to_null(arr.cast(pa.float64()))


def to_flag(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """NUMBER 0/1/NULL flag -> bool, true only when 1."""
    return pc.fill_null(pc.equal(arr.cast(pa.float64()), 1.0), False)
