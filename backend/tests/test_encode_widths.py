"""Wire widths: columns ship in their narrowest lossless width, read back at contract widths."""

from __future__ import annotations

import pyarrow as pa
import pytest

from mes_dashboard.snapshots.encode import read_ipc, wire_schema, write_ipc

META = {"dataset": "wip", "version": "v1"}


def dictionary(size: int, rows: int = 300) -> pa.DictionaryArray:
    values = pa.array([f"V{k:06d}" for k in range(size)])
    codes = pa.array([None if i % 7 == 0 else i % size for i in range(rows)], pa.int32())
    return pa.DictionaryArray.from_arrays(codes, values)


def wire_types(body: bytes) -> dict[str, pa.DataType]:
    schema = pa.ipc.open_stream(pa.py_buffer(body)).schema
    return {f.name: f.type for f in schema}


@pytest.mark.parametrize(
    ("size", "index"),
    [(1, pa.int8()), (128, pa.int8()), (129, pa.int16()), (32768, pa.int16()), (32769, pa.int32())],
)
def test_dictionary_indices_take_the_narrowest_width_of_the_dictionary(
    size: int, index: pa.DataType
) -> None:
    table = pa.table({"CAT": dictionary(size, rows=max(size, 300))})
    body = write_ipc(table, META)
    assert wire_types(body)["CAT"] == pa.dictionary(index, pa.string())
    assert read_ipc(body).equals(table)


@pytest.mark.parametrize(
    ("values", "wire"),
    [
        ([0, 3, None], pa.int8()),
        ([-128, 127], pa.int8()),
        ([-129, 5], pa.int16()),
        ([128], pa.int16()),
        ([-32768, 32767, None], pa.int16()),
        ([32768], pa.int32()),
        ([-(2**31), 2**31 - 1], pa.int32()),
        ([None, None], pa.int8()),
        ([], pa.int8()),
    ],
)
def test_int32_columns_narrow_to_their_range(values: list[int | None], wire: pa.DataType) -> None:
    table = pa.table({"QTY": pa.array(values, pa.int32())})
    body = write_ipc(table, META)
    assert wire_types(body)["QTY"] == wire
    back = read_ipc(body)
    assert back.column("QTY").type == pa.int32()
    assert back.column("QTY").to_pylist() == values


def test_other_types_and_metadata_are_kept() -> None:
    ts = pa.timestamp("ms", tz="Asia/Taipei")
    table = pa.table(
        {
            "LOTID": pa.array(["A", "B", None]),
            "HOURS": pa.array([0.5, None, 2.25]),
            "FLAG": pa.array([True, False, None]),
            "TIME": pa.array([0, None, 1_700_000_000_123], ts),
            "BIG": pa.array([2**40, None, -1], pa.int64()),
        }
    )
    assert wire_schema(table).equals(table.schema)
    body = write_ipc(table, META)
    back = read_ipc(body)
    assert back.equals(table)
    assert {k.decode(): v.decode() for k, v in back.schema.metadata.items()} == META


def test_chunked_dictionaries_are_unified_before_their_width_is_chosen() -> None:
    # two chunks of 100 distinct values each: 200 together, more than int8 holds
    first = pa.DictionaryArray.from_arrays(
        pa.array(range(100), pa.int32()), pa.array([f"A{k:03d}" for k in range(100)])
    )
    second = pa.DictionaryArray.from_arrays(
        pa.array(range(100), pa.int32()), pa.array([f"B{k:03d}" for k in range(100)])
    )
    table = pa.table({"CAT": pa.chunked_array([first, second])})
    body = write_ipc(table, META)
    assert wire_types(body)["CAT"] == pa.dictionary(pa.int16(), pa.string())
    assert read_ipc(body).column("CAT").to_pylist() == table.column("CAT").to_pylist()


def test_narrow_widths_cut_the_bytes_of_a_wip_like_table() -> None:
    rows = 10_000
    table = pa.table(
        {
            "STATUS": dictionary(3, rows),
            "PACKAGE_LEF": dictionary(40, rows),
            "PRODUCT": dictionary(165, rows),
            "CURRENTHOLDCOUNT": pa.array([i % 4 for i in range(rows)], pa.int32()),
        }
    )
    narrow = write_ipc(table, META)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    wide = sink.getvalue().to_pybytes()
    # per row 4 + 4 + 4 + 4 bytes before, 1 + 1 + 2 + 1 after (+ 3/8 of validity bits on both)
    assert len(narrow) < len(wide) * 0.35
    assert read_ipc(narrow).equals(table)
