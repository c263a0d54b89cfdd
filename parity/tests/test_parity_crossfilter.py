"""Stateful: the worker's crossfilter against a plain model (Hypothesis's DatabaseComparison shape).

Rules add, remove, replace and clear widgets' filters, send filters the contract rejects (the state
must not change), and reload the table (the same rows re-encoded, or another snapshot, which drops
the widgets filtering on columns it lacks). After every step each widget's "all but own" view,
the "all" view and an unknown widget's view, for every query, must equal the reference evaluated
on the same bytes with the model's filters.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from parity.compare import describe_mismatch
from parity.crossfilter import CrossfilterModel, Scope, WorkerCrossfilter
from parity.harness import BrowserCore
from parity.queries import filters, queries
from parity.runner import ParityError, compare_outcomes, pair_outcomes, with_unlimited
from parity.tables import Snapshot, reencoded, snapshots

WIDGETS = ("status", "package", "lot", "machine")
SCOPES: list[Scope] = [*({"except": w} for w in WIDGETS), {"except": "nobody"}, "all"]
STEPS = 10


def widget_filters(snap: Snapshot, min_size: int = 0, max_size: int = 3) -> Any:
    """Filters a widget may hold: any valid filters on the snapshot's columns."""
    one = st.sampled_from(sorted(snap.types)).flatmap(lambda name: filters(snap, name))
    return st.lists(one, min_size=min_size, max_size=max_size)


class CrossfilterMachine(RuleBasedStateMachine):
    def __init__(self, driver: WorkerCrossfilter) -> None:
        super().__init__()
        self.driver = driver
        self.model = CrossfilterModel()

    def send(self, *requests: dict[str, Any], ipc: bytes = b"") -> None:
        for request, outcome in zip(requests, self.driver.send(requests, ipc), strict=True):
            assert outcome.ok, f"{request['type']} failed: {outcome.error()}"

    def load(self, snap: Snapshot, data: st.DataObject) -> None:
        self.send({"type": "load", "dataset": snap.dataset}, ipc=snap.ipc)
        self.snap = snap
        self.queries = data.draw(st.lists(queries(snap), min_size=1, max_size=2), label="queries")

    def set_filters(self, widget: str, new: list[Any]) -> None:
        self.send({"type": "setFilters", "widget": widget, "filters": new})
        self.model.set_filters(widget, new)

    @initialize(dataset=st.sampled_from(["wip", "resource", "resource_history"]), data=st.data())
    def start(self, dataset: str, data: st.DataObject) -> None:
        self.send({"type": "drop"})
        self.load(data.draw(snapshots(dataset, max_rows=30), label="snapshot"), data)

    @rule(widget=st.sampled_from(WIDGETS), data=st.data())
    def replace_filters(self, widget: str, data: st.DataObject) -> None:
        self.set_filters(widget, data.draw(widget_filters(self.snap), label="filters"))

    @rule(widget=st.sampled_from(WIDGETS), data=st.data())
    def add_filter(self, widget: str, data: st.DataObject) -> None:
        added = data.draw(widget_filters(self.snap, 1, 1), label="filter")
        self.set_filters(widget, self.model.filters(widget) + added)

    @precondition(lambda self: self.model.widgets)
    @rule(data=st.data())
    def remove_filter(self, data: st.DataObject) -> None:
        widget = data.draw(st.sampled_from(sorted(self.model.widgets)), label="widget")
        own = self.model.filters(widget)
        index = data.draw(st.integers(0, len(own) - 1), label="index")
        self.set_filters(widget, own[:index] + own[index + 1 :])

    @rule(widget=st.sampled_from(WIDGETS))
    def clear(self, widget: str) -> None:
        self.set_filters(widget, [])

    @rule(widget=st.sampled_from(WIDGETS), data=st.data())
    def rejected(self, widget: str, data: st.DataObject) -> None:
        name = sorted(self.snap.types)[0]
        bad = data.draw(
            st.sampled_from(
                [
                    {"field": "NO_SUCH_COLUMN", "op": "is_null"},
                    {"field": name, "op": "like", "value": "x"},
                    {"field": name, "op": "eq", "value": None},
                    {"field": name, "op": "between"},
                ]
            ),
            label="bad filter",
        )
        (outcome,) = self.driver.send(
            [
                {
                    "type": "setFilters",
                    "widget": widget,
                    "filters": [*self.model.filters(widget), bad],
                }
            ]
        )
        assert not outcome.ok and outcome.code == "INVALID_QUERY", outcome.describe()

    @rule(data=st.data())
    def reload_same_rows(self, data: st.DataObject) -> None:
        snap = data.draw(reencoded(self.snap), label="re-encoded")
        self.send({"type": "load", "dataset": snap.dataset}, ipc=snap.ipc)
        self.snap = snap

    @rule(data=st.data())
    def reload_other_snapshot(self, data: st.DataObject) -> None:
        snap = data.draw(snapshots(self.snap.dataset, max_rows=30), label="snapshot")
        self.model.drop_missing(list(snap.types))
        self.load(snap, data)

    @invariant()
    def views_match_reference(self) -> None:
        views = [(scope, q) for scope in SCOPES for q in self.queries]
        jobs = [
            {"type": "evaluate", "query": job, "crossfilter": scope}
            for scope, q in views
            for job in with_unlimited([q])
        ]
        outcomes = self.driver.send(jobs)
        pairs = pair_outcomes([q for _, q in views], outcomes)
        failures = []
        for (scope, query), (limited, full) in zip(views, pairs, strict=True):
            view = self.model.view_query(query, scope)
            problems = compare_outcomes(self.snap.table, view, limited, full)
            if problems:
                failures.append(f"scope {json.dumps(scope)}: " + describe_mismatch(view, problems))
        if failures:
            state = json.dumps(self.model.widgets, ensure_ascii=False)
            raise ParityError(f"model widgets: {state}\n" + "\n".join(failures))


def test_crossfilter_matches_model(core: BrowserCore) -> None:
    driver = WorkerCrossfilter(core)
    run_state_machine_as_test(
        lambda: CrossfilterMachine(driver),  # type: ignore[arg-type]  # a factory is fine
        settings=settings(stateful_step_count=STEPS),
    )
