"""Integer sums just below 2^53 (the contract's bound) are exact on both sides.

int32 values top out at 2^31 - 1, so reaching 2^53 needs 2^22 rows: 4,194,304 rows of 2^31 - 1
sum to 2^53 - 2^22 (and of -(2^31 - 1) to its negative), with every partial sum on the way
exactly representable as a double. The 32 MB stream reaches the page by fetch, not inline.
"""

from __future__ import annotations

import pyarrow as pa

from parity.harness import BrowserCore
from parity.runner import check_queries
from parity.tables import SNAPSHOT_METADATA

ROWS = 2**22
INT32_MAX = 2**31 - 1


def test_sums_near_2_pow_53_are_exact(core: BrowserCore) -> None:
    schema = pa.schema([("QTY", pa.int32()), ("QTY2", pa.int32())], metadata=SNAPSHOT_METADATA)
    columns = [pa.repeat(v, ROWS).cast(pa.int32()) for v in (INT32_MAX, -INT32_MAX)]
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_batch(pa.record_batch(columns, schema=schema))
    ipc = sink.getvalue().to_pybytes()
    query = {
        "dataset": "wip",
        "groupBy": [{"bucket": "QTY", "edges": [INT32_MAX]}],
        "metrics": ["lots", "qty", "wafer_qty"],
    }
    check_queries(core, ipc, pa.ipc.open_stream(ipc).read_all(), [query])
    assert INT32_MAX * ROWS == 2**53 - 2**22
