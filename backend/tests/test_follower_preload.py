"""A follower keeps the shared version in process, so it can serve it while Redis is down."""

from __future__ import annotations

from collections.abc import Callable

from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.cluster.redis_store import build_redis_store
from mes_dashboard.datasets.refresher import Refresher
from table_source import RULES, TableSource
from testkit.redis_server import RedisServer


def test_follower_refresh_loads_the_shared_version(
    redis_server: RedisServer, redis_link: Callable[..., RedisLink]
) -> None:
    leader_store = build_redis_store(redis_link(), "fp", {"wip": 30.0})
    follower_store = build_redis_store(redis_link(), "fp", {"wip": 30.0})
    leader = Refresher("wip", TableSource(), leader_store, RULES, 30.0)
    source = TableSource()
    follower = Refresher("wip", source, follower_store, RULES, 30.0)
    assert leader.refresh_once() == "built"
    assert follower.refresh_once() == "follower"
    assert source.total == 0  # a follower never queries the source
    shared = leader_store.current("wip")
    redis_server.stop()
    served = follower_store.current("wip")  # never asked before the outage
    assert served is not None and shared is not None
    assert served.version == shared.version
    leader_store.close()
    follower_store.close()
