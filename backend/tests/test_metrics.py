"""The exported metrics: events by route and status, gauges from state, and across workers."""

from __future__ import annotations

import subprocess
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from fake_clock import FakeClock
from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.observability.metrics import Metrics
from mes_dashboard.resilience.breaker import Breaker
from mes_dashboard.services import build_services
from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, get


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mdemo") / "demo.sqlite"
    generate(path, lots=300, machines=40, seed=5, history_days=1)
    return path


@pytest.fixture()
def client(demo_db: Path, tmp_path: Path) -> Iterator[FlaskClient]:
    """A fresh app (its own metrics) over snapshots built once."""
    environ = {"MES_ENV": "test", "MES_DEMO_DB": str(demo_db), "MES_DEMO_SIMULATE": "false"}
    services = build_services(load_settings(environ, env_file=None))
    assert services.refresh_all() == {"wip": "built", "resource": "built"}
    (tmp_path / "index.html").write_text("<!doctype html><title>MES</title>")
    app = create_app(services.settings, services, start_background=False, dist=tmp_path)
    yield app.test_client()
    services.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value (0 when absent)."""
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_rule_status_and_retry(client: FlaskClient) -> None:
    for _ in range(3):
        client.get("/api/v1/datasets/nope")
    client.get("/health/live", headers={"X-Retry-Attempt": "2"})
    client.get("/health/live", headers={"X-Retry-Attempt": "0"})
    text = client.get("/metrics").get_data(as_text=True)
    rule = "/api/v1/datasets/<name>"
    assert value(text, "mes_http_requests_total", route=rule, method="GET", status="404") == 3
    assert value(text, "mes_http_requests_total", route="/health/live", method="GET", status="200")
    assert value(text, "mes_http_retries_total", route="/health/live") == 1
    assert (
        value(
            text, "mes_http_request_duration_seconds_count", route=rule, method="GET", status="404"
        )
        == 3
    )
    assert not any("/nope" in str(key) for key in samples(text))


def test_gauges_and_refresh_outcomes_come_from_the_services(client: FlaskClient) -> None:
    text = client.get("/metrics").get_data(as_text=True)
    assert value(text, "mes_refresh_total", dataset="wip", result="built") == 1
    assert value(text, "mes_snapshot_rows", dataset="resource") > 0
    assert value(text, "mes_dataset_degraded", dataset="wip") == 0
    assert value(text, "mes_refresh_interval_seconds", dataset="wip") == 60
    assert 0 <= value(text, "mes_snapshot_age_seconds", dataset="wip") < 3600


def test_breaker_transitions_and_state_are_exported() -> None:
    metrics, clock = Metrics(("wip",)), FakeClock()
    breaker = Breaker(backoff_s=1, clock=clock)
    breaker.on_transition.append(metrics.breaker_listener("redis"))
    breaker.fail(OSError("down"))
    breaker.fail(OSError("still down"))
    clock.advance(5)
    assert breaker.allow()
    breaker.succeed()
    metrics.set_breaker("redis", breaker.state())
    text = metrics.render().decode()
    assert value(text, "mes_breaker_transitions_total", dependency="redis", to="open") == 1
    assert value(text, "mes_breaker_transitions_total", dependency="redis", to="half_open") == 1
    assert value(text, "mes_breaker_transitions_total", dependency="redis", to="closed") == 1
    assert value(text, "mes_breaker_state", dependency="redis", state="closed") == 1
    assert value(text, "mes_breaker_state", dependency="redis", state="open") == 0


def test_pool_status_sets_gauges_and_advances_failure_counters() -> None:
    metrics = Metrics(("wip",))
    metrics.set_pool("request", {"busy": 3, "max": 4, "failures": {"pool_exhausted": 2}})
    metrics.set_pool("request", {"busy": 1, "max": 4, "failures": {"pool_exhausted": 5}})
    text = metrics.render().decode()
    assert value(text, "mes_pool_busy", pool="request") == 1
    assert value(text, "mes_pool_max", pool="request") == 4
    assert value(text, "mes_pool_failures_total", pool="request", kind="pool_exhausted") == 5


def test_metrics_text_passes_promtool(client: FlaskClient) -> None:
    client.get("/health/live")
    text = client.get("/metrics").get_data(as_text=True)
    check = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture(scope="module")
def two_workers(
    demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GunicornServer, Path]]:
    workdir = tmp_path_factory.mktemp("metrics2")
    metrics_dir = workdir / "prom"
    server = GunicornServer(
        {
            "MES_ENV": "test",
            "MES_DEMO_DB": str(demo_db),
            "MES_DEMO_SIMULATE": "false",
            "MES_WORKERS": "2",
            "MES_THREADS": "4",
            "MES_LOG_LEVEL": "WARNING",
            "MES_PAGE_REGISTRY": str(workdir / "pages.json"),
            "REDIS_URL": "",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
    )
    server.start()
    yield server, metrics_dir
    server.stop()


def live_requests_by_pid(metrics_dir: Path) -> Counter[int]:
    """Requests to /health/live each worker wrote to its own counter file."""
    by_pid: Counter[int] = Counter()
    for path in metrics_dir.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for key, count, *_ in MmapedDict.read_all_values_from_file(str(path)):
            if '"mes_http_requests_total"' in key and '"/health/live"' in key:
                by_pid[pid] += int(count)
    return by_pid


def test_the_request_counter_sums_what_both_workers_served(
    two_workers: tuple[GunicornServer, Path],
) -> None:
    server, metrics_dir = two_workers
    sent = 0

    def hit() -> None:
        with urllib.request.urlopen(server.url + "/health/live", timeout=10) as resp:
            assert resp.status == 200

    while len(live_requests_by_pid(metrics_dir)) < 2 and sent < 800:
        batch = [threading.Thread(target=hit) for _ in range(16)]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
        sent += len(batch)
    by_pid = live_requests_by_pid(metrics_dir)
    assert len(by_pid) == 2 and all(n > 0 for n in by_pid.values())
    for _ in range(4):  # whichever worker answers /metrics reports the sum
        status, _, body = get(server.url + "/metrics")
        text = body.decode()
        total = value(
            text, "mes_http_requests_total", route="/health/live", method="GET", status="200"
        )
        assert status == 200 and total == sent == sum(by_pid.values())
