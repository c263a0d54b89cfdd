"""Two gunicorn instances sharing one Redis: one refresher per dataset, the same versions."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, get
from testkit.redis_server import RedisServer


def cluster_queries(url: str, dataset: str) -> int:
    text = get(url + "/metrics")[2].decode()
    match = re.search(rf'^mes_source_queries_total{{dataset="{dataset}"}} (\S+)$', text, re.M)
    assert match, text
    return int(float(match.group(1)))


@pytest.fixture()
def servers(redis_server: RedisServer, tmp_path: Path) -> Iterator[list[GunicornServer]]:
    db = tmp_path / "demo.sqlite"
    generate(db, lots=800, machines=120, seed=11, history_days=1)
    env = {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "REDIS_URL": redis_server.url,
        "MES_WORKERS": "2",
        "MES_THREADS": "2",
        "MES_REFRESH_WIP_S": "1",
        "MES_REFRESH_RESOURCE_S": "1",
    }
    group = [GunicornServer(env), GunicornServer(env)]
    try:
        for srv in group:
            srv.start()
        yield group
    finally:
        for srv in group:
            srv.stop()


def test_two_hosts_serve_the_same_etag_and_query_the_source_once_per_interval(
    servers: list[GunicornServer],
) -> None:
    a, b = servers
    tags = {srv.url: get(srv.url + "/api/v1/datasets/wip")[1]["ETag"] for srv in servers}
    assert len(set(tags.values())) == 1
    status, _, _ = get(b.url + "/api/v1/datasets/wip", {"If-None-Match": tags[a.url]})
    assert status == 304
    # 4 workers refresh every second; with one leader per dataset the source sees about one
    # watermark query per second for wip (the data is unchanged), not four
    start = cluster_queries(a.url, "wip")
    time.sleep(4.0)
    sent = cluster_queries(b.url, "wip") - start
    assert 2 <= sent <= 6, sent


def test_requests_keep_succeeding_while_redis_is_down(
    servers: list[GunicornServer], redis_server: RedisServer
) -> None:
    a, b = servers
    redis_server.stop()
    for _ in range(6):
        started = time.monotonic()
        status, _, body = get(a.url + "/api/v1/datasets/wip")
        assert status == 200 and body, body[:400]
        assert time.monotonic() - started < 3.0
    redis_server.start()  # empty: the leaders republish their in-process copies
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if redis_server.client().get("mes:snap:wip:current") is not None:
            break
        time.sleep(0.2)
    current = redis_server.client().get("mes:snap:wip:current")
    assert current is not None, "no worker rejoined the shared store"
    for srv in (a, b):
        for _ in range(4):  # every worker serves the shared version again
            assert get(srv.url + "/api/v1/datasets/wip")[1]["X-Snapshot-Version"] == (
                current.decode()
            )
