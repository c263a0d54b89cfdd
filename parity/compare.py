"""Compare a browser result with the reference result of the same query on the same bytes.

Values: rows are matched as maps keyed by the tuple of their group values (typed, so `1` never
matches `true` or `"1"`), each metric compared unrounded. Counts, distinct counts, and sums, mins
and maxes of integer, timestamp and boolean columns must be equal exactly; every other metric
(float sums, means, float min/max, ratios) within the metric's `tolerance` from
contracts/metrics.json: `|a - b| <= max(abs, rel * max(|a|, |b|))`, with `abs` 0 and `rel` 0 when
absent (and rel 1e-12 when the metric gives neither). Null against a number is always a mismatch,
as is a row or key present on one side only. `total` is compared the same way.

Order: the browser's sequence of group keys must equal the reference's. When it differs it is
still accepted if and only if every value matched (above) and the browser's rows are exactly in
contract order by the browser's own values (the reference comparator applied to them). With exact
values that forces the reference's sequence, so a permutation can pass only where float metric
values that differ within tolerance swap the rows they sort.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mes_dashboard import contracts
from mes_dashboard.reference.ordering import order_rows
from mes_dashboard.reference.query import group_key_name

DEFAULT_REL = 1e-12
EXACT_FIELD_TYPES = ("int32", "timestamp", "bool")
MAX_EXACT = 2**53
MAX_REPORTED = 12


@dataclass(frozen=True)
class Rule:
    """How one metric compares: exactly, or within abs/rel tolerance."""

    exact: bool
    abs: float = 0.0
    rel: float = 0.0

    def close(self, a: float, b: float) -> bool:
        """Whether two numbers agree under this rule."""
        if self.exact:
            return a == b
        return abs(a - b) <= max(self.abs, self.rel * max(abs(a), abs(b)))


def metric_rule(metric_id: str, dataset: str) -> Rule:
    """The comparison rule of one metric on one dataset."""
    spec = contracts.metrics()[metric_id]
    types = {c["name"]: c["type"] for c in contracts.columns(dataset)}
    agg = spec["agg"]
    if agg in ("count", "count_distinct"):
        return Rule(exact=True)
    if agg in ("sum", "min", "max") and types.get(spec.get("field", "")) in EXACT_FIELD_TYPES:
        return Rule(exact=True)
    tolerance = spec.get("tolerance", {})
    if not tolerance:
        return Rule(exact=False, rel=DEFAULT_REL)
    return Rule(exact=False, abs=tolerance.get("abs", 0.0), rel=tolerance.get("rel", 0.0))


def typed(value: Any) -> tuple[Any, ...]:
    """A group value as a hashable, typed key (numbers by value, -0.0 == 0.0)."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", float(value) if abs(value) <= MAX_EXACT else value)
    if isinstance(value, str):
        return ("string", value)
    return ("other", repr(value))


def compare_results(
    query: Mapping[str, Any], reference: Mapping[str, Any], browser: Any
) -> list[str]:
    """Every difference between the two results, as readable lines (empty when they agree)."""
    names = [group_key_name(k) for k in query.get("groupBy", [])]
    metrics = list(query.get("metrics", []))
    rules = {m: metric_rule(m, query["dataset"]) for m in metrics}
    problems = _shape(browser, names, metrics)
    if problems:
        return problems
    _assert_within_2_pow_53(reference, metrics)
    ref_rows = {_key(row, names): row for row in reference["rows"]}
    got_rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in browser["rows"]:
        key = _key(row, names)
        if key in got_rows:
            problems.append(f"group {_show(row, names)}: appears twice in the browser rows")
        got_rows[key] = row
    for key, row in ref_rows.items():
        if key not in got_rows:
            problems.append(f"group {_show(row, names)}: only in the reference")
        else:
            where = f"group {_show(row, names)}"
            problems += _values(where, row, got_rows[key], names, metrics, rules)
    for key, row in got_rows.items():
        if key not in ref_rows:
            problems.append(f"group {_show(row, names)}: only in the browser")
    problems += _values("total", reference["total"], browser["total"], [], metrics, rules)
    if not problems:
        problems += _order(query, reference["rows"], browser["rows"], names)
    return problems


def _shape(browser: Any, names: Sequence[str], metrics: Sequence[str]) -> list[str]:
    if not isinstance(browser, dict) or set(browser) != {"rows", "total"}:
        return [f"result is not {{rows, total}}: {_json(browser)[:300]}"]
    if not isinstance(browser["rows"], list) or not isinstance(browser["total"], dict):
        return ["rows must be a list and total an object"]
    problems = []
    expected = set(names) | set(metrics)
    for i, row in enumerate(browser["rows"]):
        if not isinstance(row, dict) or set(row) != expected:
            keys = sorted(row) if isinstance(row, dict) else row
            problems.append(f"rows[{i}] has keys {keys}, expected {sorted(expected)}")
    if set(browser["total"]) != set(metrics):
        problems.append(f"total has keys {sorted(browser['total'])}, expected {sorted(metrics)}")
    return problems[:MAX_REPORTED]


def _assert_within_2_pow_53(reference: Mapping[str, Any], metrics: Sequence[str]) -> None:
    """The contract keeps integer values within 2^53; a strategy breaking that is a test bug."""
    for row in [*reference["rows"], reference["total"]]:
        for m in metrics:
            value = row[m]
            if isinstance(value, int) and abs(value) > MAX_EXACT:
                raise AssertionError(f"reference value {m}={value} exceeds 2^53: fix the strategy")


def _key(row: Mapping[str, Any], names: Sequence[str]) -> tuple[Any, ...]:
    return tuple(typed(row.get(name)) for name in names)


def _values(
    where: str,
    ref: Mapping[str, Any],
    got: Mapping[str, Any],
    names: Sequence[str],
    metrics: Sequence[str],
    rules: Mapping[str, Rule],
) -> list[str]:
    problems = []
    for name in names:
        if typed(ref[name]) != typed(got[name]):
            problems.append(f"{where}: key {name}: reference {ref[name]!r}, browser {got[name]!r}")
    for m in metrics:
        if not _same_metric(ref[m], got[m], rules[m]):
            rule = "exact" if rules[m].exact else f"abs={rules[m].abs}, rel={rules[m].rel}"
            problems.append(
                f"{where}: metric {m} ({rule}): reference {ref[m]!r}, browser {got[m]!r}"
            )
    return problems


def _same_metric(ref: Any, got: Any, rule: Rule) -> bool:
    if ref is None or got is None:
        return ref is None and got is None
    if not _is_number(ref) or not _is_number(got):
        return False
    if not math.isfinite(got):
        return False
    return rule.close(float(ref), float(got))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _order(
    query: Mapping[str, Any],
    reference: Sequence[Mapping[str, Any]],
    browser: Sequence[dict[str, Any]],
    names: Sequence[str],
) -> list[str]:
    ref_keys = [_key(row, names) for row in reference]
    got_keys = [_key(row, names) for row in browser]
    if ref_keys == got_keys:
        return []
    sort = [{"by": s["by"], "desc": s.get("desc", False)} for s in query.get("sort", [])]
    own_order = [_key(row, names) for row in order_rows(list(browser), sort, names)]
    if own_order == got_keys:
        return []
    first = next(i for i, (a, b) in enumerate(zip(ref_keys, got_keys, strict=True)) if a != b)
    return [
        f"order differs from row {first}: reference "
        f"{[_show(r, names) for r in reference[first : first + 4]]}, browser "
        f"{[_show(r, names) for r in browser[first : first + 4]]}"
    ]


def _show(row: Mapping[str, Any], names: Sequence[str]) -> str:
    return "(" + ", ".join(f"{n}={row.get(n)!r}" for n in names) + ")"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)


def describe_mismatch(query: Mapping[str, Any], problems: Sequence[str]) -> str:
    """The failure message: the query, then the first differences."""
    lines = [f"query: {_json(query)}"]
    lines += [f"  {p}" for p in problems[:MAX_REPORTED]]
    if len(problems) > MAX_REPORTED:
        lines.append(f"  ... and {len(problems) - MAX_REPORTED} more")
    return "\n".join(lines)
