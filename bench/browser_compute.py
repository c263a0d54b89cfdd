"""Benchmark: the WIP overview computed in headless Chromium: core kernels, arquero, DuckDB-WASM.

Usage: .venv/bin/python bench/browser_compute.py [--sizes 100000,1000000]
Builds bench/browser (vite), serves it and the WIP payloads (bench/.work/wip-<N>.arrows, the bytes
the server ships) on a free 127.0.0.1 port, and runs window.runBench in a fresh page per engine.
Writes bench/results/browser_compute.json and .md (the command line is recorded in them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
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
DIST = ROOT / "browser" / "dist"
ENGINES = ("core", "arquero", "duckdb")


def wip_payload(lots: int) -> Path:
    """The WIP snapshot body exactly as the server serves it, generated once per size."""
    out = WORK / f"wip-{lots}.arrows"
    if out.exists():
        return out
    from mes_dashboard.config import load_settings
    from mes_dashboard.services import build_services
    from mes_dashboard.sources.demo.generator import generate

    db = WORK / f"demo-{lots}.sqlite"
    if not db.exists():
        WORK.mkdir(exist_ok=True)
        generate(db, lots=lots, machines=3000, seed=1, progress=True)
    settings = load_settings({"MES_DEMO_DB": str(db), "MES_DEMO_SIMULATE": "false"}, env_file=None)
    services = build_services(settings)
    try:
        services.refreshers["wip"].refresh_once()
        out.write_bytes(services.store.current("wip").body)
    finally:
        services.close()
    return out


def workload(path: Path) -> dict[str, Any]:
    """Data-derived parameters: the matrix selections to toggle and the autocomplete texts."""
    table = pa.ipc.open_stream(path.read_bytes()).read_all()
    packages = pc.value_counts(table["PACKAGE_LEF"].combine_chunks().cast(pa.string()))
    ranked = sorted(
        (p for p in packages.to_pylist() if p["values"] is not None), key=lambda p: -p["counts"]
    )
    top = [p["values"] for p in ranked[:3]]
    suggest = [{"field": f, "text": t} for f in ("LOTID", "WORKORDER") for t in ("0042", "610")]
    return {
        "rows": table.num_rows,
        "bytes": path.stat().st_size,
        **payload_size(path.read_bytes(), table.num_rows),
        "selections": [top[:1], top[1:3]],
        "suggest": suggest,
    }


def payload_size(body: bytes, rows: int) -> dict[str, Any]:
    """Bytes per lot as served: the IPC stream and its zstd variant (the server's level)."""
    from mes_dashboard.snapshots.encode import compress

    zstd = len(compress(body, "zstd"))
    per_row = max(rows, 1)
    return {
        "ipc_bytes_per_lot": round(len(body) / per_row, 1),
        "zstd_bytes": zstd,
        "zstd_bytes_per_lot": round(zstd / per_row, 1),
    }


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def gzip_kb(path: Path) -> float:
    return round(len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024, 1)


def bundle_size() -> dict[str, Any]:
    """Decoder + core as shipped: the parity harness build (core worker chunk + harness page)."""
    with tempfile.TemporaryDirectory() as out:
        run(["npx", "vite", "build", "--config", "vite.harness.config.ts", "--outDir", out])
        files = {p.name: gzip_kb(p) for p in sorted(Path(out).rglob("*.js"))}
    return {
        "build": "npm run build:harness (vite.harness.config.ts), gzip -9 per file",
        "files_kb_gzip": files,
        "total_kb_gzip": round(sum(files.values()), 1),
    }


class Handler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".arrows": "application/vnd.apache.arrow.stream",
    }

    def translate_path(self, path: str) -> str:
        if path.startswith("/data/"):
            return str(WORK / Path(path.split("?")[0]).name)
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


def in_fresh_page(
    browser: Browser, base: str, script: str, arg: Any, offsite: list[str]
) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(base) else offsite.append(r.url))
    try:
        page.goto(f"{base}/index.html")
        page.wait_for_function("window.benchReady === true")
        result: dict[str, Any] = page.evaluate(script, arg)
    finally:
        context.close()
    if errors:
        result["page_errors"] = errors
    return result


def bench_size(browser: Browser, base: str, lots: int, args: argparse.Namespace) -> dict[str, Any]:
    path = wip_payload(lots)
    params = workload(path)
    url = f"{base}/data/{path.name}"
    offsite: list[str] = []
    out: dict[str, Any] = {**params, "engines": {}, "offsite_requests": offsite}
    if args.parity:
        print(f"{lots}: parity check", file=sys.stderr)
        script = "([url, o]) => window.checkParity(url, o)"
        out["parity"] = in_fresh_page(browser, base, script, [url, params], offsite)
    for engine in args.engines.split(","):
        load = wait_for_idle(args.wait_idle)
        colds = []
        for k in range(args.cold_pages):
            print(f"{lots}: {engine} page {k + 1}/{args.cold_pages}", file=sys.stderr)
            options = {
                **params,
                "engine": engine,
                "phases": "all" if k == args.cold_pages - 1 else "cold",
                "warmRuns": args.warm_runs,
                "updateRuns": args.update_runs,
                "suggestRuns": args.suggest_runs,
            }
            script = "([url, o]) => window.runBench(url, o)"
            colds.append(in_fresh_page(browser, base, script, [url, options], offsite))
        report = colds[-1]
        report["cold_pages"] = [c["cold"] for c in colds]
        report["load_average_at_start"] = load
        out["engines"][engine] = report
    return out


def core_version() -> dict[str, Any]:
    """The commit measured, and whether core/ had uncommitted changes when the page was built."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "core_dirty": bool(git("status", "--porcelain", "frontend/src/core")),
    }


TARGETS_AT = 1_000_000
LABELS = {"core": "core", "arquero": "arquero 8", "duckdb": "DuckDB-WASM"}


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def measures(engine: dict[str, Any]) -> dict[str, float]:
    """Headline medians of one engine at one size (ms)."""
    colds = engine["cold_pages"]
    out = {
        "cold": median([c["total_ms"] for c in colds]),
        "decode": median([c["decode_ms"] for c in colds]),
        "warm": engine["warm"]["median_ms"],
        "update": engine["update"]["median_ms"],
        "init": engine["init_ms"],
    }
    if "warm_uncached" in engine:
        out["warm uncached"] = engine["warm_uncached"]["median_ms"]
        out["update all 4"] = engine["update_recompute_all"]["median_ms"]
    for case, s in engine["suggest"].items():
        out[f"suggest {case}"] = s["median_ms"]
    for field, ms in engine["suggest_first_ms"].items():
        out[f"first {field}"] = ms
    return out


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against the largest size measured (they are stated at 1M lots)."""
    lots = max(results["sizes"], key=int)
    engines = results["sizes"][lots]["engines"]
    ours = measures(engines["core"])
    theirs = measures(engines["arquero"]) if "arquero" in engines else None
    suggest = [k for k in ours if k.startswith("suggest")]
    rows = [
        ("full aggregation, warm", "<= 60 ms", ours["warm"], ours["warm"] <= 60),
        (
            "full aggregation, warm, no cached selections",
            "<= 60 ms",
            ours["warm uncached"],
            ours["warm uncached"] <= 60,
        ),
        ("cross-filter update, 4 widgets", "<= 16 ms", ours["update"], ours["update"] <= 16),
        (
            "cross-filter update, all 4 widgets recomputed",
            "<= 16 ms",
            ours["update all 4"],
            ours["update all 4"] <= 16,
        ),
    ]
    rows += [(f"autocomplete {k[8:]}", "<= 5 ms", ours[k], ours[k] <= 5) for k in suggest]
    if theirs:
        for key in ("warm", "update", *suggest):
            # A median of 0 ms is below the timer's resolution: compare against the resolution.
            ratio = round(theirs[key] / max(ours[key], TIMER_RESOLUTION_MS), 1)
            rows.append((f"vs arquero: {key}", ">= 10x faster", ratio, ratio >= 10))
    # issue 14, part 4: the payload and the cold start
    per_lot = results["sizes"][lots]["ipc_bytes_per_lot"]
    rows.append(("IPC bytes per lot", "<= 110 B", per_lot, per_lot <= 110))
    rows.append(("cold decode (core)", "<= 150 ms", ours["decode"], ours["decode"] <= 150))
    for field in ("LOTID", "WORKORDER"):
        first = ours.get(f"first {field}")
        if first is not None:
            rows.append((f"first autocomplete on {field}", "<= 50 ms", first, first <= 50))
    size = results["bundle"]["total_kb_gzip"]
    rows.append(("decoder + core, gzipped", "<= 30 KB", size, size <= 30))
    return [
        {"lots": int(lots), "target": t, "goal": g, "measured": m, "met": ok}
        for t, g, m, ok in rows
    ]


TIMER_RESOLUTION_MS = 0.1


def ratio_cell(theirs: float | None, ours: float) -> str:
    """theirs / ours; a 0 ms median (below the timer's resolution) gives a lower bound."""
    if theirs is None:
        return "-"
    if ours <= 0:
        return f">= {theirs / TIMER_RESOLUTION_MS:.1f}x"
    return f"{theirs / ours:.1f}x"


def fmt(ms: float | None) -> str:
    if ms is None:
        return "-"
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 1 else f"{ms:.2f}"


def size_table(lots: str, size: dict[str, Any]) -> list[str]:
    engines = size["engines"]
    names = [e for e in ENGINES if e in engines]
    m = {e: measures(engines[e]) for e in names}
    core = engines["core"]
    rows = [
        (f"cold: load + 5 queries, first run (median of {len(core['cold_pages'])} pages)", "cold"),
        ("of which decode / load", "decode"),
        (f"warm: the 5 queries again (median of {core['warm']['runs']})", "warm"),
        (f"cross-filter update, 4 widgets (median of {core['update']['runs']})", "update"),
        (
            "core only: warm, selection cache dropped before each run (median of "
            f"{core['warm_uncached']['runs']})",
            "warm uncached",
        ),
        (
            "core only: update with all 4 widgets recomputed, no result reuse (median of "
            f"{core['update_recompute_all']['runs']})",
            "update all 4",
        ),
    ]
    runs = next(iter(core["suggest"].values()))["runs"]
    rows += [
        (f"autocomplete {k[8:]} (median of {runs})", k) for k in m["core"] if k[:7] == "suggest"
    ]
    rows += [
        (f"first autocomplete on {k[6:]} in the page (1 run, first use of the column)", k)
        for k in m["core"]
        if k[:5] == "first"
    ]
    rows.append(("engine start-up, not in cold (DuckDB: instantiate the wasm)", "init"))
    others = [e for e in names if e != "core"]
    head = "| ms | " + " | ".join(LABELS[e] for e in names)
    head += "".join(f" | {LABELS[e]} / core" for e in others) + " |"
    lines = [
        f"### {int(lots):,} lots ({size['rows']:,} rows, {size['bytes'] / 1e6:.1f} MB IPC: "
        f"{size['ipc_bytes_per_lot']} B per lot, {size['zstd_bytes_per_lot']} B per lot with zstd)",
        "",
        head,
        "|---" + "|---:" * (len(names) + len(others)) + "|",
    ]
    for label, key in rows:
        cells = [fmt(m[e].get(key)) for e in names]
        base = m["core"][key]
        ratios = [ratio_cell(m[e].get(key), base) if key != "init" else "-" for e in others]
        lines.append(f"| {label} | " + " | ".join(cells + ratios) + " |")
    loads = [f"{LABELS[e]} {engines[e]['load_average_at_start'][0]}" for e in names]
    return [*lines, "", "Load average (1 min) as each engine started: " + ", ".join(loads) + "."]


def profile_table(results: dict[str, Any]) -> list[str]:
    sizes = results["sizes"]
    profiles = {k: v["engines"]["core"]["profile"] for k, v in sizes.items()}
    lines = ["| core phase (ms, median) | " + " | ".join(f"{int(k):,} lots" for k in sizes) + " |"]
    lines.append("|---" + "|---:" * len(sizes) + "|")
    for part in ("decode", "overview", "update"):
        for phase in next(iter(profiles.values()))[part]:
            cells = [fmt(p[part].get(phase)) for p in profiles.values()]
            lines.append(f"| {part}: {phase} | " + " | ".join(cells) + " |")
    return lines


METHOD = (
    "Each engine runs in a fresh page (main thread) on the same bytes and the same contract "
    "queries (bench/browser/workload.ts). Cold = load (core: decodeTable, lazy since issue 14: "
    "a column is converted on first use, so the queries pay the conversion of the columns they "
    "read; arquero: fromArrow, "
    "which is lazy; DuckDB: insertArrowFromIPCStream into a table) + the 5 overview queries "
    "(KPI, status cards, workcenter-group x package matrix, two hold Paretos; IS_DUMMY = false), "
    "first run in the page; median over fresh pages. Warm = the 5 queries again. Cross-filter "
    "update = one widget's PACKAGE_LEF selection changes, then the 4 widgets (status, matrix, "
    "two Paretos) are recomputed, each under every other widget's filters (core, as in the "
    "pages' worker: selections are cached per table and filter list, and the changed widget, "
    "whose own view did not change, gets its previous result back; the two 'core only' rows "
    "measure the same work with the selection cache dropped and with all 4 widgets recomputed). "
    "Autocomplete = "
    "contains, 12 values, under the other widgets' filters. Garbage is collected (untimed) "
    "once before each series of runs. DuckDB-WASM is its single-threaded eh build; its start-up "
    "(instantiating the wasm) is reported apart, outside cold."
)


def checks(results: dict[str, Any]) -> list[str]:
    lines = ["## Checks", ""]
    for lots, size in results["sizes"].items():
        for name, check in size.get("parity", {}).get("against_core", {}).items():
            diffs = check["differences"]
            verdict = "identical" if not diffs else f"{len(diffs)} differences: {diffs[:3]}"
            lines.append(
                f"- Same results, {int(lots):,} lots: {LABELS[name]} vs core on "
                f"{check['compared']} result sets (overview, both updates, autocomplete): "
                f"{verdict}."
            )
        offsite = size["offsite_requests"]
        lines.append(
            f"- Requests outside the local static server, {int(lots):,} lots: "
            f"{len(offsite) or 'none'}."
        )
    for lots, size in results["sizes"].items():
        replay = size["engines"]["core"]["profile"]["replay_matches_evaluate"]
        lines.append(
            f"- Phase replay (profile below) returns what evaluate() returns, {int(lots):,} lots: "
            f"{'yes' if replay else 'NO: the profile has drifted from core/evaluate.ts'}."
        )
    bundle = results["bundle"]
    files = ", ".join(f"{name} {kb} KB" for name, kb in bundle["files_kb_gzip"].items())
    lines.append(f"- Decoder + core size: {bundle['build']}: {files}.")
    return lines


def to_markdown(results: dict[str, Any]) -> str:
    host = results["machine"]
    shared = max(host["load_average_before"]) > 1
    lines = [
        "# Browser compute benchmark: core kernels vs arquero vs DuckDB-WASM",
        "",
        f"Command: `{results['command']}`  ",
        f"Recorded: {results['date']}, headless Chromium {results['chromium']}, "
        f"{host['cpu']}, {host['cores']} cores, core at commit {results['core']['commit']}"
        + (" (with uncommitted changes)" if results["core"]["core_dirty"] else "")
        + ".  ",
        f"Load average (1, 5, 15 min) before / after: {host['load_average_before']} / "
        f"{host.get('load_average_after')}"
        + (": the machine was shared with other processes (see the JSON)." if shared else "."),
        "",
        METHOD,
        "",
    ]
    for lots, size in results["sizes"].items():
        lines += [*size_table(lots, size), ""]
    lines += [
        "## Targets",
        "",
        "| lots | target | goal | measured | met |",
        "|---:|---|---|---:|---|",
    ]
    for t in results["targets"]:
        unit = (
            "x"
            if "vs" in t["target"]
            else " KB"
            if "KB" in t["goal"]
            else " B"
            if t["goal"].endswith(" B")
            else " ms"
        )
        mark = "met" if t["met"] else "**not met**"
        measured = f"{t['measured']}{unit}" if unit != " ms" else f"{fmt(t['measured'])} ms"
        lines.append(f"| {t['lots']:,} | {t['target']} | {t['goal']} | {measured} | {mark} |")
    lines += ["", "## Where the time goes in core", "", *profile_table(results), ""]
    lines += [*checks(results), ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--cold-pages", type=int, default=3, help="fresh pages per engine")
    parser.add_argument("--warm-runs", type=int, default=10)
    parser.add_argument("--update-runs", type=int, default=20)
    parser.add_argument("--suggest-runs", type=int, default=10)
    parser.add_argument("--no-parity", dest="parity", action="store_false")
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="seconds to wait for a quiet machine per engine"
    )
    args = parser.parse_args()
    command = ".venv/bin/python bench/browser_compute.py " + " ".join(sys.argv[1:])
    sizes = [int(n) for n in args.sizes.split(",")]
    host = machine()
    print("building the bench page and the harness", file=sys.stderr)
    core = core_version()
    run(["npx", "vite", "build", "--config", "bench/browser/vite.config.ts"])
    results: dict[str, Any] = {
        "command": command.strip(),
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": host,
        "core": core,
        "bundle": bundle_size(),
        "sizes": {},
    }
    with static_server() as base, sync_playwright() as p:
        browser = launch(p, extra_args=["--js-flags=--expose-gc"])
        results["chromium"] = browser.version
        for i, lots in enumerate(sizes):
            args.parity = args.parity and i == 0
            results["sizes"][str(lots)] = bench_size(browser, base, lots, args)
        browser.close()
    host["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = evaluate_targets(results)
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "browser_compute.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "browser_compute.md").write_text(to_markdown(results))
    print(to_markdown(results))


if __name__ == "__main__":
    main()
