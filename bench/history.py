"""Benchmark: the equipment history path for 7 and 90 days on the demo source (3,000 machines).

Usage: .venv/bin/python bench/history.py [--days 7,90] [--machines 3000] [--wait-idle 30]
Needs `make build harness`. Generates bench/.work/history-<machines>.sqlite (95 days of shift
history) once, serves it with the real gunicorn (one worker, in-process query cache, simulator off)
and measures, per range: rows and bytes shipped (identity and zstd), server time of a cold request
(three distinct ranges of that length, each a cache miss) and of a cached one (loopback round trip,
median of 5); then in headless Chromium on those bytes: decode into the core worker, the page's full
recompute (every query of its view), the recompute after a granularity change (only the queries
whose text changed, as the page sends them), both timed inside the page; and on the real page, a
granularity click until the trend chart holds the new periods (worker, Vue and ECharts).
Writes bench/results/history.json and .md.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from bench_env import machine, wait_for_idle
from playwright.sync_api import Page, sync_playwright

from testkit.app_server import GunicornServer, demo_env
from testkit.chromium import BROWSER_TZ, launch

# the parity harness drives the core worker; it lives beside bench/, not in the installed packages
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from parity.crossfilter import START_JS, worker_url
from parity.harness import browser_core

ROOT = Path(__file__).resolve().parent
WORK = ROOT / ".work"
RESULTS = ROOT / "results"
ROUTE = "/api/v1/datasets/resource_history"
UNITS = ("week", "month", "year", "day")
HISTORY_DAYS = 95

MEASURE_JS = """
async ({ b64, views, units }) => {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const send = window.__paritySend;
  const name = "history";
  const evaluate = (q) => send({ type: "evaluate", name, query: q.query, crossfilter: q.scope });
  const run = (queries) => Promise.all(queries.map(evaluate));
  const time = async (work) => {
    const t0 = performance.now();
    const out = await work();
    for (const r of out ?? []) if (r && r.ok === false) throw new Error(JSON.stringify(r.error));
    return performance.now() - t0;
  };
  const load = { type: "load", name, bytes, dataset: "resource_history" };
  const decode = await time(async () => [await send(load)]);
  const all = Object.values(views.day.queries);
  const full = [];
  for (let i = 0; i < 3; i++) full.push(await time(() => run(all)));
  const change = [];
  let last = views.day.queries;
  for (let round = 0; round < 2; round++) {
    for (const unit of units) {
      const next = views[unit].queries;
      const same = (k) => JSON.stringify(next[k]) === JSON.stringify(last[k]);
      const changed = Object.keys(next).filter((k) => !same(k));
      const ms = await time(() => run(changed.map((k) => next[k])));
      change.push({ unit, queries: changed.length, ms });
      last = next;
    }
  }
  return { decode, full, change };
}
"""

CLICK_JS = """
async (unit) => {
  const chart = document.querySelector('[data-testid="trend-chart"]');
  const before = chart.getAttribute("data-periods");
  const t0 = performance.now();
  document.querySelector(`[data-testid="unit-${unit}"]`).click();
  while (chart.getAttribute("data-periods") === before) await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
  return performance.now() - t0;
}
"""


def demo_db(machines: int) -> Path:
    """The demo database, generated once per size."""
    db = WORK / f"history-{machines}.sqlite"
    if not db.exists():
        from mes_dashboard.sources.demo.generator import generate

        WORK.mkdir(exist_ok=True)
        generate(db, machines=machines, seed=7, history_days=HISTORY_DAYS, progress=True)
    return db


def get(url: str, encoding: str) -> tuple[float, bytes, dict[str, str]]:
    """One GET: seconds, body as shipped, headers."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as resp:
        body = resp.read()
        headers = dict(resp.headers)
    return time.perf_counter() - t0, body, headers


def range_url(base: str, end: date, days: int) -> str:
    params = {"start": (end - timedelta(days - 1)).isoformat(), "end": end.isoformat()}
    return f"{base}{ROUTE}?{urllib.parse.urlencode(params)}"


def measure_server(base: str, days: int, yesterday: date) -> dict[str, Any]:
    cold = [get(range_url(base, yesterday - timedelta(k), days), "identity")[0] for k in (1, 2, 3)]
    url = range_url(base, yesterday, days)
    first, body, _ = get(url, "identity")
    cached = [get(url, "identity")[0] for _ in range(5)]
    _, zstd, headers = get(url, "zstd")
    table = pa.ipc.open_stream(body).read_all()
    return {
        "url": url,
        "rows": table.num_rows,
        "machines": len(set(table.column("RESOURCEID").to_pylist())),
        "bytes_identity": len(body),
        "bytes_zstd": len(zstd),
        "zstd_encoding": headers.get("Content-Encoding"),
        "server_cold_ms": [round(s * 1000, 1) for s in [*cold, first]],
        "server_cached_ms": round(statistics.median(cached) * 1000, 1),
        "body": body,
    }


def measure_core(body: bytes) -> dict[str, Any]:
    with browser_core() as core:
        if not core.call(START_JS, worker_url()):
            raise RuntimeError("the core worker does not answer")
        views = {
            u: core.page.evaluate(
                "(u) => window.mesCore.pageViews('equipment-history', { granularity: u })", u
            )
            for u in ("day", *UNITS)
        }
        arg = {"b64": base64.b64encode(body).decode("ascii"), "views": views, "units": list(UNITS)}
        out: dict[str, Any] = core.page.evaluate(MEASURE_JS, arg)
    return out


def measure_page(page: Page, base: str, url: str) -> dict[str, Any]:
    query = urllib.parse.urlparse(url).query
    params = dict(urllib.parse.parse_qsl(query))
    t0 = time.perf_counter()
    page.goto(f"{base}/#/equipment/history?from={params['start']}&to={params['end']}")
    page.wait_for_function(
        """(start) => document.querySelector('[data-testid=trend-chart]')
          ?.getAttribute('data-periods')?.startsWith(start)""",
        arg=params["start"],
        timeout=120_000,
    )
    opened = time.perf_counter() - t0
    clicks = [{"unit": u, "ms": round(page.evaluate(CLICK_JS, u), 1)} for u in (*UNITS, *UNITS)]
    return {"open_to_charts_ms": round(opened * 1000), "granularity_click_ms": clicks}


def summarize(runs: list[dict[str, Any]]) -> str:
    lines = [
        "# Equipment history: 7 and 90 days on the demo source",
        "",
        "| | " + " | ".join(f"{r['days']} days" for r in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]

    def row(label: str, value: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(str(value(r)) for r in runs) + " |")

    row("rows shipped", lambda r: f"{r['rows']:,}")
    row("machines", lambda r: f"{r['machines']:,}")
    row("bytes, identity", lambda r: f"{r['bytes_identity']:,}")
    row("bytes, zstd", lambda r: f"{r['bytes_zstd']:,}")
    row("server, cold (ms, 4 misses)", lambda r: ", ".join(map(str, r["server_cold_ms"])))
    row("server, cached (ms, median of 5)", lambda r: r["server_cached_ms"])
    row("browser decode into the worker (ms)", lambda r: round(r["core"]["decode"], 1))
    row(
        "full page recompute (ms, 3 runs)",
        lambda r: ", ".join(str(round(x, 1)) for x in r["core"]["full"]),
    )
    row(
        "granularity change, worker (ms: median / max)",
        lambda r: (
            f"{round(statistics.median(c['ms'] for c in r['core']['change']), 1)} / "
            f"{round(max(c['ms'] for c in r['core']['change']), 1)}"
        ),
    )
    row(
        "granularity click to redrawn chart, page (ms: median / max)",
        lambda r: (
            f"{round(statistics.median(c['ms'] for c in r['page']['granularity_click_ms']), 1)} / "
            f"{max(c['ms'] for c in r['page']['granularity_click_ms'])}"
        ),
    )
    row(
        "page: new range to redrawn charts (ms, route cached)",
        lambda r: r["page"]["open_to_charts_ms"],
    )
    return "\n".join(lines) + "\n"


def footer(record: dict[str, Any]) -> str:
    """The command, date, machine and load of a recorded run."""
    load = record["machine"]["load_before"]
    # Said only when the 1-minute load shows other work on the machine (half the cores or more).
    shared = load and float(load[0]) >= 0.5 * float(record["machine"]["cores"])
    return (
        f"Command: `{record['command']}`, {record['date']}, {record['machine']['cpu']}, "
        f"{record['machine']['cores']} cores, load average before the run "
        f"{load}{' (other jobs shared the machine)' if shared else ''}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", default="7,90")
    parser.add_argument("--machines", type=int, default=3000)
    parser.add_argument("--wait-idle", type=float, default=0)
    args = parser.parse_args()
    db = demo_db(args.machines)
    load = wait_for_idle(args.wait_idle)
    server = GunicornServer(demo_env(db, WORK), log=WORK / "history-gunicorn.log")
    server.start()
    yesterday = datetime.now(ZoneInfo("Asia/Taipei")).date() - timedelta(1)
    runs = []
    try:
        for days in (int(d) for d in args.days.split(",")):
            runs.append(measure_server(server.url, days, yesterday) | {"days": days})
        for run in runs:
            run["core"] = measure_core(run.pop("body"))
        with sync_playwright() as playwright:
            browser = launch(playwright)
            context = browser.new_context(timezone_id=BROWSER_TZ, locale="en")
            page = context.new_page()
            for run in runs:
                run["page"] = measure_page(page, server.url, run["url"])
                print(json.dumps({k: v for k, v in run.items() if k != "core"}), file=sys.stderr)
            browser.close()
    finally:
        server.stop()
    record = {
        "command": " ".join([".venv/bin/python", "bench/history.py", *sys.argv[1:]]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine() | {"load_before": load},
        "history_days": HISTORY_DAYS,
        "machines": args.machines,
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "history.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "history.md").write_text(summarize(runs) + "\n" + footer(record), encoding="utf-8")
    print(summarize(runs))


if __name__ == "__main__":
    main()
