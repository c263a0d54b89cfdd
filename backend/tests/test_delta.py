"""Delta snapshots (Python side): row digests, the delta A -> B, and applying it gives B."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mes_dashboard.snapshots.delta import (
    Fingerprint,
    apply_delta,
    build_delta,
    delta_metadata,
    fingerprint,
    row_digests,
)
from mes_dashboard.snapshots.encode import read_ipc

PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DICT = pa.dictionary(pa.int32(), pa.string())
TS = pa.timestamp("ms", tz="Asia/Taipei")
SCHEMA = pa.schema(
    [
        pa.field("K", pa.string(), nullable=False),
        pa.field("S", pa.string()),
        pa.field("D", DICT),
        pa.field("I", pa.int32()),
        pa.field("F", pa.float64()),
        pa.field("B", pa.bool_(), nullable=False),
        pa.field("T", TS),
    ]
)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
META = {"dataset": "t", "version": "bbbb", "snapshot_time": "2026-01-01T00:00:00.000+00:00"}


def table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows sorted by key, with the schema above."""
    ordered = sorted(rows, key=lambda r: r["K"].encode())
    cols = {f.name: [r[f.name] for r in ordered] for f in SCHEMA}
    arrays = [
        pa.array(cols[f.name], pa.string()).cast(f.type)
        if pa.types.is_dictionary(f.type)
        else pa.array(cols[f.name], f.type)
        for f in SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


texts = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["", "a", "é", "a\x00"]))
categories = st.one_of(
    st.none(), st.sampled_from(["p", "q", "r", "s", "長", ""]), st.text(max_size=3)
)
row_values = st.fixed_dictionaries(
    {
        "S": texts,
        "D": categories,
        "I": st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1)),
        "F": st.one_of(st.none(), st.floats(allow_nan=False, width=64)),
        "B": st.booleans(),
        "T": st.one_of(
            st.none(), st.integers(-(10**6), 10**6).map(lambda s: EPOCH + timedelta(seconds=s))
        ),
    }
)
keys = st.text(alphabet=st.sampled_from("abAB0-é長"), min_size=1, max_size=4)


@st.composite
def version_pairs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A, and B from A with rows kept, changed (one cell or all) and removed, plus new rows."""
    a = draw(st.dictionaries(keys, row_values, max_size=25))
    b: dict[str, dict[str, Any]] = {}
    for k, row in a.items():
        fate = draw(st.sampled_from(["keep", "keep", "change", "cell", "drop"]))
        if fate == "keep":
            b[k] = row
        elif fate == "change":
            b[k] = draw(row_values)
        elif fate == "cell":
            col = draw(st.sampled_from(sorted(row)))
            b[k] = row | {col: draw(row_values)[col]}
    b |= draw(st.dictionaries(keys, row_values, max_size=10))
    return [{"K": k} | v for k, v in a.items()], [{"K": k} | v for k, v in b.items()]


ROW = {"S": "x", "D": "p", "I": 1, "F": 0.5, "B": True, "T": EPOCH}


@PROFILE
@given(version_pairs())
@example(([], []))
@example(([], [{"K": "a"} | ROW, {"K": "b"} | ROW]))
@example(([{"K": "a"} | ROW, {"K": "b"} | ROW], []))
@example(([{"K": "a"} | ROW], [{"K": "a"} | ROW | {"D": "new"}]))
def test_applying_the_delta_to_a_gives_b(
    pair: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    rows_a, rows_b = pair
    a, b = table(rows_a), table(rows_b)
    body = build_delta(fingerprint(a, "K", "aaaa"), b, META, "K")
    got = apply_delta(a, body, "K")
    assert got.schema.remove_metadata().equals(b.schema)
    for name in b.column_names:  # every column, every row, the same order
        assert got[name].to_pylist() == b[name].to_pylist(), name
    assert delta_metadata(got) == META
    # the delta holds exactly the new and changed rows, and names exactly the removed keys
    before = {r["K"]: r for r in rows_a}
    fresh = sorted((r["K"] for r in rows_b if before.get(r["K"]) != r), key=lambda k: k.encode())
    delta = read_ipc(body)
    meta = delta_metadata(delta)
    assert delta["K"].to_pylist() == fresh
    assert meta["delta_upserts"] == str(len(fresh))
    gone = sorted(set(before) - {r["K"] for r in rows_b}, key=lambda k: k.encode())
    assert json.loads(meta["delta_removed"]) == gone
    assert meta["delta_base"] == "aaaa" and meta["version"] == META["version"]
    assert delta.schema.remove_metadata().equals(b.schema)


def test_digests_tell_nulls_from_values_and_ignore_dictionary_layout() -> None:
    rows: list[dict[str, Any]] = [
        {"K": "a", "S": "", "D": "p", "I": 0, "F": 0.0, "B": False, "T": EPOCH},
        {"K": "b", "S": None, "D": None, "I": None, "F": None, "B": False, "T": None},
    ]
    digests = row_digests(table(rows)).to_pylist()
    assert digests[0] != digests[1]
    for col in ("S", "D", "I", "F", "T"):  # one null instead of a value changes the digest
        changed = row_digests(table([rows[0] | {col: None}])).to_pylist()
        assert changed[0] != digests[0], col
    # the same values under another dictionary (order, unused entries) digest the same
    d = pa.DictionaryArray.from_arrays(pa.array([2], pa.int32()), pa.array(["z", "q", "p"]))
    t = table(rows[:1])
    relaid = t.set_column(2, SCHEMA.field("D"), pa.chunked_array([d]))
    assert row_digests(relaid).to_pylist() == digests[:1]


def test_a_changed_cell_anywhere_changes_the_digest() -> None:
    row: dict[str, Any] = {"K": "a", "S": "abc", "D": "p", "I": 1, "F": 1.5, "B": True, "T": EPOCH}
    base = row_digests(table([row])).to_pylist()[0]
    others: list[dict[str, Any]] = [
        {"S": "abd"},
        {"S": "acb"},
        {"S": "abc\x00"},
        {"D": "q"},
        {"I": 2},
        {"F": -1.5},
        {"B": False},
        {"T": EPOCH + timedelta(milliseconds=1)},
    ]
    for change in others:
        assert row_digests(table([row | change])).to_pylist()[0] != base, change


def test_a_fingerprint_round_trips_through_bytes() -> None:
    t = table([{"K": k, "S": k, "D": "p", "I": 1, "F": None, "B": True, "T": None} for k in "xyz"])
    fp = fingerprint(t, "K", "v1")
    back = Fingerprint.from_bytes(fp.to_bytes())
    assert back.version == "v1"
    assert back.keys.equals(fp.keys) and back.digests.equals(fp.digests)


def test_duplicate_keys_have_no_fingerprint() -> None:
    row = {"S": None, "D": None, "I": None, "F": None, "B": True, "T": None}
    with pytest.raises(ValueError, match="duplicates"):
        fingerprint(table([{"K": "a"} | row, {"K": "a"} | row]), "K", "v")
