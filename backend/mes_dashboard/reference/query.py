"""Validates a query against the query contract: the JSON Schema first, then the semantic checks.

The semantic checks need each column's type. They take it from the dataset's contract columns
(main and detail) or, when given, from a name -> type mapping of an actual table, where the
types are the contract's names (`utf8`, `dictionary`, `int32`, `float64`, `bool`, `timestamp`,
`date`). A date field's filter values and `between` bounds are "YYYY-MM-DD" strings of real
calendar dates.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, relevance

from mes_dashboard import contracts
from mes_dashboard.reference.periods import parse_date

# contract column type -> the kind of values it holds
KINDS = {
    "utf8": "string",
    "dictionary": "string",
    "int32": "number",
    "float64": "number",
    "timestamp": "timestamp",
    "date": "date",
    "bool": "boolean",
}
# value kind a filter must use for a column kind (timestamps compare as epoch milliseconds)
VALUE_KINDS = {
    "string": "string",
    "number": "number",
    "timestamp": "number",
    "date": "date",
    "boolean": "boolean",
}
# column kinds each aggregate accepts for its `field`
AGG_KINDS = {
    "count": {"string", "number", "timestamp", "date", "boolean"},
    "count_distinct": {"string", "number", "timestamp", "date", "boolean"},
    "sum": {"number"},
    "mean": {"number"},
    "min": {"number", "timestamp"},
    "max": {"number", "timestamp"},
}


class QueryError(ValueError):
    """A query the contract rejects; `code` is the error code both implementations report."""

    code = "INVALID_QUERY"


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    # JSON Schema patterns are ECMA-262: `$` is the end of the string. Python's `$` also matches
    # before a trailing newline, which would accept 'B\n' where the browser rejects it.
    if not isinstance(instance, str):
        return
    python_pattern = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    if not re.search(python_pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator() -> Draft202012Validator:
    schema = contracts.load("query.schema")
    Draft202012Validator.check_schema(schema)
    cls = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})
    return cls(schema)


def validate_query(query: object, schema_fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Check a query against the contract and return it normalized; QueryError when invalid."""
    error = max(_validator().iter_errors(query), key=relevance, default=None)
    if error is not None:
        raise QueryError(_schema_message(error))
    assert isinstance(query, dict)
    dataset = query["dataset"]
    fields = dict(schema_fields) if schema_fields is not None else _contract_fields(dataset)
    normalized = _normalize(copy.deepcopy(query))
    checker = _Checker(dataset, fields)
    for i, item in enumerate(normalized["filters"]):
        checker.check_filter(item, f"filters[{i}]")
    names = checker.check_group_by(normalized["groupBy"])
    for i, metric_id in enumerate(normalized["metrics"]):
        checker.check_metric(metric_id, f"metrics[{i}]")
    _check_sort(normalized["sort"], normalized["metrics"], names)
    return normalized


def group_key_name(key: str | Mapping[str, Any]) -> str:
    """The result column of a group key: the field, or a bucket's or period's `as` (default its
    field)."""
    if isinstance(key, str):
        return key
    name: str = key.get("as", key["period"] if "period" in key else key["bucket"])
    return name


def _contract_fields(dataset: str) -> dict[str, str]:
    return {c["name"]: c["type"] for c in contracts.columns(dataset)}


def _normalize(query: dict[str, Any]) -> dict[str, Any]:
    group_by = [
        key if isinstance(key, str) else {**key, "as": group_key_name(key)}
        for key in query.get("groupBy", [])
    ]
    limit = query.get("limit")
    return {
        "dataset": query["dataset"],
        "filters": query.get("filters", []),
        "groupBy": group_by,
        "metrics": query.get("metrics", []),
        "sort": [{"by": s["by"], "desc": s.get("desc", False)} for s in query.get("sort", [])],
        "limit": None if limit is None else int(limit),
    }


class _Checker:
    """Semantic checks of one query against the columns of its dataset."""

    def __init__(self, dataset: str, fields: Mapping[str, str]) -> None:
        self.dataset = dataset
        self.fields = fields

    def kind(self, field: str, where: str) -> str:
        """The value kind of a column; QueryError when unknown or of an unsupported type."""
        if field not in self.fields:
            raise QueryError(f"{where}: unknown column '{field}' in dataset '{self.dataset}'")
        type_name = self.fields[field]
        if type_name not in KINDS:
            raise QueryError(f"{where}: column '{field}' has unsupported type '{type_name}'")
        return KINDS[type_name]

    def check_filter(self, item: Mapping[str, Any], where: str) -> None:
        """Check one filter: column, op against the column kind, value types."""
        field, op = item["field"], item["op"]
        kind = self.kind(field, f"{where}.field")
        if op in ("contains", "prefix") and kind != "string":
            raise QueryError(f"{where}.op: '{op}' needs a string column, '{field}' is {kind}")
        if op == "between":
            if kind not in ("number", "timestamp", "date"):
                raise QueryError(
                    f"{where}.op: 'between' needs a numeric, timestamp or date column, "
                    f"'{field}' is {kind}"
                )
            for side in ("min", "max"):
                if side in item:
                    _check_value(item[side], kind, field, f"{where}.{side}")
        if op in ("eq", "ne"):
            _check_value(item["value"], kind, field, f"{where}.value")
        if op in ("in", "not_in"):
            for j, value in enumerate(item["values"]):
                if value is not None:
                    _check_value(value, kind, field, f"{where}.values[{j}]")

    def check_group_by(self, group_by: list[Any]) -> list[str]:
        """Check the group keys and return their result names."""
        names: list[str] = []
        for i, key in enumerate(group_by):
            where = f"groupBy[{i}]"
            if isinstance(key, str):
                self.kind(key, where)
            elif "period" in key:
                self.check_period(key, where)
            else:
                self.check_bucket(key, where)
            name = group_key_name(key)
            if name in names:
                raise QueryError(f"{where}: duplicate group key name '{name}'")
            names.append(name)
        return names

    def check_bucket(self, key: Mapping[str, Any], where: str) -> None:
        """Check a bucket key: a numeric or timestamp column, strictly increasing edges."""
        kind = self.kind(key["bucket"], f"{where}.bucket")
        if kind not in ("number", "timestamp"):
            raise QueryError(
                f"{where}.bucket: buckets need a numeric or timestamp column, "
                f"'{key['bucket']}' is {kind}"
            )
        edges = key["edges"]
        for j in range(1, len(edges)):
            if not edges[j - 1] < edges[j]:
                raise QueryError(
                    f"{where}.edges[{j}]: edges must be strictly increasing, "
                    f"got {edges[j - 1]} then {edges[j]}"
                )

    def check_period(self, key: Mapping[str, Any], where: str) -> None:
        """Check a period key: a date or timestamp column."""
        kind = self.kind(key["period"], f"{where}.period")
        if kind not in ("date", "timestamp"):
            raise QueryError(
                f"{where}.period: periods need a date or timestamp column, "
                f"'{key['period']}' is {kind}"
            )

    def check_metric(self, metric_id: str, where: str) -> None:
        """Check that a metric exists, lists the dataset and its definition fits the columns."""
        definitions = contracts.metrics()
        if metric_id not in definitions:
            raise QueryError(f"{where}: unknown metric '{metric_id}'")
        definition = definitions[metric_id]
        if self.dataset not in definition["datasets"]:
            listed = ", ".join(definition["datasets"])
            raise QueryError(
                f"{where}: metric '{metric_id}' is not defined for dataset "
                f"'{self.dataset}' (only for {listed})"
            )
        self.check_aggregate(definition, f"{where} ('{metric_id}')", nested=False)

    def check_aggregate(self, spec: Mapping[str, Any], where: str, *, nested: bool) -> None:
        """Check one aggregate definition: kind, field, where-filters, ratio parts."""
        agg = spec["agg"]
        for j, item in enumerate(spec.get("where", [])):
            self.check_filter(item, f"{where}.where[{j}]")
        if agg == "ratio" and not nested:
            self.check_aggregate(spec["numerator"], f"{where}.numerator", nested=True)
            self.check_aggregate(spec["denominator"], f"{where}.denominator", nested=True)
            return
        if agg not in AGG_KINDS:
            raise QueryError(f"{where}.agg: unsupported aggregate '{agg}'")
        field = spec.get("field")
        if field is None:
            if agg != "count":
                raise QueryError(f"{where}.field: '{agg}' needs a field")
            return
        kind = self.kind(field, f"{where}.field")
        if kind not in AGG_KINDS[agg]:
            raise QueryError(f"{where}.field: '{agg}' cannot aggregate {kind} column '{field}'")


def _check_value(value: object, kind: str, field: str, where: str) -> None:
    expected = VALUE_KINDS[kind]
    if expected == "date":
        if parse_date(value) is None:
            raise QueryError(
                f"{where}: date column '{field}' needs a real date as 'YYYY-MM-DD', got {value!r}"
            )
        return
    if _value_kind(value) != expected:
        raise QueryError(
            f"{where}: {kind} column '{field}' needs a {expected} value, got {value!r}"
        )


def _value_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else type(value).__name__


def _check_sort(sort: list[dict[str, Any]], metrics: list[str], names: list[str]) -> None:
    for i, key in enumerate(sort):
        if key["by"] not in metrics and key["by"] not in names:
            raise QueryError(
                f"sort[{i}].by: '{key['by']}' is neither a metric of the query "
                f"({_listing(metrics)}) nor a group key ({_listing(names)})"
            )


def _listing(names: Iterable[str]) -> str:
    return ", ".join(names) or "none"


def _schema_message(error: ValidationError) -> str:
    error = _narrow(error)
    where = _path(error.absolute_path)
    if _is_bound(error):
        return f"{where}: {error.instance!r} is neither a number nor a date 'YYYY-MM-DD'"
    if error.validator == "oneOf":
        missing = _missing_in_every_branch(error)
        if missing:
            return f"{where}: {missing[0]!r} is a required property"
        if isinstance(error.instance, dict) and "op" in error.instance:
            return f"{where}.op: unknown op {error.instance['op']!r}"
    if error.validator == "anyOf" and all(e.validator == "required" for e in error.context or []):
        needed = " or ".join(repr(e.validator_value[0]) for e in error.context or [])
        return f"{where}: needs {needed}"
    return f"{where}: {error.message}"


def _narrow(error: ValidationError) -> ValidationError:
    """Descend a oneOf into the one branch the instance's `op` or type selects, if exactly one."""
    while error.validator == "oneOf" and error.context and not _is_bound(error):
        fitting = [errs for errs in _branches(error) if not any(map(_rules_out, errs))]
        if len(fitting) != 1:
            break
        error = max(fitting[0], key=relevance)
    return error


def _is_bound(error: ValidationError) -> bool:
    """A `between` bound that is neither a number nor a date (told as such, not per branch)."""
    bound: dict[str, Any] = contracts.load("query.schema")["$defs"]["bound"]
    return bool(error.validator == "oneOf" and error.schema == bound)


def _branches(error: ValidationError) -> list[list[ValidationError]]:
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    return list(branches.values())


def _missing_in_every_branch(error: ValidationError) -> list[str]:
    def missing(errs: list[ValidationError]) -> set[str]:
        return {
            name
            for e in errs
            if e.validator == "required" and not e.relative_path
            for name in e.validator_value
            if name not in e.instance
        }

    per_branch = [missing(errs) for errs in _branches(error)]
    return sorted(set.intersection(*per_branch)) if per_branch else []


def _rules_out(error: ValidationError) -> bool:
    path = list(error.relative_path)
    if not path and error.validator == "required" and isinstance(error.instance, dict):
        # a group key object is a bucket or a period by the key it names first
        return (
            error.validator_value[0] in _KEY_KINDS
            and error.validator_value[0] not in error.instance
        )
    return path == ["op"] or (not path and error.validator == "type")


_KEY_KINDS = ("bucket", "period")


def _path(parts: Iterable[Any]) -> str:
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return text.removeprefix(".") or "query"
