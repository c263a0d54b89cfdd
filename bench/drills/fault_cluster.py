"""The drills' cluster with the handles a fault drill needs: the demo fault switch file and the
redis-server, beside gunicorn (2 workers) with extra settings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drills.cluster import cluster_env, wait_for_workers, workers
from testkit.app_server import GunicornServer, get
from testkit.redis_server import RedisServer

SAMPLE = re.compile(r"^(\w+)(?:\{(.*)\})? (\S+)$")


@dataclass
class FaultCluster:
    """gunicorn, Redis and the fault switch of one drill."""

    server: GunicornServer
    redis: RedisServer
    faults: Path

    def set_faults(self, faults: Mapping[str, Any]) -> None:
        """Write the fault switch (read by the demo source on every call)."""
        tmp = self.faults.with_suffix(".tmp")
        tmp.write_text(json.dumps(dict(faults)))
        tmp.replace(self.faults)

    def clear_faults(self) -> None:
        """No faults from the next source call on."""
        self.set_faults({})

    def workers(self) -> list[int]:
        """The worker pids now."""
        return workers(self.server)

    def metric(self, name: str, **labels: str) -> float:
        """The sum of `name` samples whose labels include `labels`, from one /metrics scrape."""
        _, _, body = get(self.server.url + "/metrics")
        total = 0.0
        for line in body.decode().splitlines():
            match = SAMPLE.match(line)
            if not match or match[1] != name:
                continue
            found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
            if all(found.get(k) == v for k, v in labels.items()):
                total += float(match[3])
        return total


@contextmanager
def fault_cluster(workdir: Path, settings: Mapping[str, str]) -> Iterator[FaultCluster]:
    """Redis and gunicorn (2 workers) with `settings` over the drills' defaults and the fault
    switch named; rate limits off (drills send more than a browser would)."""
    redis = RedisServer(workdir)
    redis.start()
    faults = workdir / "faults.json"
    env = cluster_env(workdir, redis.url) | {
        "MES_DEMO_FAULTS": str(faults),
        "MES_RATE_LIMIT_SNAPSHOT": "0",
        "MES_RATE_LIMIT_QUERY": "0",
    }
    server = GunicornServer(env | dict(settings), log=workdir / "gunicorn.log")
    try:
        server.start()
        wait_for_workers(server, 2)
        yield FaultCluster(server, redis, faults)
    finally:
        server.stop()
        redis.stop()
