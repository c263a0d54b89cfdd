"""Normalization of raw source tables (the Oracle typing facts of the domain reference).

Conversions that change or drop a value count it in an `Anomalies` counter by kind
(`quantity_rounded`, `quantity_out_of_range`, `releasetime_unparsed`), so a build can report
them instead of losing values silently.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

Anomalies = Counter[str]
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# the text forms the warehouse writes times in (RELEASETIME is VARCHAR2), plant local
PLANT_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")


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


def to_int32(arr: pa.ChunkedArray, anomalies: Anomalies | None = None) -> pa.ChunkedArray:
    """NUMBER -> int32 (counts and quantities), rounded half to even.

    A fractional value is rounded and counted as `quantity_rounded`; a value outside int32 (or
    NaN) becomes null and is counted as `quantity_out_of_range`: no number is shown that the
    source did not hold, and none disappears uncounted.
    """
    counts = anomalies if anomalies is not None else Anomalies()
    if pa.types.is_floating(arr.type):
        arr = arr.cast(pa.float64())
        nan = pc.fill_null(pc.is_nan(arr), False)
        counts["quantity_out_of_range"] += pc.sum(nan.cast(pa.int64())).as_py() or 0
        arr = pc.if_else(nan, None, arr)
        rounded = pc.round(arr, 0, round_mode="half_to_even")
        changed = pc.fill_null(pc.not_equal(rounded, arr), False)
        counts["quantity_rounded"] += pc.sum(changed.cast(pa.int64())).as_py() or 0
        arr = rounded
    else:
        arr = arr.cast(pa.int64())
    outside = pc.fill_null(pc.or_(pc.less(arr, INT32_MIN), pc.greater(arr, INT32_MAX)), False)
    counts["quantity_out_of_range"] += pc.sum(outside.cast(pa.int64())).as_py() or 0
    _drop_zero(counts)
    return pc.if_else(outside, None, arr).cast(pa.int32())


def parse_plant_time(
    arr: pa.ChunkedArray, tz: str, anomalies: Anomalies | None = None
) -> pa.ChunkedArray:
    """Plant-local time text (`PLANT_TIME_FORMATS`) -> timestamp[ms, tz]; text in no known form
    becomes null and is counted as `releasetime_unparsed`. Timestamps are only localized."""
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return localize(arr, tz)
    text = strip_strings(arr)
    parsed = pa.chunked_array([pa.nulls(len(text), pa.timestamp("ms"))], pa.timestamp("ms"))
    for fmt in PLANT_TIME_FORMATS:
        attempt = pc.strptime(text, format=fmt, unit="ms", error_is_null=True)
        parsed = pc.coalesce(parsed, attempt)
    failed = pc.and_(pc.is_valid(text), pc.is_null(parsed))
    if anomalies is not None:
        anomalies["releasetime_unparsed"] += pc.sum(failed.cast(pa.int64())).as_py() or 0
        _drop_zero(anomalies)
    return localize(parsed, tz)


def _drop_zero(counts: Anomalies) -> None:
    for kind in [k for k, n in counts.items() if n == 0]:
        del counts[kind]


def to_float64(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """NUMBER -> float64 without NaN."""
    return nan_to_null(arr.cast(pa.float64()))


def to_flag(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """NUMBER 0/1/NULL flag -> bool, true only when 1."""
    return pc.fill_null(pc.equal(arr.cast(pa.float64()), 1.0), False)
