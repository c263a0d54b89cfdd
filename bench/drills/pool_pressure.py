"""Pool pressure on resource_history: 3x more concurrent distinct queries than the cluster's
in-flight slots, each holding its slot 2 s (slow_ms): in-use never above the maximum, the excess
answered 503 within the pool wait + 0.3 s, in-use back to 0 after."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path

from drills.fault_cluster import FaultCluster, fault_cluster
from drills.gate import Gate
from mes_dashboard.services import SAMPLE_INTERVAL_S
from testkit.app_server import get

POOL_MAX = 2
WAIT_MS = 500
SLOW_MS = 2000
WORKERS = 2
CALLERS = 3 * POOL_MAX * WORKERS
URL = "/api/v1/datasets/resource_history"


def run(workdir: Path) -> list[Gate]:
    """Fire the callers at once while sampling the in-use gauge."""
    settings = {"MES_DEMO_POOL_MAX": str(POOL_MAX), "MES_DEMO_WAIT_TIMEOUT_MS": str(WAIT_MS),
                "MES_THREADS": "16"}  # fmt: skip
    with fault_cluster(workdir, settings) as cluster:
        cluster.set_faults({"slow_ms": SLOW_MS})
        in_use: list[float] = []
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(cluster, in_use, done), daemon=True)
        sampler.start()
        answers = _fire(cluster.server.url)
        done.set()
        sampler.join()
        after, settled = _settle(cluster)
    refused = [s for code, s in answers if code == 503]
    drill = "pool_pressure"
    codes = sorted(code for code, _ in answers)
    return [
        Gate(drill, "in-use slots, highest sample", max(in_use), "<=", POOL_MAX * WORKERS,
             "slots", f"{len(in_use)} samples of mes_pool_in_flight{{pool=request}} (sum over "
             f"{WORKERS} workers of {POOL_MAX}); {CALLERS} callers, answers {codes}"),
        Gate(drill, "requests answered 503 (the excess)", len(refused), ">=",
             CALLERS - POOL_MAX * WORKERS, "requests"),
        Gate(drill, "slowest 503", round(max(refused, default=float("inf")), 2), "<=",
             WAIT_MS / 1000 + 0.3, "s", f"pool wait {WAIT_MS} ms; query held {SLOW_MS} ms"),
        Gate(drill, "in-use after the burst", after, "==", 0, "slots",
             f"read {settled:.1f} s after the last answer (a worker's gauge is sampled when it "
             f"answers a scrape or every {SAMPLE_INTERVAL_S:g} s)"),
    ]  # fmt: skip


def _fire(url: str) -> list[tuple[int, float]]:
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(CALLERS)
    end = date.today()

    def call(n: int) -> None:
        query = f"{url}{URL}?start={end - timedelta(days=n + 1)}&end={end}"
        start.wait()
        started = time.monotonic()
        status, _, _ = get(query, timeout=30)
        with lock:
            answers.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=call, args=(n,)) for n in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _settle(cluster: FaultCluster) -> tuple[float, float]:
    started = time.monotonic()
    value = _in_use(cluster)
    while value and time.monotonic() - started < SAMPLE_INTERVAL_S + 5:
        time.sleep(0.5)
        value = _in_use(cluster)
    return value, time.monotonic() - started


def _in_use(cluster: FaultCluster) -> float:
    return cluster.metric("mes_pool_in_flight", pool="request")


def _sample(cluster: FaultCluster, out: list[float], done: threading.Event) -> None:
    while not done.is_set():
        out.append(_in_use(cluster))
        done.wait(0.05)
