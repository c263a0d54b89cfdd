"""Benchmark: serving cached Arrow bytes vs the old per-request server-side aggregation.

Usage: .venv/bin/python bench/serve_vs_baseline.py [--lots 100000] [--seconds 10]
Needs `wrk` (apt-get install wrk). Starts gunicorn (2 gthread workers x 8 threads) on the demo
source with the bench-only baseline endpoint (bench/baseline_app.py) and measures, in one run:
requests/s and latency of GET /api/v1/datasets/wip as 304 and as a full zstd 200 and of the
baseline; server CPU seconds per simulated user session; per-worker memory of the snapshot.
Writes bench/results/serve_vs_baseline.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer

ROOT = Path(__file__).resolve().parents[1]

WIDGETS = ("kpi", "status", "matrix", "pareto_quality", "pareto_non_quality")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def wrk(url: str, seconds: int, headers: dict[str, str]) -> dict[str, Any]:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    text = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
        assert m, text
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": round(rps, 1),
        "p50_ms": pct("50"),
        "p99_ms": pct("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def get(url: str, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def session_cpu(srv: GunicornServer, pids: list[int], kind: str, etag: str, repeat: int) -> float:
    """Server CPU seconds of one user session: 20 filter changes on the WIP overview."""
    values = ["GA", "A0", "SOD", "SMA", "SOT", "01", "-A", "2", "5", "FL"]
    before = cpu_seconds(pids)
    for _ in range(repeat):
        if kind == "new":
            # one full download, then the client filters locally; it only revalidates on polls
            get(srv.url + "/api/v1/datasets/wip", {"Accept-Encoding": "zstd"})
            for _change in range(20):
                get(srv.url + "/api/v1/datasets/wip", {"If-None-Match": etag})
        else:
            for change in range(20):
                q = f"PACKAGE_LEF={values[change % len(values)]}"
                for widget in WIDGETS:
                    get(f"{srv.url}/bench/baseline/{widget}?{q}", {})
    return (cpu_seconds(pids) - before) / repeat


def snapshot_memory(db: Path) -> dict[str, float]:
    """RSS growth of a worker-like process from no snapshot to a loaded wip snapshot."""
    code = (
        "import gc,json,sys;from pathlib import Path;"
        "from mes_dashboard.config import load_settings;"
        "from mes_dashboard.services import build_services;"
        "rss=lambda:int([l for l in Path('/proc/self/status').read_text().splitlines()"
        " if l.startswith('VmRSS')][0].split()[1])*1024;"
        f"s=load_settings({{'MES_DEMO_DB':'{db}','MES_DEMO_SIMULATE':'false'}},env_file=None);"
        "svc=build_services(s);gc.collect();before=rss();"
        "svc.refreshers['wip'].refresh_once();gc.collect();"
        "snap=svc.store.current('wip');snap.table;snap.row_index(snap.table.column('LOTID')[0].as_py());"
        "gc.collect();after=rss();"
        "print(json.dumps({'ipc_bytes':len(snap.body),'rss_growth_bytes':after-before,"
        "'variants_bytes':sum(map(len,snap.variants.values())),'detail_bytes':len(snap.detail)}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    m = json.loads(out.stdout)
    m["ratio_to_ipc"] = round(m["rss_growth_bytes"] / m["ipc_bytes"], 2)
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = ROOT / "bench" / ".work" / f"demo-{args.lots}.sqlite"
    if not db.exists():
        db.parent.mkdir(exist_ok=True)
        generate(db, lots=args.lots, machines=3000, seed=1, progress=True)
    env = {
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "MES_WORKERS": "2",
        "MES_THREADS": "8",
        "MES_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "bench"),
        "MES_REFRESH_WIP_S": "3600",
        "MES_REFRESH_RESOURCE_S": "3600",
        "GUNICORN_CMD_ARGS": "--access-logfile=/dev/null",
    }
    # the bench app module adds the baseline endpoint to the product app
    srv = GunicornServer(env, app="baseline_app:app")
    srv.start(timeout=300)
    try:
        pids = workers(srv.proc.pid)  # type: ignore[union-attr]
        url = srv.url + "/api/v1/datasets/wip"
        head = urllib.request.urlopen(url).headers
        etag = head["ETag"]
        for _ in range(3):  # warm every worker's projection of the baseline path
            for w in WIDGETS:
                get(f"{srv.url}/bench/baseline/{w}", {})
        results: dict[str, Any] = {
            "lots": args.lots,
            "rows": int(
                urllib.request.urlopen(srv.url + "/api/v1/datasets")
                .read()
                .decode()
                .split('"rows":')[1]
                .split(",")[0]
            ),
            "revalidate_304": wrk(url, args.seconds, {"If-None-Match": etag}),
            "full_200_zstd": wrk(url, args.seconds, {"Accept-Encoding": "zstd"}),
            "baseline_matrix": wrk(srv.url + "/bench/baseline/matrix", args.seconds, {}),
            "baseline_kpi": wrk(srv.url + "/bench/baseline/kpi", args.seconds, {}),
        }
        new = session_cpu(srv, pids, "new", etag, args.repeat)
        old = session_cpu(srv, pids, "baseline", etag, args.repeat)
        results["session_cpu_s"] = {
            "new": round(new, 3),
            "baseline": round(old, 3),
            "ratio": round(old / max(new, 1e-9), 1),
        }
        results["worker_rss_mb"] = [round(rss_mb(p), 1) for p in pids]
    finally:
        srv.stop()
    results["snapshot_memory"] = snapshot_memory(db)
    base = results["baseline_matrix"]["rps"]
    results["targets"] = {
        "304_vs_baseline_rps": round(results["revalidate_304"]["rps"] / base, 1),
        "304_at_least_20x": results["revalidate_304"]["rps"] >= 20 * base,
        "session_cpu_at_least_10x_less": results["session_cpu_s"]["ratio"] >= 10,
        "memory_at_most_3x_ipc": results["snapshot_memory"]["ratio_to_ipc"] <= 3,
    }
    command = "python bench/serve_vs_baseline.py " + " ".join(sys.argv[1:])
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "serve_vs_baseline.json").write_text(
        json.dumps(
            {
                "command": command,
                "recorded": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "results": results,
            },
            indent=1,
        )
        + "\n"
    )
    (out / "serve_vs_baseline.md").write_text(to_markdown(results, command))
    print(to_markdown(results, command))


def to_markdown(r: dict[str, Any], command: str) -> str:
    """The recorded results as a table."""
    rows = [
        ("304 revalidation", r["revalidate_304"]),
        ("full 200, zstd", r["full_200_zstd"]),
        ("baseline: matrix widget", r["baseline_matrix"]),
        ("baseline: KPI widget", r["baseline_kpi"]),
    ]
    mem, cpu, t = r["snapshot_memory"], r["session_cpu_s"], r["targets"]
    lines = [
        "# Serving cached Arrow vs per-request server aggregation",
        "",
        f"Command: `{command}`  ",
        f"Recorded: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores; gunicorn 2 gthread workers x 8 threads; wrk -t2 -c16 on the "
        f"same machine; {r['rows']:,} WIP rows.",
        "",
        "| request | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {n} | {m['rps']} | {m['p50_ms']} | {m['p99_ms']} | {m['errors']} |" for n, m in rows
    ]
    lines += [
        "",
        "| measure | value | target | met |",
        "|---|---:|---:|---|",
        f"| 304 req/s vs baseline (matrix) | {t['304_vs_baseline_rps']}x | >= 20x "
        f"| {t['304_at_least_20x']} |",
        f"| server CPU s per session (20 filter changes): new / baseline | {cpu['new']} / "
        f"{cpu['baseline']} ({cpu['ratio']}x less) | >= 10x less "
        f"| {t['session_cpu_at_least_10x_less']} |",
        f"| worker memory growth for the wip snapshot / IPC size | "
        f"{mem['rss_growth_bytes'] / 1e6:.1f} MB / {mem['ipc_bytes'] / 1e6:.1f} MB = "
        f"{mem['ratio_to_ipc']}x | <= 3x | {t['memory_at_most_3x_ipc']} |",
        "",
        "Session: new design = one full zstd download + 20 revalidations (the filters run in "
        "the browser); baseline = 5 widget requests per filter change. Memory = RSS growth of a "
        "process from no snapshot to a built, published and looked-up wip snapshot.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
