"""The real app's served payloads: each page's views, taken from the browser
(`window.mesCore.pageViews`, built by the page's own query module) for the UI states of
`parity.page_states`, replayed through the core worker's crossfilter as the pages run them
(widgets set, then each query in its scope), equal the reference on the bytes
`/api/v1/datasets/wip` and `/resource` actually return, and on the bytes
`/api/v1/datasets/resource_history` returns for each history state's own parameters (a demo with
40 days of shift history, so the span crosses weeks and a month end).

With PARITY_VIEWS_LOG=<directory>, every compared view is written there as `<page>.json` (the
mutation check diffs these to show that a changed page query changes what is compared).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from mes_dashboard.contracts import dataset as dataset_spec
from parity.crossfilter import WorkerCrossfilter
from parity.harness import BrowserCore, PageView
from parity.page_states import PAGES, REQUEST
from parity.runner import check_view
from testkit.app_server import Payload, RunningApp, running_app

ARROW = "application/vnd.apache.arrow.stream"
HISTORY_DAYS = 40


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with running_app(tmp_path_factory.mktemp("served"), history_days=HISTORY_DAYS) as running:
        yield running


@pytest.fixture(scope="module")
def payloads(app: RunningApp) -> dict[str, Payload]:
    """The snapshot datasets' payloads; a query-backed one's is its whole demo span."""
    out = {}
    for name in sorted({p.dataset for p in PAGES.values()}):
        if dataset_spec(name)["kind"] == "snapshot":
            out[name] = app.dataset(name)
        else:
            span = {"start": (date.today() - timedelta(HISTORY_DAYS + 2)).isoformat()}
            out[name] = app.dataset(name, span | {"end": (date.today() + timedelta(2)).isoformat()})
    return out


def test_every_page_has_states(core: BrowserCore) -> None:
    assert sorted(core.page_ids()) == sorted(PAGES)


@pytest.mark.parametrize("page_id", list(PAGES))
def test_page_views_on_served_bytes(
    core: BrowserCore, app: RunningApp, payloads: dict[str, Payload], page_id: str
) -> None:
    page = PAGES[page_id]
    payload = payloads[page.dataset]
    table = decode(payload)
    worker = WorkerCrossfilter(core, name=page_id)
    loaded_request: dict[str, str] | None = None
    widgets: set[str] = set()
    views = []
    for label, state in page.states(table):
        request = state.pop(REQUEST, None)
        if request is not None:
            payload = app.dataset(page.dataset, request)
            table = decode(payload)
        if request is not None or loaded_request is None:
            (loaded,) = worker.send([{"type": "load", "dataset": page.dataset}], payload.body)
            assert loaded.ok, loaded.error()
            loaded_request = request or {}
        view = core.page_view(page_id, state, label)
        views.append(view)
        assert view.dataset == page.dataset, f"{page_id} runs on {view.dataset}"
        assert view.queries, f"{page_id} / {view.state}: no queries"
        check_view(worker, table, view, stale=widgets - set(view.widgets))
        widgets |= set(view.widgets)
    log_views(page_id, views)


def decode(payload: Payload) -> pa.Table:
    """The payload's table (Arrow, with rows)."""
    assert payload.content_type == ARROW
    table = pa.ipc.open_stream(payload.body).read_all()
    assert table.num_rows > 0
    return table


def log_views(page_id: str, views: list[PageView]) -> None:
    """Write the compared views to PARITY_VIEWS_LOG/<page>.json when that is set."""
    directory = os.environ.get("PARITY_VIEWS_LOG")
    if not directory:
        return
    record = [{"state": v.state, "widgets": v.widgets, "queries": v.queries} for v in views]
    path = Path(directory) / f"{page_id}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
