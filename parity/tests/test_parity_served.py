"""The real app's served payloads: the pages' views, replayed through the core worker's crossfilter
as the pages run them (widgets set, then each query in its scope), equal the reference on the bytes
`/api/v1/datasets/wip` and `/resource` actually return.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

import pyarrow as pa
import pytest

from parity.compare import describe_mismatch
from parity.crossfilter import CrossfilterModel, WorkerCrossfilter
from parity.harness import BrowserCore
from parity.pages import View, equipment_views, wip_views
from parity.runner import ParityError, compare_outcomes, pair_outcomes, with_unlimited
from testkit.app_server import RunningApp, running_app

ARROW = "application/vnd.apache.arrow.stream"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with running_app(tmp_path_factory.mktemp("served")) as running:
        yield running


@pytest.mark.parametrize(("dataset", "views"), [("wip", wip_views), ("resource", equipment_views)])
def test_page_views_on_served_bytes(
    core: BrowserCore,
    app: RunningApp,
    dataset: str,
    views: Callable[[pa.Table], Iterable[View]],
) -> None:
    payload = app.dataset(dataset)
    assert payload.content_type == ARROW
    table = pa.ipc.open_stream(payload.body).read_all()
    assert table.num_rows > 0
    worker = WorkerCrossfilter(core, name=dataset)
    (loaded,) = worker.send([{"type": "load", "dataset": dataset}], payload.body)
    assert loaded.ok, loaded.error()
    widgets: set[str] = set()
    for view in views(table):
        check_view(worker, table, view, stale=widgets - set(view.widgets))
        widgets |= set(view.widgets)


def check_view(worker: WorkerCrossfilter, table: pa.Table, view: View, stale: set[str]) -> None:
    """Set the view's widgets (clearing `stale` ones), run its queries in their scopes, compare."""
    __tracebackhide__ = True
    model = CrossfilterModel({w: f for w, f in view.widgets.items() if f})
    names = list(view.queries)
    settings = view.widgets | {w: [] for w in stale}
    requests = [{"type": "setFilters", "widget": w, "filters": f} for w, f in settings.items()]
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
