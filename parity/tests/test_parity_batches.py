"""Property: several record batches whose dictionaries are replaced (non-delta) or grown (delta)
mid-stream give the same results; the stream is checked to really carry those dictionary batches.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parity.harness import BrowserCore
from parity.runner import check_queries
from parity.strategies import Example, examples
from parity.tables import dictionary_messages

multi_batch = st.sampled_from(["wip", "resource", "resource_history"]).flatmap(
    lambda dataset: examples(
        dataset, max_rows=60, min_batches=2, max_batches=6, modes=("replacement", "delta")
    )
)


@given(example=multi_batch)
def test_replaced_dictionaries_match_reference(core: BrowserCore, example: Example) -> None:
    snap = example.snapshot
    dictionaries = sum(1 for t in snap.types.values() if t == "dictionary")
    if snap.dictionary_mode == "replacement":
        # every batch carries its own (different) dictionary for every dictionary column
        assert dictionary_messages(snap.ipc) == dictionaries * snap.batches
    check_queries(core, snap.ipc, snap.table, example.queries)
