"""Run query sets on both sides and assert parity (valid queries) or joint rejection (invalid).

A query with a `limit` is also run without it: the unlimited browser result is compared with the
reference (values and order, see compare.py) and the limited browser result must be exactly the
first `limit` rows of the unlimited one, with the same total. So a limit cut is judged against
the full contract order, and a float tie within tolerance at the cut cannot cause a false alarm.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from mes_dashboard.reference import evaluate
from mes_dashboard.reference.query import QueryError
from parity.compare import compare_results, describe_mismatch
from parity.crossfilter import CrossfilterModel, WorkerCrossfilter
from parity.harness import BrowserCore, Outcome, PageView

INVALID_QUERY = "INVALID_QUERY"


class ParityError(AssertionError):
    """The browser and the reference disagree."""


def unlimited(query: Mapping[str, Any]) -> dict[str, Any]:
    """The query without its limit."""
    return {k: v for k, v in query.items() if k != "limit"}


def check_queries(
    core: BrowserCore, ipc: bytes, table: pa.Table, queries: Sequence[Mapping[str, Any]]
) -> int:
    """Assert browser == reference for valid queries on these bytes; returns browser calls made."""
    __tracebackhide__ = True
    jobs = with_unlimited(queries)
    pairs = pair_outcomes(queries, core.evaluate_many(ipc, jobs))
    failures = []
    for query, (limited, full) in zip(queries, pairs, strict=True):
        problems = compare_outcomes(table, query, limited, full)
        if problems:
            failures.append(describe_mismatch(query, problems))
    if failures:
        raise ParityError(
            f"{len(failures)} of {len(queries)} queries differ:\n" + "\n".join(failures)
        )
    return len(jobs)


def with_unlimited(queries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The queries to send: each one, followed by its unlimited twin when it has a limit."""
    jobs: list[Mapping[str, Any]] = []
    for query in queries:
        jobs.append(query)
        if query.get("limit") is not None:
            jobs.append(unlimited(query))
    return jobs


def pair_outcomes(
    queries: Sequence[Mapping[str, Any]], outcomes: Sequence[Outcome]
) -> list[tuple[Outcome, Outcome]]:
    """(limited, unlimited) outcomes per query, undoing `with_unlimited`."""
    it = iter(outcomes)
    pairs = []
    for query in queries:
        limited = next(it)
        pairs.append((limited, next(it) if query.get("limit") is not None else limited))
    return pairs


def compare_outcomes(
    table: pa.Table, query: Mapping[str, Any], limited: Outcome, full: Outcome
) -> list[str]:
    """Differences between the browser's outcomes of a valid query and the reference."""
    try:
        reference = evaluate(table, unlimited(query))
    except QueryError as error:
        raise AssertionError(f"the strategy made an invalid query: {error}\n{query}") from error
    for outcome in (limited, full):
        if not outcome.ok:
            return [f"the browser rejected a valid query: {outcome.error()}"]
    problems = compare_results(unlimited(query), reference, full.result)
    limit = query.get("limit")
    if limit is not None and not problems:
        expected = {"rows": full.result["rows"][:limit], "total": full.result["total"]}
        if _canonical(limited.result) != _canonical(expected):
            problems.append(
                f"limit {limit}: rows are not the first {limit} rows of the unlimited result: "
                f"got {_canonical(limited.result)[:400]}"
            )
    return problems


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def check_rejections(
    core: BrowserCore, ipc: bytes, table: pa.Table, queries: Sequence[Any]
) -> None:
    """Assert both sides reject every query: Python QueryError, browser code INVALID_QUERY."""
    __tracebackhide__ = True
    outcomes = core.evaluate_many(ipc, queries)
    failures = []
    for query, outcome in zip(queries, outcomes, strict=True):
        try:
            evaluate(table, query)
            reference = "accepted"
        except QueryError as error:
            reference = f"QueryError: {error}"
        browser = outcome.error() if not outcome.ok else "accepted"
        if reference == "accepted" or outcome.ok or outcome.code != INVALID_QUERY:
            failures.append(
                f"query: {json.dumps(query, ensure_ascii=False)}\n"
                f"  reference: {reference}\n  browser: {browser}"
            )
    if failures:
        raise ParityError("invalid queries not rejected by both sides:\n" + "\n".join(failures))


def check_view(worker: WorkerCrossfilter, table: pa.Table, view: PageView, stale: set[str]) -> None:
    """A page view in the worker equals the reference on `table`: set the view's widgets
    (clearing `stale` ones), run its queries in their scopes, compare."""
    __tracebackhide__ = True
    model = CrossfilterModel({w: f for w, f in view.widgets.items() if f})
    names = list(view.queries)
    settings = view.widgets | {w: [] for w in stale}
    requests: list[dict[str, Any]] = [
        {"type": "setFilters", "widget": w, "filters": f} for w, f in settings.items()
    ]
    requests += [
        {"type": "evaluate", "query": job, "crossfilter": view.queries[name][1]}
        for name in names
        for job in with_unlimited([view.queries[name][0]])
    ]
    outcomes = worker.send(requests)
    for request, outcome in zip(requests, outcomes, strict=True):
        if request["type"] == "setFilters":
            assert outcome.ok, f"{view.page} / {view.state}: setFilters {outcome.error()}"
    evaluated = outcomes[len(settings) :]
    pairs = pair_outcomes([view.queries[n][0] for n in names], evaluated)
    failures = []
    for name, (limited, full) in zip(names, pairs, strict=True):
        query, scope = view.queries[name]
        plain = model.view_query(query, scope)
        problems = compare_outcomes(table, plain, limited, full)
        if problems:
            failures.append(
                f"{name} (scope {json.dumps(scope)}): " + describe_mismatch(plain, problems)
            )
    if failures:
        raise ParityError(f"{view.page} / {view.state}:\n" + "\n".join(failures))
