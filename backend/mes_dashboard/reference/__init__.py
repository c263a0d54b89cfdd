"""The Python reference of the query contract: what the browser's kernels must equal.

It is written to be obviously correct, not fast. Columns become Python lists (dictionaries
decoded to str, timestamps to epoch-millisecond ints read from the stored int64, never through a
datetime), filters are evaluated row by row, groups are a dict keyed by tuples of group values,
and every aggregate runs sequentially in row order in one thread: sums add left to right with
plain Python `+` starting from the first value, which is the reference summation order that the
parity tolerances of float metrics are measured against; integer columns sum as exact Python
ints. Ordering is one comparator applied by a stable sort. See `contracts/README.md`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from mes_dashboard import contracts
from mes_dashboard.reference.aggregates import metric_values
from mes_dashboard.reference.columns import field_types, read_columns
from mes_dashboard.reference.filters import passes
from mes_dashboard.reference.groups import group_rows, key_field
from mes_dashboard.reference.ordering import order_rows
from mes_dashboard.reference.pareto import pareto, top_n_with_other
from mes_dashboard.reference.query import group_key_name, validate_query

__all__ = ["evaluate", "pareto", "top_n_with_other"]


def evaluate(table: pa.Table, query: dict[str, Any]) -> dict[str, Any]:
    """Run a query on a table: `{"rows": [...], "total": {...}}`; QueryError when invalid."""
    q = validate_query(query, field_types(table.schema))
    definitions = contracts.metrics()
    specs = {metric_id: definitions[metric_id] for metric_id in q["metrics"]}
    columns = read_columns(table, _referenced_fields(q, specs))
    rows = [row for row in range(table.num_rows) if passes(q["filters"], columns, row)]
    names = [group_key_name(key) for key in q["groupBy"]]
    results = [
        {**dict(zip(names, values, strict=True)), **metric_values(specs, columns, members)}
        for values, members in group_rows(q["groupBy"], columns, rows).items()
    ]
    ordered = order_rows(results, q["sort"], names)
    if q["limit"] is not None:
        ordered = ordered[: q["limit"]]
    return {"rows": ordered, "total": metric_values(specs, columns, rows)}


def _referenced_fields(q: Mapping[str, Any], specs: Mapping[str, Mapping[str, Any]]) -> set[str]:
    fields = {item["field"] for item in q["filters"]}
    fields |= {key_field(key) for key in q["groupBy"]}
    for spec in specs.values():
        fields |= _spec_fields(spec)
    return fields


def _spec_fields(spec: Mapping[str, Any]) -> set[str]:
    fields = {item["field"] for item in spec.get("where", [])}
    if "field" in spec:
        fields.add(spec["field"])
    for part in ("numerator", "denominator"):
        if part in spec:
            fields |= _spec_fields(spec[part])
    return fields
