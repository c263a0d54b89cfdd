"""Property: a delta applied to version A in the browser gives B, as if B were loaded in full.

For random version pairs (rows inserted, changed, removed, dictionary values gained and lost,
either version empty; parity/versions.py), with the delta written by the Python delta writer:
- the core's table after `applyDelta(A, delta)` has B's content on every column (each cell, every
  string column's suggestions, metadata, version) — equal to B decoded in full by the same core;
- in the core worker (load A, set a page's widgets, `applyDelta`), `encode` gives bytes pyarrow
  reads as B, and every view of a page (the served-payload test's page states, widgets carried
  over the delta) equals the Python reference evaluated on B.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from hypothesis import event, given, settings
from hypothesis import strategies as st

from parity.crossfilter import WorkerCrossfilter
from parity.harness import BrowserCore, PageView
from parity.page_states import PAGES, State
from parity.runner import check_view
from parity.versions import VersionPair, read, version_pairs

DATASETS = ("wip", "resource")
PAGES_OF = {d: sorted(p for p, s in PAGES.items() if s.dataset == d) for d in DATASETS}
# Each example loads, applies, encodes and replays one page's states: fewer than the profile's.
MAX_EXAMPLES = min(settings.default.max_examples, 40)

CONTENT_JS = """
({ a, delta, b }) => {
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const text = (content) =>
    JSON.stringify(content, (key, value) =>
      typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))
        ? { __number__: Object.is(value, -0) ? "-0" : String(value) }
        : value,
    );
  const core = window.mesCore;
  return [text(core.applyDelta(bytes(a), bytes(delta))), text(core.table(bytes(b)))];
}
"""


def b64(data: bytes) -> str:
    """Bytes as base64 text (how they travel into the page)."""
    return base64.b64encode(data).decode("ascii")


def page_states(page: str, table: pa.Table) -> Iterator[tuple[str, State]]:
    """The page's states on `table`, up to the first one the table has no values for."""
    states = PAGES[page].states(table)
    while True:
        try:
            yield next(states)
        except (StopIteration, IndexError):
            return


@settings(max_examples=MAX_EXAMPLES)
@given(data=st.data(), dataset=st.sampled_from(DATASETS))
def test_delta_applied_in_the_browser_equals_the_full_snapshot(
    core: BrowserCore, dataset: str, data: st.DataObject
) -> None:
    pair = data.draw(version_pairs(dataset), label="pair")
    describe(pair)
    arg = {"a": b64(pair.a), "delta": b64(pair.delta), "b": b64(pair.b)}
    applied, full = core.call(CONTENT_JS, arg)
    if applied != full:
        problems = diff(json.loads(applied), json.loads(full))
        raise AssertionError(f"applied delta != full snapshot:\n{problems}")
    check_worker(core, pair, data.draw(st.sampled_from(PAGES_OF[dataset]), label="page"))


def describe(pair: VersionPair) -> None:
    """Hypothesis events: which kinds of change the example has (--hypothesis-show-statistics)."""
    key = pair.table_b.column_names[0]
    a = {r[key]: r for r in pair.rows["a"]}
    b = {r[key]: r for r in pair.rows["b"]}
    for what, happened in (
        ("A empty", not a),
        ("B empty", not b),
        ("rows removed", bool(a.keys() - b.keys())),
        ("rows inserted", bool(b.keys() - a.keys())),
        ("rows changed", any(a[k] != b[k] for k in a.keys() & b.keys())),
        ("dictionary gained values", gained(pair, "b", "a")),
        ("dictionary lost values", gained(pair, "a", "b")),
    ):
        if happened:
            event(what)


def gained(pair: VersionPair, new: str, old: str) -> bool:
    """Whether some dictionary column has a value in version `new` that `old` lacks."""
    table = pair.table_b
    names = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
    values = {v: {n: {r[n] for r in pair.rows[v]} for n in names} for v in (new, old)}
    return any(values[new][n] - values[old][n] - {None} for n in names)


def check_worker(core: BrowserCore, pair: VersionPair, page: str) -> None:
    """Load A in the worker with a page's first widgets set, apply the delta, encode, replay the
    page's views."""
    worker = WorkerCrossfilter(core, name="delta")
    states = list(page_states(page, pair.table_b)) if pair.table_b.num_rows else []
    first = core.page_view(page, states[0][1], states[0][0]) if states else None
    held = first.widgets if first else {}
    widgets = [{"type": "setFilters", "widget": w, "filters": f} for w, f in held.items()]
    requests: list[dict[str, Any]] = [
        {"type": "load", "dataset": pair.dataset},
        *widgets,
        {"type": "applyDelta"},
        {"type": "encode"},
    ]
    outcomes = worker.send(requests, pair.a, pair.delta)
    for request, outcome in zip(requests, outcomes, strict=True):
        assert outcome.ok, f"{request['type']}: {outcome.error()}"
    info, encoded = outcomes[-2].result, outcomes[-1].result
    assert (info["version"], info["numRows"]) == ("b-version", pair.table_b.num_rows)
    check_encoded(read(encoded), pair.table_b)
    event(f"page views replayed: {'some' if states else 'none'}")
    seen: set[str] = set()
    for label, state in states:
        view: PageView = core.page_view(page, state, label)
        check_view(worker, pair.table_b, view, stale=seen - set(view.widgets))
        seen |= set(view.widgets)


def check_encoded(encoded: pa.Table, expected: pa.Table) -> None:
    """The worker's encoded table reads back (pyarrow) as B: names, cells, metadata."""
    assert encoded.schema.metadata == expected.schema.metadata
    assert encoded.column_names == expected.column_names
    for name in expected.column_names:
        assert encoded.column(name).to_pylist() == expected.column(name).to_pylist(), name


def diff(applied: dict[str, Any], full: dict[str, Any]) -> str:
    """The first differing parts of two table contents."""
    lines = []
    for part in ("numRows", "version", "snapshotTime", "metadata"):
        if applied[part] != full[part]:
            lines.append(f"{part}: {applied[part]!r} != {full[part]!r}")
    for group in ("columns", "suggestions"):
        for name in sorted(set(applied[group]) | set(full[group])):
            got, want = applied[group].get(name), full[group].get(name)
            if got != want:
                lines.append(f"{group}.{name}:\n  applied {got!r}\n  full    {want!r}")
    return "\n".join(lines)
