"""Pareto cumulative shares and the top-N "other" row: the core's `pareto` and `topN` (exposed on
window.mesCore) against the reference's `pareto` and `top_n_with_other`, on generated rows.

Integers stay below 2^53 in every sum (the contract's rule for integer measures), so they must
agree exactly; floats are summed in the same order on both sides and compared within 1e-12.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mes_dashboard.reference.pareto import pareto, top_n_with_other
from parity.harness import BrowserCore

INTS = st.integers(min_value=-(2**31), max_value=2**31)
FLOATS = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
VALUES = st.lists(
    st.one_of(st.none(), INTS, FLOATS, st.sampled_from([0, 0.0, -0.0, 1, -1])), max_size=40
)
ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "G": st.one_of(st.none(), st.text(max_size=4)),
            "a": st.one_of(st.none(), INTS),
            "b": st.one_of(st.none(), FLOATS),
            "c": st.text(max_size=3),
        }
    ),
    max_size=15,
)

PARETO_JS = "(values) => window.mesCore.pareto(values)"
TOP_N_JS = """({ rows, n }) =>
  window.mesCore.topN(rows, { n, sumKeys: ["a", "b"], other: { G: null, other: true } }).rows"""


def same(ours: Any, theirs: Any) -> bool:
    if ours is None or theirs is None or isinstance(theirs, bool | str):
        return ours == theirs
    if isinstance(theirs, int) and isinstance(ours, int | float):
        return ours == theirs
    return math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=0.0)


@pytest.fixture(autouse=True)
def exposed(core: BrowserCore) -> None:
    assert core.exposes("pareto") and core.exposes("topN"), "rebuild the harness (make harness)"


@given(values=VALUES)
def test_pareto_matches_the_reference(core: BrowserCore, values: list[Any]) -> None:
    expected = [r["cum_pct"] for r in pareto([{"v": v} for v in values], "v")]
    got = core.call(PARETO_JS, values)
    assert len(got) == len(expected)
    bad = [(i, g, e) for i, (g, e) in enumerate(zip(got, expected, strict=True)) if not same(g, e)]
    assert not bad, bad
    if expected and expected[-1] is not None and any(v is not None for v in values):
        last = max(i for i, v in enumerate(values) if v is not None)
        assert got[last] == expected[last] == 100  # the row of the last value is exactly 100


@given(rows=ROWS, n=st.integers(min_value=0, max_value=20))
def test_top_n_matches_the_reference(core: BrowserCore, rows: list[dict[str, Any]], n: int) -> None:
    expected = top_n_with_other(rows, "G", ["a", "b"], n)
    got = core.call(TOP_N_JS, {"rows": rows, "n": n})
    assert len(got) == len(expected)
    assert got[: min(n, len(rows))] == expected[: min(n, len(rows))]
    if len(rows) > n:
        other, reference = got[-1], expected[-1]
        assert {k: v for k, v in other.items() if k not in reference} == {"c": None}
        bad = {k: (other.get(k), v) for k, v in reference.items() if not same(other.get(k), v)}
        assert not bad, bad


def test_negative_n_is_rejected_by_both(core: BrowserCore) -> None:
    with pytest.raises(ValueError):
        top_n_with_other([], "G", ["a"], -1)
    with pytest.raises(Exception, match="n must be an integer >= 0"):
        core.call(TOP_N_JS, {"rows": [], "n": -1})
