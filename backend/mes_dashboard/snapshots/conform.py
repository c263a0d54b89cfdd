"""Casting derived columns to the field contract: order, Arrow types, one dictionary per column."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard import contracts
from mes_dashboard.snapshots.shape import SourceShapeError


def conform(dataset: str, cols: dict[str, pa.ChunkedArray], num_rows: int, tz: str) -> pa.Table:
    """Build the dataset's full table (main and detail columns) in contract order and types.

    Every contract column must be in `cols` (fetched or derived): a missing one is an error,
    never a column of nulls.
    """
    missing = [spec["name"] for spec in contracts.columns(dataset) if spec["name"] not in cols]
    if missing:
        raise SourceShapeError(f"{dataset}: no value for contract columns: {', '.join(missing)}")
    arrays: list[pa.ChunkedArray] = []
    fields: list[pa.Field] = []
    for spec in contracts.columns(dataset):
        typ = contracts.arrow_type(spec, tz)
        col = cols[spec["name"]]
        if len(col) != num_rows:
            raise ValueError(f"{dataset}.{spec['name']}: {len(col)} values for {num_rows} rows")
        arrays.append(_cast(col, typ))
        fields.append(pa.field(spec["name"], typ, nullable=spec["nullable"]))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    return table.combine_chunks()


def _sorted_dictionary(encoded: pa.DictionaryArray) -> pa.DictionaryArray:
    """The same values with the dictionary in code-point order (UTF-8 byte order).

    The order then depends on the values only, not on the rows' order, and a browser can take a
    strictly ascending dictionary as it is (distinct by construction) without hashing every entry.
    """
    order = pc.sort_indices(encoded.dictionary)
    position = pc.sort_indices(order)  # the inverse permutation: old code -> new code
    indices = pc.take(position, encoded.indices).cast(pa.int32())
    return pa.DictionaryArray.from_arrays(indices, encoded.dictionary.take(order))


def _cast(col: pa.ChunkedArray, typ: pa.DataType) -> pa.ChunkedArray:
    if pa.types.is_dictionary(typ):
        # one dictionary per column for the whole stream: encode the combined column once
        combined = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        if pa.types.is_dictionary(combined.type):
            combined = combined.dictionary_decode()
        encoded = pc.dictionary_encode(combined.cast(pa.string()))
        return pa.chunked_array([_sorted_dictionary(encoded).cast(typ)], type=typ)
    return col.cast(typ)
