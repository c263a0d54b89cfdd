"""20 concurrent identical history requests to two gunicorn workers sharing Redis: one query."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, get
from testkit.redis_server import RedisServer

URL = "/api/v1/datasets/resource_history?start={start}&end={end}"
METRIC = re.compile(r'^mes_source_queries_total\{dataset="resource_history"\} (\S+)$', re.M)


@pytest.fixture()
def server(redis_server: RedisServer, tmp_path: Path) -> Iterator[GunicornServer]:
    db = tmp_path / "demo.sqlite"
    generate(db, lots=500, machines=400, seed=9, history_days=30)
    env = {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "REDIS_URL": redis_server.url,
        "MES_WORKERS": "2",
        "MES_THREADS": "10",
        "MES_PAGE_REGISTRY": str(tmp_path / "pages.json"),
    }
    srv = GunicornServer(env)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


def history_queries(url: str) -> int:
    match = METRIC.search(get(url + "/metrics")[2].decode())
    return 0 if match is None else int(float(match.group(1)))


def test_twenty_identical_requests_cause_one_source_query(server: GunicornServer) -> None:
    status, _, body = get(server.url + "/api/v1/datasets/resource")
    assert status == 200 and body
    url = server.url + URL.format(start="2026-01-01", end="2026-12-31")
    ready = threading.Barrier(20)

    def fetch(_: int) -> tuple[int, str]:
        ready.wait()
        status, headers, _ = get(url, timeout=60)
        return status, headers.get("ETag", "")

    assert history_queries(server.url) == 0
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(fetch, range(20)))
    assert {status for status, _ in answers} == {200}
    assert len({etag for _, etag in answers}) == 1
    assert history_queries(server.url) == 1
