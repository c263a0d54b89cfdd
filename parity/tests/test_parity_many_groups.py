"""Property: queries with many groups agree. Tables of 200-240 rows where most rows have their own
value in every column, grouped by the three widest columns: more than 2^22 key combinations, past
the kernels' flat-array grouping (group-by.ts DENSE_LIMIT) into the Map-based path.
"""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st

from parity.harness import BrowserCore
from parity.metrics import usable_metrics
from parity.queries import KIND, queries
from parity.runner import check_queries
from parity.tables import Snapshot, snapshots

DENSE_LIMIT = 1 << 22

wide_tables = st.sampled_from(["wip", "resource", "resource_history"]).flatmap(
    lambda dataset: snapshots(dataset, min_rows=200, max_rows=240, max_batches=3, wide=True)
)


def cardinality(snap: Snapshot, name: str) -> int:
    """Distinct values the kernels count for a key (a dictionary's every entry, plus null)."""
    column = snap.table.column(name)
    if snap.types[name] == "dictionary":
        sizes = {len(chunk.dictionary) for chunk in column.chunks} or {0}
        return max(sizes) + 1
    return len(set(column.to_pylist()))


@given(data=st.data())
def test_many_groups_match_reference(core: BrowserCore, data: st.DataObject) -> None:
    snap = data.draw(wide_tables, label="snapshot")
    keyable = [n for n, t in snap.types.items() if KIND[t] != "boolean"]
    widest = sorted(keyable, key=lambda n: -cardinality(snap, n))[:3]
    combinations = 1
    for name in widest:
        combinations *= cardinality(snap, name)
    event(
        "past the flat-array limit" if combinations > DENSE_LIMIT else "within the flat-array limit"
    )
    forced = {
        "dataset": snap.dataset,
        "groupBy": widest,
        "metrics": usable_metrics(snap.dataset, snap.types),
        "sort": [{"by": widest[-1], "desc": True}],
    }
    more = data.draw(st.lists(queries(snap), max_size=2), label="queries")
    check_queries(core, snap.ipc, snap.table, [forced, *more])
