"""Benchmark: how big a real delta is when the demo factory runs (issue 14 follow-up).

Usage: .venv/bin/python bench/volatile_delta.py [--lots 100000] [--intervals 60,300,600]

bench/sync.py measures the delta with 0.5% of the lots changed, as the issue asks. This script
measures what the running demo factory gives instead: a copy of bench/.work/demo-<N>.sqlite,
a real WIP refresh (version A), the simulator ticking every 5 s of plant time for each interval,
a second refresh (version B), and the server's delta builder between them. It reports how many lots
differ, how many differ only in the snapshot-relative columns (AGEBYDAYS, rounded lot age the
source recomputes against its own snapshot time; HOLD_HOURS, derived from the snapshot time), and
the delta's share of the full payload (zstd) as built, and as it would be if those columns were not
shipped in the delta. Writes bench/results/volatile_delta.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from bench_env import machine
from sync import KEY, commit, demo_db, snapshot_a

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
VOLATILE = ("AGEBYDAYS", "HOLD_HOURS")
TICK_S = 5


def changed_keys(a: pa.Table, b: pa.Table, columns: list[str]) -> int:
    """Lots present in both versions whose `columns` differ (null-aware)."""
    left = a.select([KEY, *columns]).rename_columns([KEY, *[f"a_{c}" for c in columns]])
    right = b.select([KEY, *columns]).rename_columns([KEY, *[f"b_{c}" for c in columns]])
    joined = left.join(right, KEY, join_type="inner")
    differs = pa.array([False] * joined.num_rows)
    for c in columns:
        x, y = joined[f"a_{c}"], joined[f"b_{c}"]
        if pa.types.is_dictionary(x.type):
            x, y = x.cast(pa.string()), y.cast(pa.string())
        ne = pc.fill_null(pc.not_equal(x, y), True)
        both_null = pc.and_(pc.is_null(x), pc.is_null(y))
        differs = pc.or_(differs, pc.and_(ne, pc.invert(both_null)))
    return int(pc.sum(differs).as_py() or 0)


def measure(db: Path, interval_s: int) -> dict[str, Any]:
    from mes_dashboard.snapshots.delta import build_delta, fingerprint
    from mes_dashboard.snapshots.encode import compress, read_ipc, write_ipc
    from mes_dashboard.sources.demo.simulator import Simulator

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "demo.sqlite"
        shutil.copy(db, copy)
        start = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=8)
        sim = Simulator(copy, seed=3, clock=lambda: start)
        sim.tick(start)
        snap_a = snapshot_a(copy)
        for k in range(1, interval_s // TICK_S + 1):
            sim.tick(start + timedelta(seconds=k * TICK_S))
        snap_b = snapshot_a(copy)
    a, b = read_ipc(snap_a.body), read_ipc(snap_b.body)
    full_zstd = len(compress(snap_b.body, "zstd"))
    delta = build_delta(fingerprint(a, KEY, snap_a.version), b, dict(snap_b.meta), KEY)
    stable = [c for c in a.column_names if c != KEY and c not in VOLATILE]
    a_s, b_s = a.drop_columns(list(VOLATILE)), b.drop_columns(list(VOLATILE))
    meta_b = dict(snap_b.meta)
    delta_s = build_delta(fingerprint(a_s, KEY, snap_a.version), b_s, meta_b, KEY)
    full_s = len(compress(write_ipc(b_s, meta_b), "zstd"))
    common = pc.sum(pc.is_in(b[KEY], value_set=a[KEY])).as_py() or 0
    return {
        "interval_s": interval_s,
        "lots_a": a.num_rows,
        "lots_b": b.num_rows,
        "inserted": b.num_rows - int(common),
        "removed": a.num_rows - int(common),
        "changed_any_column": changed_keys(a, b, [c for c in a.column_names if c != KEY]),
        "changed_stable_columns": changed_keys(a, b, stable),
        "changed_agebydays": changed_keys(a, b, ["AGEBYDAYS"]),
        "changed_hold_hours": changed_keys(a, b, ["HOLD_HOURS"]),
        "full_zstd": full_zstd,
        "delta_zstd": len(compress(delta, "zstd")),
        "delta_upserts": read_ipc(delta).num_rows,
        "full_zstd_without_volatile": full_s,
        "delta_zstd_without_volatile": len(compress(delta_s, "zstd")),
        "delta_upserts_without_volatile": read_ipc(delta_s).num_rows,
    }


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Deltas on the running demo factory: the snapshot-relative columns (issue 14)",
        "",
        f"{results['lots']:,} lots; the simulator ticks every {TICK_S} s of plant time between two "
        "real WIP refreshes. Snapshot-relative columns: " + ", ".join(VOLATILE) + ".",
        "",
        "| interval between versions | lots touched (inserted / removed / changed in any column) "
        "| changed, other columns only | AGEBYDAYS changed | HOLD_HOURS changed "
        "| delta / full, zstd | upserts | without the two columns: delta / full, zstd | upserts |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["runs"]:
        lines.append(
            f"| {r['interval_s']} s | {r['inserted']:,} / {r['removed']:,} / "
            f"{r['changed_any_column']:,} | {r['changed_stable_columns']:,} | "
            f"{r['changed_agebydays']:,} | {r['changed_hold_hours']:,} | "
            f"{r['delta_zstd'] / r['full_zstd']:.1%} | {r['delta_upserts']:,} | "
            f"{r['delta_zstd_without_volatile'] / r['full_zstd_without_volatile']:.1%} | "
            f"{r['delta_upserts_without_volatile']:,} |"
        )
    m = results["machine"]
    lines += [
        "",
        f"Command: `{results['command']}`, {results['date']}, commit {results['commit']}, "
        f"{m['cpu']}, {m['cores']} cores.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--intervals", default="60,300,600")
    args = parser.parse_args()
    db = demo_db(args.lots)
    runs = []
    for interval in (int(x) for x in args.intervals.split(",")):
        print(f"interval {interval} s", file=sys.stderr)
        runs.append(measure(db, interval))
    results = {
        "command": "python bench/volatile_delta.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "commit": commit(),
        "lots": args.lots,
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "volatile_delta.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / "volatile_delta.md").write_text(render(results))
    print(render(results))


if __name__ == "__main__":
    main()
