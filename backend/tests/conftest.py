"""Shared fixtures: a real redis-server per test and links to it (see testkit/redis_server.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mes_dashboard.cluster.redis_link import RedisLink, make_client
from mes_dashboard.config import Settings
from testkit.redis_server import RedisServer

REDIS_TIMEOUT_S = 0.25


@pytest.fixture()
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh redis-server on a free port, killed at teardown whatever the test did to it."""
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def redis_link(redis_server: RedisServer) -> Iterator[Callable[..., RedisLink]]:
    """Make links to `redis_server` (own pool and circuit each, short timeouts), closed after."""
    links: list[RedisLink] = []

    def make(clock: Callable[[], float] = time.monotonic) -> RedisLink:
        settings = Settings(
            redis_url=redis_server.url,
            redis_socket_timeout_s=REDIS_TIMEOUT_S,
            redis_connect_timeout_s=REDIS_TIMEOUT_S,
        )
        links.append(RedisLink(make_client(settings), clock=clock))
        return links[-1]

    yield make
    for link in links:
        link.close()
