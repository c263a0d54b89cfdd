"""Arrow columns as plain Python lists, and Arrow types named in the contract's vocabulary."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

Columns = dict[str, list[Any]]


def field_types(schema: pa.Schema) -> dict[str, str]:
    """Name -> contract type (`utf8`, `dictionary`, `int32`, ...) of each column of a schema."""
    return {field.name: _type_name(field.type) for field in schema}


def _type_name(arrow_type: pa.DataType) -> str:
    # any integer width counts as int32 and any float width as float64; other types keep their
    # Arrow name, which validation rejects as unsupported when a query references them
    types = pa.types
    if types.is_dictionary(arrow_type):
        value_type = arrow_type.value_type
        if types.is_string(value_type) or types.is_large_string(value_type):
            return "dictionary"
    elif types.is_string(arrow_type) or types.is_large_string(arrow_type):
        return "utf8"
    elif types.is_integer(arrow_type):
        return "int32"
    elif types.is_floating(arrow_type):
        return "float64"
    elif types.is_boolean(arrow_type):
        return "bool"
    elif types.is_timestamp(arrow_type) and arrow_type.unit == "ms":
        return "timestamp"
    elif types.is_date(arrow_type):
        return "date"
    return str(arrow_type)


def read_columns(table: pa.Table, names: Iterable[str]) -> Columns:
    """The named columns as Python lists: dictionaries decoded, timestamps as epoch ms ints,
    dates as "YYYY-MM-DD" strings."""
    return {name: _read(name, table.column(name)) for name in names}


def _read(name: str, column: pa.ChunkedArray) -> list[Any]:
    if pa.types.is_timestamp(column.type):
        # the stored int64 is already UTC epoch ms; no datetime (and no local time zone) involved
        values: list[Any] = column.cast(pa.int64()).to_pylist()
    elif pa.types.is_date(column.type):
        # a calendar date as its "YYYY-MM-DD" text: compared, grouped and returned as that text
        values = [None if day is None else day.isoformat() for day in column.to_pylist()]
    else:
        values = column.to_pylist()
    for value in values:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"column '{name}' holds {value}; the contract allows no NaN/infinity")
    return values
