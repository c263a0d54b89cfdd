"""Two workers sharing a real redis-server: only one leads, and when its source fails the
follower answers the same X-Degraded and /health/deep; a slow refresh keeps its lock."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pyarrow as pa
import pytest
from flask.testing import FlaskClient

from admin_session import sign_in_admin
from mes_dashboard.app import create_app
from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.cluster.redis_store import build_redis_store
from mes_dashboard.config import load_settings
from mes_dashboard.datasets.refresher import Refresher
from mes_dashboard.services import Services, build_services
from mes_dashboard.sources.demo import schema
from mes_dashboard.sources.demo.generator import generate
from table_source import RULES, TableSource
from testkit.redis_server import RedisServer


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate(path, lots=800, machines=100, seed=3, history_days=1)
    return path


@pytest.fixture()
def workers(
    demo_db: Path, tmp_path: Path, redis_server: RedisServer
) -> Iterator[tuple[Path, list[Services], list[FlaskClient]]]:
    faults = tmp_path / "faults.json"
    env = {
        "MES_ENV": "test",
        "MES_DEMO_DB": str(demo_db),
        "MES_DEMO_SIMULATE": "false",
        "MES_DEMO_FAULTS": str(faults),
        "REDIS_URL": redis_server.url,
        "REDIS_PREFIX": "sd",
        "MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json"),
        "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
    }
    settings = load_settings(env, env_file=None)
    services = [build_services(settings) for _ in range(2)]
    clients = [create_app(settings, s, start_background=False).test_client() for s in services]
    for client in clients:
        sign_in_admin(client, settings.accounts_file)
    yield faults, services, clients
    for s in services:
        s.close()


def headers(clients: list[FlaskClient]) -> list[str | None]:
    return [c.get("/api/v1/datasets/wip").headers.get("X-Degraded") for c in clients]


def test_the_follower_reports_the_leaders_degraded_state(
    workers: tuple[Path, list[Services], list[FlaskClient]], demo_db: Path
) -> None:
    faults, (leader, follower), clients = workers
    assert leader.refresh_all() == {"wip": "built", "resource": "built"}
    assert follower.refresh_all() == {"wip": "follower", "resource": "follower"}
    assert headers(clients) == [None, None]

    faults.write_text(json.dumps({"unavailable": True}))
    assert leader.refresh_all()["wip"] == "failed"
    assert follower.refresh_all()["wip"] == "follower"
    leader_says, follower_says = headers(clients)
    assert leader_says == follower_says
    assert leader_says is not None and leader_says.startswith("source-unavailable; since=")
    assert leader_says.endswith("; code=DB_UNAVAILABLE")
    deep = [c.get("/health/deep").get_json() for c in clients]
    assert deep[0]["degraded"] == deep[1]["degraded"] and deep[1]["status"] == "degraded"
    assert deep[1]["degraded"]["wip"]["reason"] == "source-unavailable"
    actions = {p["problem"]: p["action"] for p in deep[1]["problems"]}
    assert actions.get("source-unavailable")

    faults.write_text(json.dumps({"empty": ["lot"]}))
    leader.refresh_all()
    said = headers(clients)
    assert said[0] == said[1] and said[1] is not None
    assert said[1].startswith("empty-fetch; ") and said[1].endswith("code=EMPTY_FETCH")
    assert said[1].split(";")[1] == leader_says.split(";")[1]  # degraded since the first failure

    faults.write_text(json.dumps({"missing_columns": {"lot": ["CURRENTHOLDTIME"]}}))
    with closing(sqlite3.connect(demo_db)) as conn:  # the view moves on: a new SYS_DATE
        conn.execute(f"UPDATE {schema.LOT} SET SYS_DATE = datetime(SYS_DATE, '+1 minute')")
        conn.commit()
    leader.refresh_all()
    assert all(h and h.startswith("missing-columns; ") for h in headers(clients))

    faults.write_text("{}")
    assert leader.refresh_all()["wip"] in ("built", "unchanged")
    assert headers(clients) == [None, None]
    assert [c.get("/health/deep").get_json()["degraded"] for c in clients] == [{}, {}]


class SlowSource(TableSource):
    """Every call takes `delay_s`; records how many calls run at once across instances."""

    delay_s = 0.3
    lock = threading.Lock()
    running = 0
    most = 0
    calls = 0

    def _slow(self) -> None:
        cls = SlowSource
        with cls.lock:
            cls.running += 1
            cls.calls += 1
            cls.most = max(cls.most, cls.running)
        time.sleep(self.delay_s)
        with cls.lock:
            cls.running -= 1

    def fetch(self, obj: str) -> pa.Table:
        self._slow()
        return super().fetch(obj)

    def watermark(self, obj: str) -> object:  # type: ignore[override]
        self._slow()
        return super().watermark(obj)


def test_a_refresh_slower_than_the_lock_ttl_never_yields_two_leaders(
    redis_link: Callable[..., RedisLink],
) -> None:
    interval_s = 0.1  # lock TTL 0.2 s; one refresh takes 0.3 s to over 1 s
    refreshers = []
    for _ in range(2):
        store = build_redis_store(redis_link(), "ll", {"wip": interval_s})
        refreshers.append(Refresher("wip", SlowSource(), store, RULES, interval_s))
    stop = threading.Event()
    threads = [threading.Thread(target=r.run, args=(stop,)) for r in refreshers]
    for t in threads:
        t.start()
    time.sleep(2.5)
    stop.set()
    for t in threads:
        t.join(5)
    assert SlowSource.calls >= 4
    assert SlowSource.most == 1
    results = {r.state.last_result for r in refreshers}
    assert "follower" in results
    for r in refreshers:
        r.store.close()
