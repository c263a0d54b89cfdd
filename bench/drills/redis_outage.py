"""redis-server stopped for 8 s and started again (empty: no persistence), then frozen (SIGSTOP:
calls hang until the socket timeout) for 5 s, under load: no 5xx, no answer slower than the Redis
socket timeout + 0.5 s."""

from __future__ import annotations

import time
from pathlib import Path

from drills.fault_cluster import fault_cluster
from drills.gate import Gate
from drills.poller import Poller
from testkit.response_figures import server_errors

SOCKET_TIMEOUT_S = 1.0
DOWN_S = 8.0
FROZEN_S = 5.0
PATHS = ("/api/v1/datasets/wip", "/api/v1/datasets/resource", "/api/v1/datasets", "/health/ready")


def run(workdir: Path) -> list[Gate]:
    """Poll; stop Redis, start it again, keep polling."""
    settings = {"MES_REDIS_SOCKET_TIMEOUT_S": str(SOCKET_TIMEOUT_S)}
    with fault_cluster(workdir, settings) as cluster:
        with Poller(cluster.server.port, PATHS, cluster.workers, clients=4, period_s=0.05) as load:
            time.sleep(3)
            cluster.redis.stop()
            time.sleep(DOWN_S)
            cluster.redis.start()
            time.sleep(5)
            cluster.redis.freeze()
            time.sleep(FROZEN_S)
            cluster.redis.thaw()
            time.sleep(5)
        samples = load.recorded()
    slowest = max(samples, key=lambda s: s.seconds)
    errors = [f"{s.status} {s.path}" for s in samples if s.status >= 500 or s.status == 0]
    drill = "redis_outage"
    return [
        Gate(drill, "responses >= 500 (or no answer)", server_errors(samples), "<=", 0,
             "responses", f"{len(samples)} answers; Redis down {DOWN_S:g} s, restarted "
             f"empty, frozen {FROZEN_S:g} s; "
             + "; ".join(errors[:3])),
        Gate(drill, "slowest answer", round(slowest.seconds, 2), "<=", SOCKET_TIMEOUT_S + 0.5, "s",
             f"{slowest.path} {slowest.status}; Redis socket timeout {SOCKET_TIMEOUT_S:g} s"),
    ]  # fmt: skip
