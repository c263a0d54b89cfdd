"""Rate limits shared through a real redis-server: two app instances share one budget, 304s
and health routes are free, Retry-After is the rest of the window; without Redis per process."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mes_dashboard.api.rate_limit import route_class
from mes_dashboard.app import create_app
from mes_dashboard.cluster.rate_limiter import RateLimiter
from mes_dashboard.config import load_settings
from mes_dashboard.services import Services, build_services
from mes_dashboard.sources.demo.generator import generate
from testkit.redis_server import RedisServer

WINDOW_S = 60
NOW = 1000 * WINDOW_S + 15.0  # 45 s left in the window


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate(path, lots=300, machines=60, seed=2, history_days=1)
    return path


def instance(demo_db: Path, redis_url: str = "") -> tuple[Services, FlaskClient]:
    env = {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(demo_db),
        "MES_DEMO_SIMULATE": "false",
        "MES_RATE_LIMIT_SNAPSHOT": "3",
        "MES_RATE_LIMIT_WINDOW_S": str(WINDOW_S),
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": "rl",
    }
    settings = load_settings(env, env_file=None)
    services = build_services(settings)
    services.rate_limiter.wall = lambda: NOW
    services.refresh_all()
    return services, create_app(settings, services, start_background=False).test_client()


def test_two_instances_share_the_budget_and_304s_are_free(
    demo_db: Path, redis_server: RedisServer
) -> None:
    (one, a), (two, b) = instance(demo_db, redis_server.url), instance(demo_db, redis_server.url)
    first = a.get("/api/v1/datasets/wip")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    for _ in range(5):
        assert b.get("/api/v1/datasets/wip", headers={"If-None-Match": etag}).status_code == 304
    assert b.get("/api/v1/datasets/resource").status_code == 200
    assert a.get("/api/v1/datasets/wip").status_code == 200
    for client in (b, a):
        limited = client.get("/api/v1/datasets/wip")
        assert limited.status_code == 429
        assert limited.content_type == "application/problem+json"
        assert limited.get_json()["code"] == "RATE_LIMITED"
        assert limited.headers["Retry-After"] == "45" and limited.headers["X-Request-ID"]
    assert a.get("/api/v1/datasets/wip", headers={"If-None-Match": etag}).status_code == 304
    stale = a.get("/api/v1/datasets/wip", headers={"If-None-Match": '"old"'})
    assert stale.status_code == 429  # a full download disguised as a revalidation still counts
    for url in ("/health/live", "/health/ready", "/health/deep", "/api/v1/datasets"):
        assert a.get(url).status_code == 200
    assert a.get("/api/v1/datasets/wip/rows/nope").status_code == 404  # lookups not limited
    one.rate_limiter.wall = two.rate_limiter.wall = lambda: NOW + 45
    assert b.get("/api/v1/datasets/wip").status_code == 200  # a new window
    one.close()
    two.close()


def test_without_redis_each_process_keeps_its_own_budget(demo_db: Path) -> None:
    (one, a), (two, b) = instance(demo_db), instance(demo_db)
    for _ in range(3):
        assert a.get("/api/v1/datasets/wip").status_code == 200
    assert a.get("/api/v1/datasets/wip").status_code == 429
    assert b.get("/api/v1/datasets/wip").status_code == 200
    one.close()
    two.close()


def test_a_zero_limit_is_unlimited_and_query_routes_are_their_own_class() -> None:
    limiter = RateLimiter({"snapshot": 0, "query": 1}, 10, wall=lambda: 5.0)
    for _ in range(3):
        limiter.charge("snapshot", "ip")
    assert limiter.check("snapshot", "ip").allowed
    limiter.charge("query", "ip")
    verdict = limiter.check("query", "ip")
    assert not verdict.allowed and verdict.retry_after_s == 5.0
    assert limiter.check("query", "other-ip").allowed


def test_route_classes() -> None:
    assert route_class("/api/v1/datasets/wip") == "snapshot"
    assert route_class("/api/v1/datasets/resource_history") == "query"
    for path in ("/api/v1/datasets", "/api/v1/datasets/wip/rows/A", "/health/deep", "/"):
        assert route_class(path) is None
