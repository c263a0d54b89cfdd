"""Two gunicorn instances (two workers each) sharing one Redis: the same delta bytes for the same
`since` from every worker, and 304 on an unchanged resource table across refreshes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lot_changes import change_lots
from mes_dashboard.snapshots.encode import decompress
from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, get
from testkit.redis_server import RedisServer

WIP = "/api/v1/datasets/wip"
RESOURCE = "/api/v1/datasets/resource"
REQUESTS_PER_SERVER = 4  # enough to reach both workers of a server


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    generate(path, lots=900, machines=120, seed=23, history_days=1)
    return path


@pytest.fixture()
def servers(redis_server: RedisServer, db: Path) -> Iterator[list[GunicornServer]]:
    env = {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "REDIS_URL": redis_server.url,
        "MES_WORKERS": "2",
        "MES_THREADS": "2",
        "MES_REFRESH_WIP_S": "1",
        "MES_REFRESH_RESOURCE_S": "1",
        "MES_RATE_LIMIT_SNAPSHOT": "0",
    }
    group = [GunicornServer(env), GunicornServer(env)]
    try:
        for srv in group:
            srv.start()
        yield group
    finally:
        for srv in group:
            srv.stop()


def answers(
    servers: list[GunicornServer], path: str, headers: dict[str, str]
) -> list[tuple[int, dict[str, str], bytes]]:
    return [get(srv.url + path, headers) for srv in servers for _ in range(REQUESTS_PER_SERVER)]


def settled(
    servers: list[GunicornServer], path: str, headers: dict[str, str], payload: str
) -> list[tuple[int, dict[str, str], bytes]]:
    """Every worker's answer once they all send `payload` of one version (refreshes and the
    leader's delta build take a moment to reach every worker)."""
    deadline = time.monotonic() + 30
    while True:
        got = answers(servers, path, headers)
        kinds = {(h.get("X-Payload"), h.get("X-Snapshot-Version")) for _, h, _ in got}
        if len(kinds) == 1 and next(iter(kinds))[0] == payload:
            return got
        assert time.monotonic() < deadline, kinds
        time.sleep(0.2)


def test_every_worker_sends_the_same_delta_bytes_for_the_same_since(
    servers: list[GunicornServer], db: Path
) -> None:
    a = settled(servers, WIP, {}, "full")[0][1]["X-Snapshot-Version"]
    change_lots(db, changed=6, removed=2, added=2)
    since = f"{WIP}?since={a}"
    identity = settled(servers, since, {"If-None-Match": f'"{a}"'}, "delta")
    bodies = {body for _, _, body in identity}
    assert len(bodies) == 1 and all(status == 200 for status, _, _ in identity)
    assert {h["X-Delta-Base"] for _, h, _ in identity} == {a}
    b = identity[0][1]["X-Snapshot-Version"]
    assert b != a
    zstd = settled(servers, since, {"Accept-Encoding": "zstd"}, "delta")
    assert {h["Content-Encoding"] for _, h, _ in zstd} == {"zstd"}
    assert {decompress(body, "zstd") for _, _, body in zstd} == bodies
    full = get(servers[0].url + WIP)
    assert full[1]["X-Snapshot-Version"] == b and len(full[2]) > 5 * len(bodies.pop())


def test_an_unchanged_resource_table_answers_304_across_refreshes_on_every_worker(
    servers: list[GunicornServer],
) -> None:
    tag = settled(servers, RESOURCE, {}, "full")[0][1]["ETag"]
    time.sleep(3)  # three refresh intervals: the leader rebuilt resource three times
    for status, headers, body in answers(servers, RESOURCE, {"If-None-Match": tag}):
        assert status == 304 and body == b"" and headers["ETag"] == tag
