"""Benchmark: what a poll and a start cost, before and after the sync work (issue 14).

Usage: .venv/bin/python bench/sync.py [--sizes 100000,1000000] [--changed 0.005] [--wait-idle 60]

For each size, from the demo source (bench/.work/demo-<N>.sqlite, generated once):
- version A: the WIP snapshot exactly as the server builds it (the real refresh);
- version B: A with `--changed` of its lots changed (60%: quantity, step, move-in time), removed
  (20%) and inserted (20%, new lot ids), sorted and encoded as the server encodes a snapshot;
- the delta A -> B from the server's delta builder (mes_dashboard.snapshots.delta), and the next
  poll's C and delta B -> C;
- "before": A as the previous encoder wrote it (every dictionary index and integer at its contract
  width, the stream otherwise identical), and decoded by the previous decoder (frontend/src/core
  at --before-ref, extracted under bench/.work/before/).
Bytes: full vs delta per poll (identity and zstd as served), bytes per lot before/after.
Browser (headless Chromium, bench/sync/ page, a fresh page per cold run): cold decode before and
after and arquero's load of the same bytes, decode + the overview's 5 queries, first autocomplete
on LOTID and WORKORDER, time to apply a delta as polls meet it: A -> B onto a freshly loaded A, then
the next poll's B -> C (C = B with `--changed` changed again) onto that result (the results checked
equal to B and C on every cell).
Reload from the local copy (real app, gunicorn, the largest size): open WIP overview, wait for the
local copy to be saved, reload with the server up and with it stopped; time from navigation to the
KPI painted.
Writes bench/results/sync.json and sync.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
from bench_env import machine, wait_for_idle
from playwright.sync_api import Browser, sync_playwright

from testkit.chromium import launch

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
WORK = ROOT / ".work"
PAGE = ROOT / "sync"
DIST = PAGE / "dist"
BEFORE = WORK / "before"
RESULTS = ROOT / "results"
KEY = "LOTID"


def demo_db(lots: int) -> Path:
    """The demo database with `lots` lots (shared with browser_compute.py)."""
    from mes_dashboard.sources.demo.generator import generate

    db = WORK / f"demo-{lots}.sqlite"
    if not db.exists():
        WORK.mkdir(exist_ok=True)
        generate(db, lots=lots, machines=3000, seed=1, progress=True)
    return db


def snapshot_a(db: Path) -> Any:
    """Version A: the WIP snapshot from a real refresh of the demo source."""
    from mes_dashboard.config import load_settings
    from mes_dashboard.services import build_services

    settings = load_settings({"MES_DEMO_DB": str(db), "MES_DEMO_SIMULATE": "false"}, env_file=None)
    services = build_services(settings)
    try:
        services.refreshers["wip"].refresh_once()
        snap = services.store.current("wip")
        if snap is None:
            raise RuntimeError("the WIP refresh published nothing")
        return snap
    finally:
        services.close()


def change(table: pa.Table, share: float, seed: int = 7) -> pa.Table:
    """`share` of the lots touched: 60% changed, 20% removed, 20% inserted; sorted by key."""
    rng = random.Random(seed)
    n = table.num_rows
    touched = max(5, round(n * share))
    picks = rng.sample(range(n), touched)
    cut1, cut2 = int(touched * 0.6), int(touched * 0.8)
    changed, removed, cloned = picks[:cut1], picks[cut1:cut2], picks[cut2:]
    donors = [rng.randrange(n) for _ in changed]
    rows = table.take(pa.array(changed)).to_pylist()
    donor_rows = table.take(pa.array(donors)).to_pylist()
    for row, donor in zip(rows, donor_rows, strict=True):
        row["QTY"] = (row["QTY"] or 0) + 25
        for col in ("SPECNAME", "SPEC_SEQ", "WORKCENTERNAME", "WORKCENTER_GROUP"):
            row[col] = donor[col]
        for col in ("WORKCENTER_GROUP_SEQ", "WORKCENTER_SHORT"):
            row[col] = donor[col]
        stamp = row["MOVEINTIMESTAMP"]
        row["MOVEINTIMESTAMP"] = (stamp or datetime(2026, 1, 1, tzinfo=UTC)) + timedelta(hours=1)
    new_rows = table.take(pa.array(cloned)).to_pylist()
    for i, row in enumerate(new_rows):
        row[KEY] = f"{row[KEY]}N{i:05d}"
    schema = table.schema.remove_metadata()
    drop = set(changed) | set(removed)
    keep = pa.array([i not in drop for i in range(n)])
    plain = table.replace_schema_metadata(None)
    merged = pa.concat_tables(
        [
            plain.filter(keep),
            pa.Table.from_pylist(rows, schema=schema),
            pa.Table.from_pylist(new_rows, schema=schema),
        ]
    ).unify_dictionaries()
    return merged.take(pc.sort_indices(merged[KEY])).combine_chunks()


def write_before(table: pa.Table, metadata: dict[str, str]) -> bytes:
    """The previous encoder: the same stream with every column at its contract width."""
    schema = table.schema.with_metadata({k.encode(): v.encode() for k, v in metadata.items()})
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(emit_dictionary_deltas=False, unify_dictionaries=True)
    with pa.ipc.new_stream(sink, schema, options=options) as writer:
        writer.write_table(table.cast(schema))
    return bytes(sink.getvalue().to_pybytes())


def payloads(lots: int, share: float) -> dict[str, Any]:
    """Write A, B, the delta and A-before under bench/.work/sync-<N>/; their sizes."""
    from mes_dashboard.snapshots.delta import build_delta, fingerprint
    from mes_dashboard.snapshots.encode import compress, read_ipc, write_ipc

    out = WORK / f"sync-{lots}"
    out.mkdir(parents=True, exist_ok=True)
    snap = snapshot_a(demo_db(lots))
    table_a = read_ipc(snap.body)
    meta_a = dict(snap.meta)
    table_b = change(table_a, share)
    meta_b = meta_a | {"version": f"{meta_a['version']}-b"}
    body_b = write_ipc(table_b, meta_b)
    delta = build_delta(fingerprint(table_a, KEY, snap.version), read_ipc(body_b), meta_b, KEY)
    # the next poll: C, and the delta B -> C the page applies to the table the first delta made
    table_c = change(table_b, share, seed=11)
    meta_c = meta_a | {"version": f"{meta_a['version']}-c"}
    body_c = write_ipc(table_c, meta_c)
    print_b = fingerprint(table_b, KEY, meta_b["version"])
    delta_bc = build_delta(print_b, read_ipc(body_c), meta_c, KEY)
    before = write_before(table_a.replace_schema_metadata(None), meta_a)
    files = {
        "a": snap.body,
        "b": body_b,
        "delta": delta,
        "c": body_c,
        "delta2": delta_bc,
        "before": before,
    }
    sizes: dict[str, Any] = {"rows_a": table_a.num_rows, "rows_b": table_b.num_rows}
    for name, data in files.items():
        (out / f"{name}.arrows").write_bytes(data)
        sizes[name] = {"identity": len(data), "zstd": len(compress(data, "zstd"))}
    upserts = read_ipc(delta)
    removed = json.loads(upserts.schema.metadata[b"delta_removed"])
    sizes["delta_upserts"] = upserts.num_rows
    sizes["delta_removed"] = len(removed)
    sizes["touched"] = max(5, round(table_a.num_rows * share))
    return sizes


def extract_before(ref: str) -> str:
    """frontend/src/core as of `ref`, under bench/.work/before/ (the previous decoder)."""
    if BEFORE.exists():
        shutil.rmtree(BEFORE)
    BEFORE.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", ref, "frontend/src/core", "contracts"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(BEFORE)], input=archive, check=True)
    return subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()


def build_page() -> None:
    subprocess.run(
        ["npx", "vite", "build", "--config", str(PAGE / "vite.config.ts")],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Handler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".arrows": "application/vnd.apache.arrow.stream",
    }

    def translate_path(self, path: str) -> str:
        if path.startswith("/data/"):
            return str(WORK / path.split("?")[0].removeprefix("/data/"))
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def static_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(DIST)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def in_fresh_page(browser: Browser, base: str, script: str, arg: Any) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/index.html")
        page.wait_for_function("window.benchReady === true")
        result: dict[str, Any] = page.evaluate(script, arg)
    finally:
        context.close()
    if errors:
        result["page_errors"] = errors
    return result


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def browser_size(
    browser: Browser, base: str, lots: int, args: argparse.Namespace
) -> dict[str, Any]:
    data = f"{base}/data/sync-{lots}"
    out: dict[str, Any] = {}
    for engine in ("before", "after", "arquero"):
        load = wait_for_idle(args.wait_idle)
        runs = []
        for k in range(args.cold_pages):
            print(f"{lots}: cold {engine} {k + 1}/{args.cold_pages}", file=sys.stderr)
            script = "([data, engine]) => window.coldRun(data, engine)"
            runs.append(in_fresh_page(browser, base, script, [data, engine]))
        out[engine] = {
            "runs": runs,
            "decode_ms": median([r["decode_ms"] for r in runs]),
            "decode_and_queries_ms": median([r["decode_and_queries_ms"] for r in runs]),
            "first_suggest_ms": {
                f: median([r["first_suggest_ms"][f] for r in runs])
                for f in runs[0]["first_suggest_ms"]
            },
            "load_average_at_start": load,
        }
    load = wait_for_idle(args.wait_idle)
    print(f"{lots}: apply delta", file=sys.stderr)
    script = "([data, runs]) => window.applyRun(data, runs)"
    apply = in_fresh_page(browser, base, script, [data, args.apply_runs])
    apply["load_average_at_start"] = load
    out["apply"] = apply
    return out


def reload_from_local_copy(lots: int, args: argparse.Namespace) -> dict[str, Any]:
    """The real app: WIP overview, local copy saved, then reloads (server up, server stopped)."""
    from local_copy_reload import measure_reload

    return measure_reload(demo_db(lots), runs=args.reload_runs, wait_idle=args.wait_idle)


def fmt_bytes(n: float) -> str:
    return f"{n:,.0f}"


def fmt_ms(ms: float) -> str:
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


TARGETS: list[tuple[str, str]] = [
    ("delta / full bytes per poll (zstd)", "<= 3%"),
    ("apply a delta in the browser", "<= 30 ms"),
    ("bytes per lot, IPC", "<= 110 B"),
    ("cold decode", "<= 150 ms"),
    ("first autocomplete LOTID", "<= 50 ms"),
    ("first autocomplete WORKORDER", "<= 50 ms"),
    ("reload to first paint from the local copy", "<= 400 ms"),
]


def apply_target(apply: dict[str, Any]) -> tuple[float, bool, str]:
    """The slower of the two polls' medians (after a full load, after a delta)."""
    first = apply["apply"]["median_ms"]
    chained = apply.get("apply_chained", {}).get("median_ms", first)
    worst = max(first, chained)
    text = f"{fmt_ms(first)} ms after a full load, {fmt_ms(chained)} ms after a delta"
    return worst, worst <= 30, text


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    lots = max(results["sizes"], key=int)
    size = results["sizes"][lots]
    by = size["bytes"]
    br = size["browser"]
    ratio = by["delta"]["zstd"] / by["b"]["zstd"]
    ratio_identity = by["delta"]["identity"] / by["b"]["identity"]
    measured: dict[str, tuple[float, bool, str]] = {
        TARGETS[0][0]: (ratio, ratio <= 0.03, f"{ratio:.2%} (identity {ratio_identity:.2%})"),
        TARGETS[1][0]: apply_target(br["apply"]),
    }
    per_lot = by["a"]["identity"] / by["rows_a"]
    measured[TARGETS[2][0]] = (per_lot, per_lot <= 110, f"{per_lot:.1f} B")
    decode = br["after"]["decode_ms"]
    measured[TARGETS[3][0]] = (decode, decode <= 150, f"{fmt_ms(decode)} ms")
    for field in ("LOTID", "WORKORDER"):
        first = br["after"]["first_suggest_ms"][field]
        measured[f"first autocomplete {field}"] = (first, first <= 50, f"{fmt_ms(first)} ms")
    reload = results.get("reload")
    if reload:
        up = reload["server_up"]["median_ms"]
        measured[TARGETS[6][0]] = (up, up <= 400, f"{fmt_ms(up)} ms (server up)")
    return [
        {
            "lots": int(lots),
            "target": name,
            "goal": goal,
            "measured": measured[name][2] if name in measured else "not measured",
            "met": measured[name][1] if name in measured else False,
        }
        for name, goal in TARGETS
    ]


def render(results: dict[str, Any]) -> str:
    lines = ["# Sync: bytes per poll, payload, cold start and the local copy (issue 14)", ""]
    lines += [
        f"Changed per refresh: {results['changed']:.1%} of the lots (60% changed, 20% removed, "
        "20% inserted). Before = the previous encoder's bytes and the previous decoder "
        f"(frontend/src/core at {results['before_ref']}); after = this commit "
        f"({results['commit']}).",
        "",
        "## Bytes",
        "",
        "| | " + " | ".join(f"{int(k):,} lots" for k in results["sizes"]) + " |",
        "|---|" + "---|" * len(results["sizes"]),
    ]
    sizes = list(results["sizes"].values())

    def row(label: str, cell: Any) -> str:
        return f"| {label} | " + " | ".join(cell(s) for s in sizes) + " |"

    lines += [
        row(
            "lots touched (upserts / removed keys in the delta)",
            lambda s: (
                f"{s['bytes']['touched']:,} ({s['bytes']['delta_upserts']:,} / "
                f"{s['bytes']['delta_removed']:,})"
            ),
        ),
        row("full snapshot per poll, identity", lambda s: fmt_bytes(s["bytes"]["b"]["identity"])),
        row("full snapshot per poll, zstd", lambda s: fmt_bytes(s["bytes"]["b"]["zstd"])),
        row("delta per poll, identity", lambda s: fmt_bytes(s["bytes"]["delta"]["identity"])),
        row("delta per poll, zstd", lambda s: fmt_bytes(s["bytes"]["delta"]["zstd"])),
        row(
            "delta / full, zstd",
            lambda s: f"{s['bytes']['delta']['zstd'] / s['bytes']['b']['zstd']:.2%}",
        ),
        row(
            "bytes per lot IPC, before",
            lambda s: f"{s['bytes']['before']['identity'] / s['bytes']['rows_a']:.1f}",
        ),
        row(
            "bytes per lot IPC, after",
            lambda s: f"{s['bytes']['a']['identity'] / s['bytes']['rows_a']:.1f}",
        ),
        row(
            "bytes per lot zstd, before",
            lambda s: f"{s['bytes']['before']['zstd'] / s['bytes']['rows_a']:.1f}",
        ),
        row(
            "bytes per lot zstd, after",
            lambda s: f"{s['bytes']['a']['zstd'] / s['bytes']['rows_a']:.1f}",
        ),
        "",
        "## Browser (headless Chromium, ms, median over fresh pages)",
        "",
        "| | " + " | ".join(f"{int(k):,} lots" for k in results["sizes"]) + " |",
        "|---|" + "---|" * len(results["sizes"]),
    ]
    for engine, label in (("before", "before"), ("after", "after"), ("arquero", "arquero 8")):
        lines.append(
            row(
                f"cold decode / load, {label}",
                lambda s, e=engine: fmt_ms(s["browser"][e]["decode_ms"]),
            )
        )
    for engine, label in (("before", "before"), ("after", "after"), ("arquero", "arquero 8")):
        lines.append(
            row(
                f"cold decode + the overview's 5 queries, {label}",
                lambda s, e=engine: fmt_ms(s["browser"][e]["decode_and_queries_ms"]),
            )
        )
    for engine in ("before", "after"):
        for field in ("LOTID", "WORKORDER"):
            lines.append(
                row(
                    f"first autocomplete {field} after decode, {engine}",
                    lambda s, e=engine, f=field: fmt_ms(s["browser"][e]["first_suggest_ms"][f]),
                )
            )
    lines.append(
        row(
            "apply a delta to a freshly loaded table (median / max)",
            lambda s: (
                f"{fmt_ms(s['browser']['apply']['apply']['median_ms'])} / "
                f"{fmt_ms(s['browser']['apply']['apply']['max_ms'])}"
            ),
        )
    )
    lines.append(
        row(
            "apply the next poll's delta to that result (median / max)",
            lambda s: (
                f"{fmt_ms(s['browser']['apply']['apply_chained']['median_ms'])} / "
                f"{fmt_ms(s['browser']['apply']['apply_chained']['max_ms'])}"
            ),
        )
    )
    lines.append(
        row(
            "delta-applied tables equal B and C (every cell)",
            lambda s: (
                "yes"
                if s["browser"]["apply"]["equal"]
                else f"NO: {s['browser']['apply']['difference']}"
            ),
        )
    )
    reload = results.get("reload")
    if reload:
        lines += [
            "",
            f"## Reload from the local copy (real app, {reload['lots']:,} lots, WIP overview)",
            "",
            "| | median ms | runs |",
            "|---|---|---|",
        ]
        for case, label in (("server_up", "server up"), ("server_down", "server stopped")):
            r = reload[case]
            lines.append(
                f"| reload to the KPI painted from the local copy, {label} | "
                f"{fmt_ms(r['median_ms'])} | {', '.join(fmt_ms(x) for x in r['runs_ms'])} |"
            )
        lines.append(
            f"| full load over the network (cold, no local copy) | "
            f"{fmt_ms(reload['network']['median_ms'])} | "
            f"{', '.join(fmt_ms(x) for x in reload['network']['runs_ms'])} |"
        )
    lines += [
        "",
        "## Targets",
        "",
        "| lots | target | goal | measured | met |",
        "|---|---|---|---|---|",
    ]
    for t in results["targets"]:
        lines.append(
            f"| {t['lots']:,} | {t['target']} | {t['goal']} | {t['measured']} | "
            f"{'met' if t['met'] else 'NOT met'} |"
        )
    m = results["machine"]
    lines += [
        "",
        f"Command: `{results['command']}`, {results['date']}, {m['cpu']}, {m['cores']} cores, "
        f"load average before the run {m['load_average_before']}.",
        "",
    ]
    return "\n".join(lines)


def commit() -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--changed", type=float, default=0.005)
    parser.add_argument("--before-ref", default="0b92e54")
    parser.add_argument("--cold-pages", type=int, default=3)
    parser.add_argument("--apply-runs", type=int, default=7)
    parser.add_argument("--reload-runs", type=int, default=5)
    parser.add_argument("--wait-idle", type=float, default=30)
    parser.add_argument("--no-reload", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "command": "python bench/sync.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "commit": commit(),
        "changed": args.changed,
        "before_ref": extract_before(args.before_ref),
        "sizes": {},
    }
    sizes = [int(s) for s in args.sizes.split(",")]
    for lots in sizes:
        print(f"{lots}: payloads", file=sys.stderr)
        results["sizes"][str(lots)] = {"bytes": payloads(lots, args.changed)}
    build_page()
    with sync_playwright() as pw, static_server() as base:
        browser = launch(pw, extra_args=["--js-flags=--expose-gc"])
        try:
            for lots in sizes:
                results["sizes"][str(lots)]["browser"] = browser_size(browser, base, lots, args)
        finally:
            browser.close()
    if not args.no_reload:
        results["reload"] = reload_from_local_copy(max(sizes), args)
    results["targets"] = targets(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sync.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / "sync.md").write_text(render(results))
    print(render(results))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("MES_LOG_LEVEL", "WARNING")
    main()
