"""Benchmark: scrolling the virtualized lot table of the real WIP detail page in headless Chromium.

Usage: .venv/bin/python bench/table_scroll.py [--lots 1000000] [--seconds 5] [--wait-idle 60]
Serves the built pages (frontend/dist: run `make build` first) with the real app under gunicorn
(deploy/gunicorn.conf.py, one worker) on the demo source (bench/.work/demo-<lots>.sqlite, the
simulator off), opens the WIP detail page of the workcenter group with the most lots (at 1M demo
lots: about 134k rows in the lot table), and scrolls the table's scroller in three phases:

- steady: `scrollTop += --step` px every frame (a fast wheel / trackpad scroll);
- fling: `scrollTop +=` one viewport every frame (every rendered row is replaced every frame);
- traverse: one jump per frame through the whole list, top to bottom in --jumps frames (dragging
  the scrollbar thumb through every row of the table).

Each frame's scroll is applied in a task right after the frame (as input arrives between frames),
so the scroll event and the table's update land in the next frame. Frame intervals come from
requestAnimationFrame timestamps; long tasks from a PerformanceObserver; a frame is "blank" when
the rows rendered at the start of the next frame do not cover the viewport that was painted.
Writes bench/results/table_scroll.json and .md (the command line is recorded in them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from bench_env import machine, wait_for_idle
from playwright.sync_api import Page, sync_playwright

from testkit.app_server import GunicornServer, demo_env
from testkit.chromium import launch

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
WORK = ROOT / ".work"
DIST = REPO / "frontend" / "dist"
VIEWPORT = {"width": 1600, "height": 1000}
QUICK_LOTS = 20_000
FRAME_MS = 1000 / 60

# Runs in the page: one phase of scrolling, measured. Returns the raw frame intervals and checks.
SCROLL_JS = """
async ({ testid, mode, step, frames, jumps }) => {
  const table = document.querySelector(`[data-testid="${testid}"]`);
  const scroller = table.querySelector('[role="table"]');
  const body = scroller.querySelector('[role="rowgroup"]:last-child');
  const header = scroller.querySelector('[role="rowgroup"]').getBoundingClientRect().height;
  const rowHeight = body.firstElementChild.getBoundingClientRect().height;
  const count = Number(table.dataset.rows);
  const viewport = scroller.clientHeight - header;
  const maxTop = scroller.scrollHeight - scroller.clientHeight;
  const nextFrame = () => new Promise((r) => requestAnimationFrame(r));
  scroller.scrollTop = 0;
  await nextFrame();
  await nextFrame();

  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  observer.observe({ type: "longtask" });

  const stamps = [];
  let blank = 0;
  let maxRows = 0;
  let wrapped = 0;
  let k = 0;
  let covered = 0;
  const firstShown = new Set();
  await new Promise((done) => {
    const tick = (now) => {
      stamps.push(now);
      k++;
      if (k > frames) return done();
      setTimeout(() => {
        // a task right after the frame: what it painted is this scrollTop with these rows
        const rows = body.children;
        maxRows = Math.max(maxRows, rows.length);
        if (k > 1) {
          const top = scroller.scrollTop;
          const need0 = Math.floor(top / rowHeight);
          const need1 = Math.min(count, Math.ceil((top + viewport) / rowHeight));
          const index = (el) => Number(el.getAttribute("aria-rowindex")) - 2;
          const first = rows.length ? index(rows[0]) : -1;
          const last = rows.length ? index(rows[rows.length - 1]) + 1 : -1;
          if (rows.length === 0 || first > need0 || last < need1) blank++;
          else covered++;
          if (rows.length) firstShown.add(first);
        }
        if (mode === "traverse") {
          scroller.scrollTop = Math.round((maxTop * (k % (jumps + 1))) / jumps);
        } else {
          const by = mode === "fling" ? viewport : step;
          if (scroller.scrollTop + by > maxTop) {
            scroller.scrollTop = 0;
            wrapped++;
          } else scroller.scrollTop += by;
        }
      }, 0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  observer.disconnect();
  const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
  return {
    intervals, blank, covered, maxRows, wrapped, longTasks,
    distinctTopRows: firstShown.size, rowHeight, viewport, count,
    domRowsAtRest: body.children.length,
    domNodesInTable: scroller.getElementsByTagName("*").length,
  };
}
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    i = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[i]


def summarize(raw: dict[str, Any], seconds: float) -> dict[str, Any]:
    intervals: list[float] = raw.pop("intervals")
    long_tasks: list[float] = raw.pop("longTasks")
    total = sum(intervals)
    return {
        "frames": len(intervals),
        "median_ms": round(percentile(intervals, 50), 2),
        "p95_ms": round(percentile(intervals, 95), 2),
        "p99_ms": round(percentile(intervals, 99), 2),
        "max_ms": round(max(intervals), 2),
        "fps": round(len(intervals) / total * 1000, 1),
        "frames_over_20ms": sum(1 for i in intervals if i > 20),
        "frames_over_50ms": sum(1 for i in intervals if i > 50),
        "dropped_frames": sum(max(0, round(i / FRAME_MS) - 1) for i in intervals),
        "long_tasks": len(long_tasks),
        "long_task_ms": round(sum(long_tasks), 1),
        "blank_frames": raw["blank"],
        "checked_frames": raw["blank"] + raw["covered"],
        "max_dom_rows": raw["maxRows"],
        "dom_rows_at_rest": raw["domRowsAtRest"],
        "dom_nodes_in_table": raw["domNodesInTable"],
        "distinct_top_rows": raw["distinctTopRows"],
        "wrapped_to_top": raw["wrapped"],
        "duration_s": round(total / 1000, 2),
        "planned_s": seconds,
        "intervals_ms": [round(i, 2) for i in intervals],
    }


def biggest_group(url: str) -> tuple[str, int]:
    """The workcenter group with the most non-dummy lots in the served snapshot."""
    with urllib.request.urlopen(f"{url}/api/v1/datasets/wip", timeout=120) as resp:
        table = pa.ipc.open_stream(resp.read()).read_all()
    table = table.filter(pc.invert(pc.fill_null(table["IS_DUMMY"], False)))
    counts = pc.value_counts(table["WORKCENTER_GROUP"].combine_chunks().cast(pa.string()))
    best = max((c for c in counts.to_pylist() if c["values"]), key=lambda c: c["counts"])
    return best["values"], best["counts"]


def open_table(page: Page, url: str, group: str, timeout_s: float) -> dict[str, Any]:
    started = time.monotonic()
    page.goto(f"{url}/#/wip/detail?{urllib.parse.urlencode({'group': group})}")
    page.wait_for_selector('[data-testid="lot-table-row"]', timeout=timeout_s * 1000)
    loaded_s = round(time.monotonic() - started, 2)
    page.wait_for_timeout(1000)  # let the first paint, fonts and the page's idle work settle
    info: dict[str, Any] = page.evaluate(
        """() => {
        const t = document.querySelector('[data-testid="lot-table"]');
        const s = t.querySelector('[role="table"]');
        return {
            rows: Number(t.dataset.rows),
            columns: t.querySelectorAll('[role=columnheader]').length,
            scroller_px: [s.clientWidth, s.clientHeight],
            scroll_height_px: s.scrollHeight,
        };
    }"""
    )
    info["page_load_s"] = loaded_s
    return info


def build_id() -> dict[str, Any]:
    """Which build was measured: the hashed asset names of frontend/dist and its age."""
    index = DIST / "index.html"
    if not index.is_file():
        sys.exit("frontend/dist is missing: run `make build` first")
    chunks = sorted(p.name for p in (DIST / "assets").glob("wip-detail-page*.js"))
    return {
        "entry": re.findall(r"assets/[^\"']+\.js", index.read_text()),
        "wip_detail_chunks": chunks,
        "built": f"{datetime.fromtimestamp(index.stat().st_mtime, UTC):%Y-%m-%d %H:%M} UTC",
    }


def run_phases(page: Page, args: argparse.Namespace) -> dict[str, Any]:
    frames = round(args.seconds * 60)
    phases: dict[str, Any] = {}
    for mode in ("steady", "fling", "traverse"):
        options = {
            "testid": "lot-table",
            "mode": mode,
            "step": args.step,
            "frames": frames,
            "jumps": args.jumps,
        }
        raw = page.evaluate(SCROLL_JS, options)
        phases[mode] = summarize(raw, args.seconds)
        s = phases[mode]
        print(
            f"  {mode}: median {s['median_ms']} ms, p95 {s['p95_ms']} ms, max {s['max_ms']} ms, "
            f"{s['fps']} fps, blank {s['blank_frames']}/{s['checked_frames']}, "
            f"DOM rows {s['max_dom_rows']}",
            file=sys.stderr,
        )
    return phases


TRACE_PARTS = {
    "script": ("EventDispatch", "FireAnimationFrame", "TimerFire"),
    "style": ("UpdateLayoutTree",),
    "layout": ("Layout",),
    "paint": ("PrePaint", "Paint"),
}


def traced_phase(browser: Any, page: Page, options: dict[str, Any]) -> dict[str, Any]:
    """One more pass of a phase under a devtools.timeline trace: renderer main-thread ms per frame.

    Frame intervals saturate at 60 fps; this shows the headroom left under them (tracing itself
    adds some overhead, the same before and after).
    """
    browser.start_tracing(page=page, categories=["devtools.timeline", "toplevel"])
    raw = page.evaluate(SCROLL_JS, options)
    data = json.loads(browser.stop_tracing())
    events = data["traceEvents"] if isinstance(data, dict) else data
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    spans = sorted(
        (e["ts"], e["ts"] + e["dur"])
        for e in events
        if e.get("ph") == "X" and "dur" in e and (e["pid"], e["tid"]) in main
    )
    busy, end = 0.0, 0.0
    for a, b in spans:  # union of all the traced events
        if b > end:
            busy += b - max(a, end)
            end = b
    frames = len(raw["intervals"])
    parts = {
        part: sum(
            e["dur"]
            for e in events
            if e.get("ph") == "X" and e.get("name") in names and (e["pid"], e["tid"]) in main
        )
        for part, names in TRACE_PARTS.items()
    }
    out = {"main_thread_ms_per_frame": round(busy / 1000 / frames, 2)}
    out |= {f"{k}_ms_per_frame": round(v / 1000 / frames, 2) for k, v in parts.items()}
    return out


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def headline(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per phase: the median over runs of each statistic, and the worst max."""
    out: dict[str, Any] = {}
    for mode in runs[0]:
        stats = [r[mode] for r in runs]
        keys = ("median_ms", "p95_ms", "p99_ms", "fps", "dropped_frames", "long_tasks")
        out[mode] = {k: round(median([s[k] for s in stats]), 2) for k in keys}
        out[mode]["max_ms"] = max(s["max_ms"] for s in stats)
        out[mode]["blank_frames"] = sum(s["blank_frames"] for s in stats)
        out[mode]["checked_frames"] = sum(s["checked_frames"] for s in stats)
        out[mode]["max_dom_rows"] = max(s["max_dom_rows"] for s in stats)
    return out


PHASES = {
    "steady": "steady: `scrollTop += {step}` px per frame",
    "fling": "fling: one viewport ({viewport} px) per frame",
    "traverse": "traverse: the whole list in {jumps} jumps, one per frame",
}


def to_markdown(results: dict[str, Any]) -> str:
    host = results["machine"]
    table = results["table"]
    shared = max(host["load_average_before"]) > 1
    step, jumps = results["options"]["step"], results["options"]["jumps"]
    viewport = table["scroller_px"][1] - 36
    lines = [
        "# Table scroll benchmark: the WIP detail lot table in headless Chromium",
        "",
        f"Command: `{results['command']}`  ",
        f"Recorded: {results['date']}, headless Chromium {results['chromium']}, "
        f"{host['cpu']}, {host['cores']} cores; build {', '.join(results['build']['entry'])} "
        f"(built {results['build']['built']}).  ",
        f"Load average (1, 5, 15 min) before / after: {host['load_average_before']} / "
        f"{host.get('load_average_after')}"
        + (": the machine was shared with other processes (see the JSON)." if shared else "."),
        "",
        f"Page: the real app (gunicorn, demo source with {results['lots']:,} lots, simulator off), "
        f"`#/wip/detail?group=…` for the group with the most lots: **{table['rows']:,} rows** x "
        f"{table['columns']} columns in the lot table, scroller {table['scroller_px'][0]} x "
        f"{table['scroller_px'][1]} px in a {VIEWPORT['width']} x {VIEWPORT['height']} window. "
        f"{results['options']['runs']} runs of {results['options']['seconds']} s per phase "
        "(frame intervals from requestAnimationFrame; 16.7 ms = 60 fps). A blank frame painted "
        "a scroll position the rendered rows did not cover.",
        "",
        "| phase | median | p95 | p99 | max | fps | dropped frames | long tasks "
        "| blank frames | DOM rows (max) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, h in results["headline"].items():
        label = PHASES[mode].format(step=step, viewport=viewport, jumps=jumps)
        lines.append(
            f"| {label} | {h['median_ms']} ms | {h['p95_ms']} ms | {h['p99_ms']} ms "
            f"| {h['max_ms']} ms | {h['fps']} | {h['dropped_frames']:g} | {h['long_tasks']:g} "
            f"| {h['blank_frames']} / {h['checked_frames']} | {h['max_dom_rows']} |"
        )
    lines += [
        "",
        "Renderer main-thread work per frame, from one more pass of each phase under a "
        "`devtools.timeline` trace (busy: the union of its traced events, the parts nested in "
        "it; script includes the benchmark's own per-frame callbacks; tracing adds overhead):",
        "",
        "| phase | main thread busy | script (Vue) | style | layout | paint + pre-paint |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for mode, t in results["traced"].items():
        lines.append(
            f"| {mode} | {t['main_thread_ms_per_frame']} ms | {t['script_ms_per_frame']} ms "
            f"| {t['style_ms_per_frame']} ms | {t['layout_ms_per_frame']} ms "
            f"| {t['paint_ms_per_frame']} ms |"
        )
    lines += [
        "",
        "Each statistic is the median over the runs (max: the worst run; blank frames: the sum); "
        "dropped frames and long tasks per run. Per-run numbers and every frame interval are in "
        "`table_scroll.json`.",
    ]
    if results.get("notes"):
        lines += ["", *results["notes"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lots", type=int, default=1_000_000, help="demo database size")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per phase")
    parser.add_argument("--step", type=int, default=68, help="px per frame in the steady phase")
    parser.add_argument("--jumps", type=int, default=300, help="frames to traverse the list")
    parser.add_argument("--runs", type=int, default=3, help="runs of the three phases")
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="seconds to wait for a quiet machine per run"
    )
    parser.add_argument("--out", default="table_scroll", help="result file name in results/")
    parser.add_argument("--note", action="append", default=[], help="a line for the report")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run (20,000 lots, one short run), results in a temp dir, not results/",
    )
    args = parser.parse_args()
    if args.quick:
        args.lots, args.runs, args.seconds, args.jumps = QUICK_LOTS, 1, 0.5, 30
    command = ".venv/bin/python bench/table_scroll.py " + " ".join(sys.argv[1:])
    db = WORK / f"demo-{args.lots}.sqlite"
    if not db.exists():
        from mes_dashboard.sources.demo.generator import generate

        WORK.mkdir(exist_ok=True)
        generate(db, lots=args.lots, machines=3000, seed=1, progress=True)
    host = machine()
    results: dict[str, Any] = {
        "command": command.strip(),
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": host,
        "build": build_id(),
        "lots": args.lots,
        "options": {k: v for k, v in vars(args).items() if k not in ("out", "note")},
        "notes": args.note,
    }
    with tempfile.TemporaryDirectory(prefix="table-scroll-") as tmp:
        server = GunicornServer(demo_env(db, Path(tmp)), log=Path(tmp) / "gunicorn.log")
        print(f"starting gunicorn on {db.name}", file=sys.stderr)
        server.start(timeout=300)
        try:
            group, lots = biggest_group(server.url)
            results["group"] = {"name": group, "lots": lots}
            with sync_playwright() as p:
                browser = launch(p)
                results["chromium"] = browser.version
                context = browser.new_context(locale="zh-TW", viewport=VIEWPORT)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                results["table"] = open_table(page, server.url, group, timeout_s=120)
                print(f"{group}: {results['table']}", file=sys.stderr)
                runs = []
                loads = []
                for r in range(args.runs):
                    loads.append(wait_for_idle(args.wait_idle))
                    print(f"run {r + 1}/{args.runs}, load {loads[-1]}", file=sys.stderr)
                    runs.append(run_phases(page, args))
                results["traced"] = {}
                for mode in ("steady", "fling", "traverse"):
                    options = {
                        "testid": "lot-table",
                        "mode": mode,
                        "step": args.step,
                        "frames": round(args.seconds * 60),
                        "jumps": args.jumps,
                    }
                    results["traced"][mode] = traced_phase(browser, page, options)
                    print(f"  traced {mode}: {results['traced'][mode]}", file=sys.stderr)
                context.close()
                browser.close()
        finally:
            server.stop()
    host["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["load_average_per_run"] = loads
    results["page_errors"] = errors
    results["headline"] = headline(runs)
    results["runs"] = runs
    out = Path(tempfile.mkdtemp(prefix="table-scroll-quick-")) if args.quick else ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / f"{args.out}.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / f"{args.out}.md").write_text(to_markdown(results))
    print(to_markdown(results))
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
