"""GET /api/v1/datasets/resource_history on the demo source: Arrow with snapshot headers, ETag and
304, encodings, the cache, and the database-bound path (pool exhausted, timeout, unavailable)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mes_dashboard import contracts
from mes_dashboard.app import create_app
from mes_dashboard.config import Settings
from mes_dashboard.services import Services, build_services
from mes_dashboard.snapshots.encode import decompress, read_ipc
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource
from mes_dashboard.sources.guarded import GuardedSource

NOW = datetime(2026, 11, 28, 8, 0, 0)
WAIT_MS = 400
URL = "/api/v1/datasets/resource_history"
WEEK = f"{URL}?start=2026-11-21&end=2026-11-27"


@pytest.fixture()
def services(tmp_path: Path) -> Iterator[Services]:
    db = tmp_path / "demo.sqlite"
    generate(db, lots=300, machines=80, seed=5, history_days=10, now=NOW)
    settings = Settings(
        env="test",
        demo_db=str(db),
        demo_simulate=False,
        demo_pool_max=2,
        demo_wait_timeout_ms=WAIT_MS,
        page_registry=str(tmp_path / "pages.json"),
    )
    built = build_services(settings)
    assert set(built.refresh_all().values()) == {"built"}
    yield built
    built.close()


@pytest.fixture()
def client(services: Services, tmp_path: Path) -> FlaskClient:
    app = create_app(services.settings, services, start_background=False, dist=tmp_path)
    return app.test_client()


def queries(services: Services) -> int:
    return services.query_counts["resource_history"]


def test_a_range_answers_arrow_with_the_snapshot_headers(client: FlaskClient) -> None:
    resp = client.get(WEEK)
    assert resp.status_code == 200 and resp.content_type == "application/vnd.apache.arrow.stream"
    table = read_ipc(resp.data)
    assert table.schema.remove_metadata() == contracts.arrow_schema("resource_history")
    assert table.num_rows > 0 and {d.isoformat() for d in table["TXNDATE"].to_pylist()} == {
        f"2026-11-{d}" for d in range(21, 28)
    }
    for name in ("ETag", "X-Snapshot-Version", "X-Snapshot-Generated-At", "X-Data-Age-Seconds"):
        assert resp.headers[name]
    assert resp.headers["ETag"] == f'"{resp.headers["X-Snapshot-Version"]}"'
    assert "X-Degraded" not in resp.headers  # never an empty X-Degraded
    again = client.get(WEEK, headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == resp.headers["ETag"]
    zstd = client.get(WEEK, headers={"Accept-Encoding": "zstd"})
    assert zstd.headers["Content-Encoding"] == "zstd"
    assert read_ipc(decompress(zstd.data, "zstd")).equals(table)


def test_the_cache_answers_equal_parameters_in_any_order(
    client: FlaskClient, services: Services
) -> None:
    snap = services.store.current("resource")
    assert snap is not None
    groups = sorted(set(snap.table["WORKCENTER_GROUP"].to_pylist()) - {None})
    a, b = groups[0], groups[1]
    first = client.get(f"{WEEK}&workcenter_groups={a},{b}&is_key=false")
    assert first.status_code == 200 and queries(services) == 1
    second = client.get(
        f"{URL}?is_key=false&end=2026-11-27&workcenter_groups={b},{a},{b}&start=2026-11-21"
    )
    repeated = client.get(f"{WEEK}&workcenter_groups={b}&workcenter_groups={a}&is_key=false")
    assert second.data == first.data and repeated.data == first.data
    assert queries(services) == 1
    narrowed = read_ipc(first.data)
    assert set(narrowed["WORKCENTER_GROUP"].to_pylist()) <= {a, b}
    assert not any(narrowed["PJ_ISKEY"].to_pylist())
    client.get(f"{WEEK}&workcenter_groups={a}")
    assert queries(services) == 2


def test_bad_parameters_are_problems_naming_them(client: FlaskClient) -> None:
    for query, parameter in (
        ("start=2026-11-01", "end"),
        ("start=2026-11-10&end=2026-11-01", "end"),
        ("start=2026-11-01&end=2026-11-02&families=NOPE", "families"),
        ("start=2026-11-01&end=2026-11-02&is_monitor=1", "is_monitor"),
    ):
        resp = client.get(f"{URL}?{query}")
        body = resp.get_json()
        assert resp.status_code == 400 and resp.content_type == "application/problem+json"
        assert (body["code"], body["parameter"], body["retryable"]) == (
            "INVALID_PARAMETER", parameter, False
        )  # fmt: skip
        assert body["request_id"] and "Retry-After" not in resp.headers


def test_an_exhausted_pool_answers_503_with_retry_after_within_the_wait(
    client: FlaskClient, services: Services
) -> None:
    guarded = services.source
    assert isinstance(guarded, GuardedSource)
    source = guarded.inner
    assert isinstance(source, DemoSource)
    with ExitStack() as held:
        for _ in range(source.limit.limit):
            held.enter_context(source.limit.slot())
        started = time.monotonic()
        resp = client.get(WEEK)
        elapsed = time.monotonic() - started
    print(f"pool exhausted: 503 after {elapsed:.3f} s (wait {WAIT_MS} ms)")
    body = resp.get_json()
    assert resp.status_code == 503 and body["code"] == "DB_POOL_EXHAUSTED" and body["retryable"]
    assert int(resp.headers["Retry-After"]) >= WAIT_MS / 1000
    assert elapsed < WAIT_MS / 1000 + 0.3
    assert client.get(WEEK).status_code == 200  # slots free again: the same request succeeds


def test_a_call_timeout_answers_504(client: FlaskClient, services: Services) -> None:
    guarded = services.source
    assert isinstance(guarded, GuardedSource)
    source = guarded.inner
    assert isinstance(source, DemoSource)
    source.call_timeout_ms = 0
    resp = client.get(WEEK)
    assert resp.status_code == 504 and resp.get_json()["code"] == "DB_TIMEOUT"
    assert int(resp.headers["Retry-After"]) >= 1


def test_an_unreachable_database_answers_503_unavailable(
    client: FlaskClient, services: Services, tmp_path: Path
) -> None:
    guarded = services.source
    assert isinstance(guarded, GuardedSource)
    source = guarded.inner
    assert isinstance(source, DemoSource)
    shutil.move(source.path, tmp_path / "moved.sqlite")
    resp = client.get(WEEK)
    assert resp.status_code == 503 and resp.get_json()["code"] == "DB_UNAVAILABLE"
    assert int(resp.headers["Retry-After"]) >= 1


def test_ui_config_gives_this_route_a_deadline_beyond_the_server_worst_case(
    client: FlaskClient, services: Services
) -> None:
    s = services.settings
    deadline = client.get("/api/v1/ui-config").get_json()["deadline_ms"]["resource_history"]
    assert deadline > s.demo_wait_timeout_ms + s.demo_call_timeout_ms


def test_calls_the_open_circuit_refuses_are_not_counted_as_source_queries(
    client: FlaskClient, services: Services, tmp_path: Path
) -> None:
    guarded = services.source
    assert isinstance(guarded, GuardedSource)
    source = guarded.inner
    assert isinstance(source, DemoSource)
    shutil.move(source.path, tmp_path / "moved.sqlite")
    before = queries(services)
    codes = [client.get(f"{URL}?start=2026-11-{d:02d}&end=2026-11-27").get_json()["code"]
             for d in range(10, 20)]  # fmt: skip
    reached = codes.count("DB_UNAVAILABLE")
    assert reached == services.settings.breaker_threshold
    assert codes[reached:] == ["CIRCUIT_OPEN"] * (len(codes) - reached)
    assert queries(services) - before == reached
