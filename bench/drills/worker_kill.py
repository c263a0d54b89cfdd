"""kill -9 of one worker under load: only its in-flight requests may fail; a replacement serves
within 5 s; no source query beyond the normal cadence (none in the window: refreshes 1 h apart)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from drills.cluster import kill, running_cluster, source_queries, wait_for_workers, workers
from drills.gate import Gate
from drills.load import SteadyLoad
from testkit.app_server import GunicornServer, get


def run(workdir: Path) -> list[Gate]:
    """Kill a worker under load, then time a replacement alone serving a dataset."""
    drill = "worker_kill"
    with running_cluster(workdir) as server:
        queries_before = source_queries(server.url)
        started = time.monotonic()
        with SteadyLoad(server.url) as load:
            time.sleep(2)
            victim = workers(server)[0]
            in_flight = load.snapshot_in_flight()
            kill(victim, signal.SIGKILL)
            time.sleep(5)
        wait_for_workers(server, 2)
        serve_s = _replacement_serves(server)
        time.sleep(1)
        queries = source_queries(server.url) - queries_before
        window = time.monotonic() - started
    return [
        Gate(drill, "failed requests (at most the in-flight ones at the kill)", len(load.failed),
             "<=", in_flight, "requests", f"{load.ok} answered; " + "; ".join(load.failed[:3])),
        Gate(drill, "replacement worker serves a dataset", round(serve_s, 2), "<=", 5.0, "s",
             "the surviving worker is stopped (SIGSTOP) so only the replacement can answer"),
        Gate(drill, "source queries caused by the restarts", queries, "<=", 0, "queries",
             f"window {window:.0f} s, refresh interval 3600 s: the cadence allows 0"),
    ]  # fmt: skip


def _replacement_serves(server: GunicornServer) -> float:
    victim, survivor = workers(server)
    kill(survivor, signal.SIGSTOP)
    try:
        kill(victim, signal.SIGKILL)
        started = time.monotonic()
        while time.monotonic() - started < 30:
            try:
                if get(server.url + "/api/v1/datasets/wip", timeout=2)[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.05)
        return float("inf")
    finally:
        kill(survivor, signal.SIGCONT)
