"""SIGHUP reload three times under steady load: the port stays, no request fails."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from drills.cluster import running_cluster, wait_for_workers, workers
from drills.gate import Gate
from drills.load import SteadyLoad

RELOADS = 3


def run(workdir: Path) -> list[Gate]:
    """Reload while 4 clients keep asking; every reload must replace both workers."""
    replaced = 0
    with running_cluster(workdir) as server, SteadyLoad(server.url) as load:
        assert server.proc is not None
        time.sleep(2)
        for _ in range(RELOADS):
            before = set(workers(server))
            server.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                now = set(wait_for_workers(server, 2))
                if not now & before:
                    replaced += 1
                    break
                time.sleep(0.2)
            time.sleep(2)
    drill = "sighup_reload"
    return [
        Gate(drill, "failed requests during 3 reloads", len(load.failed), "<=", 0, "requests",
             f"{load.ok} answered; " + "; ".join(load.failed[:3])),
        Gate(drill, "reloads that replaced both workers", replaced, "==", RELOADS, "reloads"),
    ]  # fmt: skip
