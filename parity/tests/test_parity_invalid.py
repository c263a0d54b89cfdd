"""Property: queries the contract rejects are rejected on both sides (QueryError, INVALID_QUERY)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity.harness import BrowserCore
from parity.runner import check_rejections
from parity.strategies import Example, invalid_examples


@given(data=st.data())
@pytest.mark.parametrize("dataset", ["wip", "resource", "resource_history"])
def test_invalid_queries_are_rejected_by_both(
    core: BrowserCore, dataset: str, data: st.DataObject
) -> None:
    example: Example = data.draw(invalid_examples(dataset), label="example")
    check_rejections(core, example.snapshot.ipc, example.snapshot.table, example.queries)
