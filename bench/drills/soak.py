"""A steady-load soak: locust headless, 8 users for 60 s on the snapshots (with revalidation)
and the catalogue: no 5xx; p50/p99 recorded."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from drills.fault_cluster import fault_cluster
from drills.gate import Gate

USERS = 8
SECONDS = 60
LOCUSTFILE = Path(__file__).with_name("soak_locustfile.py")


def run(workdir: Path) -> list[Gate]:
    """Run locust against the cluster and read its aggregated statistics."""
    prefix = workdir / "locust"
    with fault_cluster(workdir, {}) as cluster:
        locust = Path(sys.executable).with_name("locust")
        subprocess.run(
            [str(locust), "-f", str(LOCUSTFILE), "--headless", "-u", str(USERS), "-r", str(USERS),
             "-t", f"{SECONDS}s", "--host", cluster.server.url, "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=SECONDS + 60,
        )  # fmt: skip
    with (workdir / "locust_stats.csv").open() as f:
        total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    with (workdir / "locust_failures.csv").open() as f:
        kinds = "; ".join(f"{r['Occurrences']}x {r['Error']}" for r in csv.DictReader(f))
    drill = "soak"
    requests, p50, p99 = int(total["Request Count"]), total["50%"], total["99%"]
    return [
        Gate(drill, "failed requests (5xx, 4xx or no answer)", int(total["Failure Count"]), "<=",
             0, "requests", f"{requests} requests in {SECONDS} s by {USERS} locust users "
             f"({float(total['Requests/s']):.0f}/s); {kinds or 'no failures'}"),
        Gate(drill, "p99 latency (recorded)", float(p99), ">=", 0, "ms",
             f"p50 {p50} ms, p99 {p99} ms, max {float(total['Max Response Time']):.0f} ms"),
    ]  # fmt: skip
