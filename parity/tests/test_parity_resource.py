"""Property: every valid resource query gives the same result in the browser as in the reference."""

from __future__ import annotations

from hypothesis import given

from parity.harness import BrowserCore
from parity.runner import check_queries
from parity.strategies import Example, examples


@given(example=examples("resource"))
def test_resource_queries_match_reference(core: BrowserCore, example: Example) -> None:
    check_queries(core, example.snapshot.ipc, example.snapshot.table, example.queries)
