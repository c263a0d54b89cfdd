"""Write the small Arrow IPC fixtures (and their expected decoded values) for the frontend tests.

Run: .venv/bin/python frontend/test-data/make-fixtures.py [--wip-rows N --out PATH]

Each fixture NAME.arrows gets a sibling NAME.json with the values the browser decoder must produce:
{"numRows": n, "metadata": {...}, "columns": {NAME: {"type": T, "values": [...]}}} where T is one of
dictionary, utf8, int, float, bool, timestamp, date; timestamps are epoch milliseconds and dates
"YYYY-MM-DD".
`--wip-rows N --out PATH` instead writes one synthetic wip-like stream for decoder benchmarks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa

HERE = Path(__file__).resolve().parent
TZ = "Asia/Taipei"
METADATA = {"snapshot_time": "2025-03-01T08:30:00+08:00", "version": "fixture-1"}
DICT = pa.dictionary(pa.int32(), pa.utf8())
TS = pa.timestamp("ms", tz=TZ)


def ms(text: str) -> int:
    """Epoch ms of an ISO time with offset."""
    return int(dt.datetime.fromisoformat(text).timestamp() * 1000)


def kind(t: pa.DataType) -> str:
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_dictionary(t):
        return "dictionary"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "utf8"
    raise TypeError(t)


def expected_values(column: pa.ChunkedArray) -> list[object]:
    if pa.types.is_timestamp(column.type):
        return column.cast(pa.int64()).to_pylist()
    if pa.types.is_date(column.type):
        return [None if d is None else d.isoformat() for d in column.to_pylist()]
    if pa.types.is_dictionary(column.type):
        return [None if v is None else str(v) for v in column.to_pylist()]
    return column.to_pylist()


def write(
    name: str, schema: pa.Schema, batches: list[pa.RecordBatch], deltas: bool = False
) -> None:
    options = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=deltas)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema, options=options) as writer:
        for batch in batches:
            writer.write_batch(batch)
    (HERE / f"{name}.arrows").write_bytes(sink.getvalue().to_pybytes())
    table = pa.Table.from_batches(batches, schema=schema)
    expected = {
        "numRows": table.num_rows,
        "metadata": {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()},
        "columns": {
            f.name: {"type": kind(f.type), "values": expected_values(table.column(f.name))}
            for f in schema
        },
    }
    text = json.dumps(expected, ensure_ascii=False, indent=1)
    (HERE / f"{name}.json").write_text(text + "\n", encoding="utf-8")


def dict_array(values: list[str | None], dictionary: list[str]) -> pa.DictionaryArray:
    index = {v: i for i, v in enumerate(dictionary)}
    codes = pa.array([None if v is None else index[v] for v in values], pa.int32())
    return pa.DictionaryArray.from_arrays(codes, pa.array(dictionary, pa.utf8()))


def all_types() -> None:
    """One batch, every type the contract uses, a null in every column, CJK and emoji strings."""
    schema = pa.schema(
        [
            ("CAT", DICT),
            ("NAME", pa.utf8()),
            ("QTY", pa.int32()),
            ("HOURS", pa.float64()),
            ("FLAG", pa.bool_()),
            ("TIME", TS),
        ],
        metadata=METADATA,
    )
    cats = ["封裝", None, "SMA", "😀 emoji", "\uff01", "SMA"]
    batch = pa.record_batch(
        [
            dict_array(cats, ["SMA", "封裝", "😀 emoji", "\uff01"]),
            pa.array(["GA2512-001", "ga2512-002", None, "批號-ä", "", "Ωmega"], pa.utf8()),
            pa.array([5, None, -3, 2147483647, 0, -2147483648], pa.int32()),
            pa.array([1.5, 0.1, None, -0.0, 1e300, 2.5], pa.float64()),
            pa.array([True, False, None, True, False, True], pa.bool_()),
            pa.array(
                [
                    ms("2025-03-01T08:00:00+08:00"),
                    None,
                    ms("1969-12-31T23:59:59.999+00:00"),
                    ms("2025-02-28T23:59:59.001+08:00"),
                    0,
                    ms("2038-01-19T03:14:08+00:00"),
                ],
                TS,
            ),
        ],
        schema=schema,
    )
    write("all-types", schema, [batch])


def multi_batch() -> None:
    """Three record batches sharing one dictionary (the normal snapshot shape)."""
    schema = pa.schema([("GROUP", DICT), ("QTY", pa.int32())], metadata=METADATA)
    dictionary = ["DB", "WB", "MOLD"]
    rows = [
        (["DB", "WB", None], [1, 2, 3]),
        (["MOLD", "DB"], [None, 5]),
        ([None, "WB", "WB", "MOLD"], [6, 7, 8, 9]),
    ]
    batches = [
        pa.record_batch([dict_array(g, dictionary), pa.array(q, pa.int32())], schema=schema)
        for g, q in rows
    ]
    write("multi-batch", schema, batches)


def replacement_dictionary(deltas: bool) -> None:
    """Batches with different dictionaries: replacement (isDelta=false) or delta batches."""
    schema = pa.schema([("STATUS", DICT), ("N", pa.int32())])
    parts = [
        (["RUN", "HOLD", "RUN"], ["RUN", "HOLD"]),
        (["QUEUE", None, "HOLD"], ["HOLD", "QUEUE"] if not deltas else ["RUN", "HOLD", "QUEUE"]),
        (["待料", "RUN"], ["待料", "RUN"] if not deltas else ["RUN", "HOLD", "QUEUE", "待料"]),
    ]
    batches = [
        pa.record_batch([dict_array(v, d), pa.array(range(len(v)), pa.int32())], schema=schema)
        for v, d in parts
    ]
    write("delta-dictionary" if deltas else "replacement-dictionary", schema, batches, deltas)


def ascending_then_replaced() -> None:
    """A first dictionary in ascending order (taken as is), then a replacement sharing values."""
    schema = pa.schema([("STATUS", DICT), ("N", pa.int32())])
    parts = [
        (["RUN", "HOLD", None, "QUEUE"], ["HOLD", "QUEUE", "RUN"]),
        (["待料", "RUN", "HOLD", "RUN"], ["RUN", "待料", "HOLD"]),
    ]
    batches = [
        pa.record_batch([dict_array(v, d), pa.array(range(len(v)), pa.int32())], schema=schema)
        for v, d in parts
    ]
    write("ascending-then-replaced", schema, batches, False)


def dates() -> None:
    """Calendar dates (date32 and date64) around the epoch, ISO-week and year edges, leap days."""
    days = [
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
        None,
        dt.date(1969, 12, 31),
        dt.date(1970, 1, 1),
        dt.date(2020, 12, 31),
        dt.date(2024, 2, 29),
        dt.date(1, 1, 1),
        dt.date(9999, 12, 31),
    ]
    schema = pa.schema([("DAY", pa.date32()), ("DAY64", pa.date64())], metadata=METADATA)
    batches = [
        pa.record_batch([pa.array(part, t) for t in (pa.date32(), pa.date64())], schema=schema)
        for part in (days[:4], days[4:])
    ]
    write("dates", schema, batches)


def narrow_widths() -> None:
    """What the server ships (snapshots/encode.py wire_schema): int8 and int16 dictionary indices,
    int8 and int16 integers with their extremes and nulls, two batches, a replacement dictionary."""
    small = ["HOLD", "QUEUE", "RUN"]
    large = [f"WO{k:05d}" for k in range(300)]

    def indexed(values: list[str | None], dictionary: list[str], index: pa.DataType) -> pa.Array:
        return dict_array(values, dictionary).cast(pa.dictionary(index, pa.utf8()))

    schema = pa.schema(
        [
            ("STATUS", pa.dictionary(pa.int8(), pa.utf8())),
            ("WORKORDER", pa.dictionary(pa.int16(), pa.utf8())),
            ("COUNT", pa.int8()),
            ("SEQ", pa.int16()),
        ],
        metadata=METADATA,
    )
    first = pa.record_batch(
        [
            indexed(["RUN", None, "HOLD", "QUEUE"], small, pa.int8()),
            indexed(["WO00299", "WO00000", None, "WO00128"], large, pa.int16()),
            pa.array([-128, 127, None, 0], pa.int8()),
            pa.array([-32768, 32767, 1200, None], pa.int16()),
        ],
        schema=schema,
    )
    second = pa.record_batch(
        [
            indexed(["待料", "RUN", None], ["RUN", "待料"], pa.int8()),
            indexed([None, "WO00255", "WO00001"], large, pa.int16()),
            pa.array([3, None, -1], pa.int8()),
            pa.array([None, 50, -2], pa.int16()),
        ],
        schema=schema,
    )
    write("narrow-widths", schema, [first, second])


def empty() -> None:
    """A schema and no record batch at all."""
    schema = pa.schema([("CAT", DICT), ("QTY", pa.int32()), ("TIME", TS)], metadata=METADATA)
    write("empty", schema, [])


def wip_like(rows: int) -> pa.Table:
    """A synthetic wip-shaped table: contract column names, dictionaries, ids, numbers, times."""
    rng = random.Random(7)
    groups = [f"WCG-{i:02d}" for i in range(30)]
    packages = [f"PKG-{i:03d}" for i in range(200)]
    specs = [f"SPEC-{i:04d}" for i in range(2000)]
    base = ms("2025-03-01T08:00:00+08:00")

    def maybe(value: object, p: float = 0.05) -> object:
        return None if rng.random() < p else value

    def draw(f: Callable[[], object]) -> list[object]:
        return [f() for _ in range(rows)]

    def cat(f: Callable[[], object]) -> pa.Array:
        return pa.array(draw(f), pa.utf8()).dictionary_encode().cast(DICT)

    columns = {
        "LOTID": pa.array([f"GA{i:08d}" for i in range(rows)], pa.utf8()),
        "WORKORDER": cat(lambda: f"WO{rng.randrange(5000):05d}"),
        "QTY": pa.array(draw(lambda: maybe(rng.randrange(1, 20000))), pa.int32()),
        "WIP_STATUS": cat(lambda: rng.choice(["RUN", "QUEUE", "HOLD"])),
        "HOLD_TYPE": cat(lambda: maybe(rng.choice(["quality", "non_quality"]), 0.5)),
        "HOLD_HOURS": pa.array(draw(lambda: maybe(rng.random() * 500, 0.6)), pa.float64()),
        "IS_DUMMY": pa.array(draw(lambda: rng.random() < 0.02), pa.bool_()),
        "WORKCENTER_GROUP": cat(lambda: maybe(rng.choice(groups))),
        "PACKAGE_LEF": cat(lambda: maybe(rng.choice(packages))),
        "SPECNAME": cat(lambda: maybe(rng.choice(specs))),
        "MOVEINTIMESTAMP": pa.array(draw(lambda: maybe(base - rng.randrange(10**9))), TS),
        "AGEBYDAYS": pa.array(draw(lambda: maybe(rng.random() * 90)), pa.float64()),
    }
    return pa.table(columns).replace_schema_metadata(METADATA)


def wip_sample() -> None:
    """A small wip-shaped stream in three batches, the shape the snapshot builder ships."""
    table = wip_like(30)
    write("wip-sample", table.schema, table.to_batches(max_chunksize=12))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wip-rows", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.wip_rows:
        table = wip_like(args.wip_rows)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=16384)
        (args.out or HERE / "wip-like.arrows").write_bytes(sink.getvalue().to_pybytes())
        return
    all_types()
    multi_batch()
    replacement_dictionary(deltas=False)
    replacement_dictionary(deltas=True)
    ascending_then_replaced()
    dates()
    narrow_widths()
    empty()
    wip_sample()


if __name__ == "__main__":
    main()
