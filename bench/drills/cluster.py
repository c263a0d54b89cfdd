"""A local cluster for the drills: a demo database, a real redis-server, gunicorn with 2 workers."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, get
from testkit.redis_server import RedisServer

# refreshes far apart: inside a drill's window the normal cadence sends no source query
REFRESH_S = "3600"


def demo_db(workdir: Path) -> Path:
    """A small demo database, generated once per gates run."""
    db = workdir / "demo.sqlite"
    if not db.exists():
        generate(db, lots=3000, machines=400, seed=13, history_days=1)
    return db


def cluster_env(workdir: Path, redis_url: str) -> dict[str, str]:
    """Two gthread workers on the demo source, sharing snapshots through Redis."""
    return {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(demo_db(workdir)),
        "MES_DEMO_SIMULATE": "false",
        "MES_WORKERS": "2",
        "MES_THREADS": "4",
        "MES_LOG_LEVEL": "WARNING",
        "MES_GRACEFUL_TIMEOUT_S": "10",
        "MES_REFRESH_WIP_S": REFRESH_S,
        "MES_REFRESH_RESOURCE_S": REFRESH_S,
        "MES_STATE_DIR": str(workdir / "state"),
        "MES_AUDIT_LOG": str(workdir / "audit.jsonl"),
        "MES_PAGE_REGISTRY": str(workdir / "pages.json"),
        "REDIS_URL": redis_url,
        "MES_RATE_LIMIT_SNAPSHOT": "0",
        "MES_RATE_LIMIT_QUERY": "0",
    }


@contextmanager
def running_cluster(workdir: Path) -> Iterator[GunicornServer]:
    """Redis and gunicorn (2 workers) up and ready; both stopped afterwards."""
    redis = RedisServer(workdir)
    redis.start()
    server = GunicornServer(cluster_env(workdir, redis.url), log=workdir / "gunicorn.log")
    try:
        server.start()
        wait_for_workers(server, 2)
        yield server
    finally:
        server.stop()
        redis.stop()


def workers(server: GunicornServer) -> list[int]:
    """PIDs of the master's children (the workers)."""
    assert server.proc is not None
    pid = server.proc.pid
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def wait_for_workers(server: GunicornServer, n: int, timeout: float = 60.0) -> list[int]:
    """Wait until the master has `n` workers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = workers(server)
        if len(found) == n:
            return found
        time.sleep(0.1)
    raise TimeoutError(f"the master did not reach {n} workers in {timeout}s")


def source_queries(url: str) -> int:
    """Cluster-wide `mes_source_queries_total`, summed over datasets."""
    _, _, body = get(url + "/metrics")
    total = 0
    for line in body.decode().splitlines():
        if line.startswith("mes_source_queries_total{"):
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def kill(pid: int, sig: signal.Signals) -> None:
    """Send `sig` to `pid` if it still exists."""
    with suppress(ProcessLookupError):
        os.kill(pid, sig)
