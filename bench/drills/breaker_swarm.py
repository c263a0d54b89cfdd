"""The breaker under 50 concurrent callers of resource_history with the source unavailable:
exactly one call reaches the source per half-open interval; after recovery the circuit closes on
the first successful probe of each worker."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path

from drills.fault_cluster import FaultCluster, fault_cluster
from drills.gate import Gate
from testkit.app_server import get

CALLERS = 50
SWARM_S = 12.0
URL = "/api/v1/datasets/resource_history"
SETTINGS = {"MES_THREADS": "32", "MES_BREAKER_OPEN_S": "1", "MES_BREAKER_OPEN_CAP_S": "2"}


def run(workdir: Path) -> list[Gate]:
    """Open both workers' circuits, swarm while open, then mend the source under the swarm."""
    with fault_cluster(workdir, SETTINGS) as cluster:
        cluster.set_faults({"unavailable": True})
        _open_everywhere(cluster)
        queries0, probes0 = _counts(cluster)
        _swarm(cluster.server.url, SWARM_S)
        queries1, probes1 = _counts(cluster)
        closed0 = _transitions(cluster, "closed")
        cluster.clear_faults()
        started = time.monotonic()
        recovered = _swarm(cluster.server.url, 30.0, until_all_ok=True)
        recovery_s = time.monotonic() - started
        closed = _transitions(cluster, "closed") - closed0
    probes, queries = probes1 - probes0, queries1 - queries0
    drill = "breaker_swarm"
    return [
        Gate(drill, "source queries per half-open interval", round(queries / max(probes, 1), 2),
             "==", 1, "queries", f"{queries:g} queries for {probes:g} open->half_open transitions "
             f"in {SWARM_S:g} s of {CALLERS} callers (both workers' breakers, open 1-2 s)"),
        Gate(drill, "half-open intervals seen", probes, ">=", 4, "intervals",
             "at least two per worker (open 1 s, doubling to a 2 s cap, plus jitter)"),
        Gate(drill, "callers answered 200 after recovery", recovered, "==", CALLERS, "callers",
             f"all within {recovery_s:.1f} s of the switch being cleared"),
        Gate(drill, "transitions to closed after recovery", closed, ">=", 2, "transitions",
             "one per worker: the first successful probe closes that worker's circuit"),
    ]  # fmt: skip


def _query(n: int) -> str:
    end = date.today()
    return f"{URL}?start={end - timedelta(days=n + 1)}&end={end}"


def _open_everywhere(cluster: FaultCluster) -> None:
    """Swarm until both workers' circuits have opened (fresh connections reach both workers)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _swarm(cluster.server.url, 2.0)
        if _transitions(cluster, "open") >= 2:
            return
    raise TimeoutError("the database circuit did not open on both workers")


def _counts(cluster: FaultCluster) -> tuple[float, float]:
    return (
        cluster.metric("mes_source_queries_total", dataset="resource_history"),
        _transitions(cluster, "half_open"),
    )


def _transitions(cluster: FaultCluster, to: str) -> float:
    return cluster.metric("mes_breaker_transitions_total", dependency="database", to=to)


def _swarm(url: str, seconds: float, until_all_ok: bool = False) -> int:
    """CALLERS threads calling (each its own parameters) until `seconds` pass; with
    `until_all_ok` each stops at its first 200. Returns how many callers got a 200."""
    stop_at = time.monotonic() + seconds
    ok = [False] * CALLERS

    def caller(n: int) -> None:
        while time.monotonic() < stop_at and not (until_all_ok and ok[n]):
            status, _, _ = get(url + _query(n), timeout=30)
            ok[n] = ok[n] or status == 200
            time.sleep(0.05)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(ok)
