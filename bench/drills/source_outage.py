"""The source made unavailable for 25 s while clients poll both snapshot datasets with
If-None-Match: no 5xx, X-Degraded on every answer of every worker during the outage, fresh data
within an interval + 10 s of recovery, at most one source query per dataset per interval."""

from __future__ import annotations

import time
from pathlib import Path

from drills.fault_cluster import fault_cluster
from drills.gate import Gate
from drills.poller import Poller
from testkit.response_figures import (
    Sample,
    first_after,
    per_interval,
    server_errors,
    share_by_worker,
)

INTERVAL_S = 5
OUTAGE_S = 25.0
DATASETS = ("wip", "resource")
PATHS = tuple(f"/api/v1/datasets/{d}" for d in DATASETS)


def run(workdir: Path) -> list[Gate]:
    """Poll, break the source, mend it, and keep polling until fresh data or a deadline."""
    interval = str(INTERVAL_S)
    settings = {"MES_REFRESH_WIP_S": interval, "MES_REFRESH_RESOURCE_S": interval}
    with fault_cluster(workdir, settings) as cluster:
        with Poller(cluster.server.port, PATHS, cluster.workers, clients=6) as poller:
            time.sleep(3)
            before = {d: cluster.metric("mes_source_queries_total", dataset=d) for d in DATASETS}
            broken = time.monotonic()
            cluster.set_faults({"unavailable": True})
            time.sleep(OUTAGE_S)
            during = {d: cluster.metric("mes_source_queries_total", dataset=d) - before[d]
                      for d in DATASETS}  # fmt: skip
            mended = time.monotonic()
            cluster.clear_faults()
            time.sleep(INTERVAL_S + 12)
        samples = poller.recorded()
    return _gates(samples, during, broken, mended)


def _gates(
    samples: list[Sample], during: dict[str, float], broken: float, mended: float
) -> list[Gate]:
    drill = "source_outage"
    # each dataset's outage starts at its own first degraded answer (its refresher's own cycle)
    since, shares, bare = {}, {}, []
    for path in PATHS:
        mine = [s for s in samples if s.path == path]
        degraded = [s.ended for s in mine if s.headers.get("X-Degraded") and s.started < mended]
        since[path] = min(degraded, default=mended)
        for worker, share in share_by_worker(mine, "X-Degraded", since[path], mended).items():
            shares[(path.rsplit("/", 1)[1], worker)] = share
        bare += [f"{path} {s.status} at +{s.started - broken:.2f} s" for s in mine
                 if since[path] <= s.started and s.ended < mended
                 and not s.headers.get("X-Degraded")]  # fmt: skip
    fresh = max(first_after(samples, mended, p) for p in PATHS)
    rate = max(per_interval(n, mended - broken, INTERVAL_S) for n in during.values())
    starts = {p.rsplit("/", 1)[1]: round(t - broken, 1) for p, t in since.items()}
    outage = [s for s in samples if since[s.path] <= s.started and s.ended < mended]
    return [
        Gate(drill, "responses >= 500 on snapshot routes", server_errors(samples), "<=", 0,
             "responses", f"{len(samples)} answers, {len(outage)} during the outage"),
        Gate(drill, "X-Degraded share during the outage, lowest worker",
             round(100 * min(shares.values(), default=0), 1), ">=", 100, "%",
             f"per (dataset, worker pid): { {k: round(100 * v, 1) for k, v in shares.items()} }; "
             f"counted from each dataset's first degraded answer, s after the break: {starts}; "
             f"without it: {bare[:6]}"),
        Gate(drill, "workers that answered during the outage", len({w for _, w in shares}), ">=",
             2, "workers"),
        Gate(drill, "recovery to fresh data", round(fresh, 1), "<=", INTERVAL_S + 10, "s",
             "first 200/304 without X-Degraded on both datasets after the switch is cleared"),
        Gate(drill, "source queries per dataset per interval during the outage", round(rate, 2),
             "<=", 1, "queries", f"mes_source_queries_total over {mended - broken:.0f} s, "
             f"interval {INTERVAL_S} s: {during}"),
    ]  # fmt: skip
