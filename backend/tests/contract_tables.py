"""Small tables typed as the field contract says, for reference and validation tests."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from mes_dashboard import contracts


def contract_table(dataset: str, columns: dict[str, list[Any]]) -> pa.Table:
    """A one-batch table of the given columns, each with its contract Arrow type."""
    specs = {spec["name"]: spec for spec in contracts.columns(dataset)}
    return pa.table(
        {
            name: pa.array(values, contracts.arrow_type(specs[name]))
            for name, values in columns.items()
        }
    )


def dictionary_chunks(*chunks: tuple[list[int | None], list[str]]) -> pa.ChunkedArray:
    """A dictionary column whose chunks each carry their own dictionary (indices, values)."""
    return pa.chunked_array(
        [
            pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values))
            for indices, values in chunks
        ]
    )
