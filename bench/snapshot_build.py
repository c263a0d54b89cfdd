"""Benchmark: snapshot build, IPC size and compression per encoding, against JSON records.

Usage: .venv/bin/python bench/snapshot_build.py [--sizes 12000,100000,1000000]
Writes bench/results/snapshot_build.json and .md (the command line is recorded in them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zstandard

from mes_dashboard.config import load_settings
from mes_dashboard.datasets.wip import build_wip
from mes_dashboard.services import object_names
from mes_dashboard.snapshots.builder import BuildRules, main_columns
from mes_dashboard.snapshots.encode import ENCODINGS, compress, write_ipc
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource

ROOT = Path(__file__).resolve().parent
WORK = ROOT / ".work"


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def measure(lots: int) -> dict[str, Any]:
    db = WORK / f"demo-{lots}.sqlite"
    if not db.exists():
        WORK.mkdir(exist_ok=True)
        _, gen_s = timed(lambda: generate(db, lots=lots, machines=3000, seed=1, progress=True))
        print(f"generated {lots} lots in {gen_s:.1f}s", file=sys.stderr)
    settings = load_settings({}, env_file=None)
    source = DemoSource(db, object_names(settings))
    raw, fetch_s = timed(lambda: source.fetch("lot"))
    mapping = source.fetch("spec_workcenter")
    built, build_s = timed(
        lambda: build_wip(raw, mapping, BuildRules.from_settings(settings), datetime.now(UTC))
    )
    main = built.table.select(main_columns("wip"))
    body, ipc_s = timed(lambda: write_ipc(main, {"dataset": "wip"}))
    rows = main.num_rows
    result: dict[str, Any] = {
        "lots_generated": lots,
        "rows": rows,
        "columns": main.num_columns,
        "source_fetch_s": round(fetch_s, 3),
        "build_s": round(build_s, 3),
        "ipc_write_s": round(ipc_s, 3),
        "ipc_bytes": len(body),
        "ipc_bytes_per_row": round(len(body) / max(rows, 1), 1),
        "encodings": {},
    }
    for enc in ENCODINGS:
        data, comp_s = timed(lambda enc=enc: compress(body, enc))
        result["encodings"][enc] = {"bytes": len(data), "compress_s": round(comp_s, 3)}
    records, json_s = timed(
        lambda: json.dumps(main.to_pylist(), ensure_ascii=False, default=str).encode()
    )
    jgz, jgz_s = timed(lambda: gzip.compress(records, compresslevel=6))
    jzs, jzs_s = timed(lambda: zstandard.ZstdCompressor(level=9).compress(records))
    result["json_records"] = {
        "bytes": len(records),
        "serialize_s": round(json_s, 3),
        "gzip": {"bytes": len(jgz), "compress_s": round(jgz_s, 3)},
        "zstd": {"bytes": len(jzs), "compress_s": round(jzs_s, 3)},
    }
    return result


def to_markdown(results: list[dict[str, Any]], command: str) -> str:
    lines = [
        "# Snapshot build benchmark",
        "",
        f"Command: `{command}`  ",
        f"Recorded: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}, 2 cores.",
        "",
        "| lots | build s | IPC write s | IPC MB | B/row | zstd MB (s) | gzip MB (s) "
        "| JSON MB (s) | JSON gzip MB | JSON zstd MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    mb = 1 / 1_000_000
    for r in results:
        z, g, j = r["encodings"]["zstd"], r["encodings"]["gzip"], r["json_records"]
        lines.append(
            f"| {r['rows']:,} | {r['build_s']} | {r['ipc_write_s']} | {r['ipc_bytes'] * mb:.2f} "
            f"| {r['ipc_bytes_per_row']} | {z['bytes'] * mb:.2f} ({z['compress_s']}) "
            f"| {g['bytes'] * mb:.2f} ({g['compress_s']}) | {j['bytes'] * mb:.2f} "
            f"({j['serialize_s']}) | {j['gzip']['bytes'] * mb:.2f} "
            f"| {j['zstd']['bytes'] * mb:.2f} |"
        )
    lines += [
        "",
        "Build = normalize + derive rules + conform to the contract (excludes the source "
        "fetch, reported in the JSON as source_fetch_s). JSON = the same main columns as "
        "records, the old system's wire format.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="12000,100000,1000000")
    args = parser.parse_args()
    results = [measure(int(n)) for n in args.sizes.split(",")]
    command = "python bench/snapshot_build.py " + " ".join(sys.argv[1:])
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "snapshot_build.json").write_text(
        json.dumps({"command": command, "results": results}, indent=1) + "\n"
    )
    (out / "snapshot_build.md").write_text(to_markdown(results, command))
    print(to_markdown(results, command))


if __name__ == "__main__":
    main()
