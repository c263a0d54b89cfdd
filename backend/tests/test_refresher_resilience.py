"""The refresher under failure: the database breaker reached through the source, backoff while
it is open, a loop that survives every Exception, and /health/live failing on a dead thread."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from admin_session import sign_in_admin
from fake_clock import FakeClock
from mes_dashboard.app import create_app
from mes_dashboard.config import Settings, load_settings
from mes_dashboard.datasets.refresher import Refresher
from mes_dashboard.resilience.breaker import Breaker, CircuitOpen
from mes_dashboard.resilience.db_errors import DbError, DbErrorKind
from mes_dashboard.services import build_services
from mes_dashboard.snapshots.store import MemoryStore
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.guarded import GuardedSource
from mes_dashboard.sources.history_filter import HistoryFilter
from table_source import RULES, TableSource


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate(path, lots=800, machines=100, seed=5, history_days=1)
    return path


def demo_settings(db: Path, faults: Path, **env: str) -> Settings:
    base = {"MES_ENV": "test", "MES_DEMO_DB": str(db), "MES_DEMO_SIMULATE": "false"}
    return load_settings(base | {"MES_DEMO_FAULTS": str(faults)} | env, env_file=None)


def test_the_breaker_opens_on_an_unavailable_source_for_refreshers_and_queries(
    demo_db: Path, tmp_path: Path
) -> None:
    faults = tmp_path / "faults.json"
    settings = demo_settings(demo_db, faults, MES_BREAKER_THRESHOLD="2")
    services = build_services(settings)
    assert services.refresh_all() == {"wip": "built", "resource": "built"}
    faults.write_text(json.dumps({"unavailable": True}))
    wip = services.refreshers["wip"]
    assert wip.refresh_once() == "failed" and "DB_UNAVAILABLE" in wip.state.last_error
    assert wip.refresh_once() == "failed"
    breaker = services.breakers["database"]
    assert breaker.state() == "open"
    sent = wip.state.source_queries
    assert wip.refresh_once() == "failed" and "CIRCUIT_OPEN" in wip.state.last_error
    assert wip.state.source_queries == sent  # refused by the breaker: never reached the source
    degraded = services.store.degraded("wip")
    assert degraded is not None and degraded.reason == "source-unavailable"
    assert degraded.code == "DB_UNAVAILABLE"  # the open circuit keeps the cause
    with pytest.raises(CircuitOpen) as refused:  # any route using services.source
        services.source.fetch_history(HistoryFilter(date(2026, 1, 1), date(2026, 1, 2)))
    assert refused.value.status == 503 and refused.value.spec.code == "CIRCUIT_OPEN"
    assert 0 < refused.value.retry_after <= settings.breaker_open_s * (1 + settings.breaker_jitter)
    assert breaker.remaining_s() <= wip.next_delay_s() <= wip.interval_s * 1.1
    services.close()


class FailingSource(TableSource):
    """Unavailable while `down`."""

    down = True

    def watermark(self, obj: str) -> object:  # type: ignore[override]
        if self.down:
            raise DbError(DbErrorKind.UNAVAILABLE, "DPY-6005", retry_after=1.0)
        return super().watermark(obj)


def test_backoff_grows_per_failure_waits_for_the_probe_and_stays_within_the_interval() -> None:
    clock = FakeClock()
    breaker = Breaker("database", threshold=3, backoff_s=12.0, backoff_cap_s=100.0, clock=clock)
    source = GuardedSource(FailingSource(), breaker)
    refresher = Refresher(
        "wip", source, MemoryStore(), RULES, 60.0, breaker=breaker, retry_s=2.0, rng=lambda: 0.0
    )
    assert refresher.next_delay_s() == 60.0
    delays = []
    for _ in range(3):
        assert refresher.refresh_once() == "failed"
        delays.append(refresher.next_delay_s())
    assert delays == [2.0, 4.0, 12.0]  # the third failure opened the circuit for 12 s
    clock.advance(12.0)
    for _ in range(3):
        refresher.refresh_once()
        delays.append(refresher.next_delay_s())
    assert delays[3:] == [24.0, 32.0, 60.0]  # reopened for 24 s; then the interval caps it
    refresher.rng = lambda: 1.0
    assert refresher.next_delay_s() == pytest.approx(66.0)  # at most 10% jitter
    source.inner.down = False  # type: ignore[attr-defined]
    clock.advance(100.0)
    assert refresher.refresh_once() == "built" and refresher.next_delay_s() == 60.0


class Fatal(BaseException):
    """What no loop should swallow (like SystemExit)."""


class CrashingStore(MemoryStore):
    """`try_lead` raises outside the refresher's guarded block once, then works."""

    crashes = 1

    def try_lead(self, dataset: str) -> bool:
        if self.crashes:
            self.crashes -= 1
            raise RuntimeError("a bug outside the build")
        return True


def test_the_loop_survives_any_exception_and_a_dead_thread_fails_live(tmp_path: Path) -> None:
    store = CrashingStore()
    refresher = Refresher("wip", TableSource(), store, RULES, 0.01, retry_s=0.01)
    stop = threading.Event()
    loop = threading.Thread(target=refresher.run, args=(stop,))
    loop.start()
    assert refresher.wait_attempt_after(1, 5.0)
    assert store.current("wip") is not None and refresher.state.failures_total == 1
    stop.set()
    loop.join(5)

    class FatalSource(TableSource):
        def watermark(self, obj: str) -> object:  # type: ignore[override]
            raise Fatal

    env = {"MES_ENV": "test", "MES_DEMO_SIMULATE": "false"}
    env |= {"MES_ACCOUNTS_FILE": str(tmp_path / "a.json"), "MES_AUDIT_LOG": str(tmp_path / "a.log")}
    settings = load_settings(env, env_file=None)
    services = build_services(settings, source=FatalSource())
    client = create_app(settings, services, start_background=False).test_client()
    sign_in_admin(client, settings.accounts_file)
    assert client.get("/health/live").status_code == 200
    services.start()
    for t in services.threads:
        t.join(5)
    resp = client.get("/health/live")
    assert resp.status_code == 503 and resp.get_json()["code"] == "REFRESHER_STOPPED"
    assert "refresh-wip" in resp.get_json()["detail"]
    deep = client.get("/health/deep").get_json()
    assert {p["problem"] for p in deep["problems"]} >= {"refresher-stopped"}
    services.close()


def test_a_build_that_breaks_after_the_fetch_is_caught_and_reported() -> None:
    class BadQty(TableSource):
        def fetch(self, obj: str) -> pa.Table:
            table = super().fetch(obj)
            if obj == "lot":
                at = table.schema.get_field_index("QTY")
                return table.set_column(at, "QTY", pa.array(["x"] * table.num_rows))
            return table

    store = MemoryStore()
    refresher = Refresher("wip", BadQty(), store, RULES, 60.0)
    assert refresher.refresh_once() == "failed"
    degraded = store.degraded("wip")
    assert degraded is not None and degraded.reason == "build-failed"
    assert degraded.header().startswith("build-failed; since=")
