"""Sync on the real app and demo source: content versions answer 304 across refreshes, deltas on
`?since=` for retained bases, full snapshots otherwise, and a malformed `since` is refused."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from lot_changes import change_lots
from mes_dashboard import contracts
from mes_dashboard.api.metrics import render_metrics
from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.services import Services, build_services
from mes_dashboard.snapshots.delta import apply_delta, delta_metadata
from mes_dashboard.snapshots.encode import decompress, read_ipc
from mes_dashboard.sources.demo.generator import generate

WIP = "/api/v1/datasets/wip"
App = Callable[..., tuple[Services, FlaskClient]]


@pytest.fixture(scope="module")
def pristine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sync") / "demo.sqlite"
    generate(path, lots=1200, machines=150, seed=17, history_days=1)
    return path


@pytest.fixture()
def make_app(pristine_db: Path, tmp_path: Path) -> Iterator[App]:
    """An app over a private copy of the demo database, refreshed once (no background)."""
    made: list[Services] = []

    def make(**env: str) -> tuple[Services, FlaskClient]:
        db = tmp_path / "demo.sqlite"
        shutil.copy(pristine_db, db)
        base = {
            "MES_ENV": "test",
            "MES_DEMO_DB": str(db),
            "MES_DEMO_SIMULATE": "false",
            "MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json"),
            "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        }
        settings = load_settings(base | env, env_file=None)
        services = build_services(settings)
        made.append(services)
        assert services.refresh_all() == {"wip": "built", "resource": "built"}
        app = create_app(settings, services, start_background=False)
        return services, app.test_client()

    yield make
    for services in made:
        services.close()


def version(client: FlaskClient, url: str = WIP) -> str:
    return client.get(url).headers["X-Snapshot-Version"]


def test_an_unchanged_source_answers_304_on_both_datasets_across_a_refresh(make_app: App) -> None:
    services, client = make_app()
    urls = {name: f"/api/v1/datasets/{name}" for name in ("wip", "resource")}
    tags = {name: client.get(url).headers["ETag"] for name, url in urls.items()}
    later = datetime.now(UTC) + timedelta(minutes=7)
    for refresher in services.refreshers.values():
        refresher.clock = lambda: later
    # resource is rebuilt every cycle; the same content keeps its version and only its time moves
    assert services.refresh_all() == {"wip": "unchanged", "resource": "unchanged"}
    for name, url in urls.items():
        resp = client.get(url, headers={"If-None-Match": tags[name]})
        assert resp.status_code == 304, name
        assert resp.headers["ETag"] == tags[name]
    resource = client.get(urls["resource"], headers={"If-None-Match": tags["resource"]})
    stamp = datetime.fromisoformat(resource.headers["X-Snapshot-Time"])
    assert stamp == later.replace(microsecond=0)  # the confirmed time, on the 304 as well
    full = client.get(urls["resource"])
    assert datetime.fromisoformat(full.headers["X-Snapshot-Time"]) == stamp
    body_time = read_ipc(full.data).schema.metadata[b"snapshot_time"].decode()
    assert datetime.fromisoformat(body_time) < later  # the body keeps its first build's time
    catalogue = {d["name"]: d for d in client.get("/api/v1/datasets").get_json()["datasets"]}
    assert datetime.fromisoformat(catalogue["resource"]["snapshot_time"]) == later


def test_a_version_is_16_hex_digits_and_moves_only_with_the_content(make_app: App) -> None:
    services, client = make_app()
    first = version(client)
    assert len(first) == 16 and int(first, 16) >= 0
    change_lots(services.settings.demo_db, changed=3)
    assert services.refreshers["wip"].refresh_once() == "built"
    assert version(client) != first


def test_a_retained_base_gets_a_delta_that_applies_to_the_full_snapshot(make_app: App) -> None:
    services, client = make_app()
    old = client.get(WIP)
    a = old.headers["X-Snapshot-Version"]
    assert old.headers["X-Payload"] == "full"
    change_lots(services.settings.demo_db, changed=5, removed=2, added=3)
    assert services.refreshers["wip"].refresh_once() == "built"
    full = client.get(WIP)
    b = full.headers["X-Snapshot-Version"]
    resp = client.get(f"{WIP}?since={a}", headers={"If-None-Match": f'"{a}"'})
    assert resp.status_code == 200
    assert resp.headers["X-Payload"] == "delta" and resp.headers["X-Delta-Base"] == a
    assert resp.headers["X-Snapshot-Version"] == b and resp.headers["ETag"] == f'"{b}"'
    assert resp.headers["X-Uncompressed-Length"] == str(len(resp.data))
    assert len(resp.data) < len(full.data) / 10
    key = contracts.dataset("wip")["key"]
    before = {r[key]: r for r in read_ipc(old.data).to_pylist()}
    after = {r[key]: r for r in read_ipc(full.data).to_pylist()}
    # the 5 changed and 3 added lots, and lots whose hold hours moved with the snapshot time
    fresh = sorted(k for k, r in after.items() if before.get(k) != r)
    assert 8 <= len(fresh) < len(after) / 5
    delta = read_ipc(resp.data)
    meta = delta_metadata(delta)
    assert delta[key].to_pylist() == fresh and meta["delta_upserts"] == str(len(fresh))
    assert json.loads(meta["delta_removed"]) == sorted(set(before) - set(after))
    assert len(json.loads(meta["delta_removed"])) == 2
    got = apply_delta(read_ipc(old.data), resp.data, key)
    want = read_ipc(full.data)
    assert got.schema.equals(want.schema)  # every column and type, the metadata of B
    for name in want.column_names:
        assert got[name].to_pylist() == want[name].to_pylist(), name
    zstd = client.get(f"{WIP}?since={a}", headers={"Accept-Encoding": "zstd"})
    assert zstd.headers["Content-Encoding"] == "zstd" and zstd.headers["X-Payload"] == "delta"
    assert decompress(zstd.data, "zstd") == resp.data
    # the current version named: nothing to send, with or without If-None-Match
    assert client.get(f"{WIP}?since={b}").status_code == 304
    metrics = render_metrics(services)
    assert 'mes_snapshot_payloads_total{dataset="wip",payload="delta"} 2.0' in metrics


def test_a_base_no_longer_retained_or_unknown_gets_the_full_snapshot(make_app: App) -> None:
    services, client = make_app(MES_DELTA_BASES="1")
    a = version(client)
    change_lots(services.settings.demo_db, changed=2)
    assert services.refreshers["wip"].refresh_once() == "built"
    b = version(client)
    change_lots(services.settings.demo_db, changed=4)
    assert services.refreshers["wip"].refresh_once() == "built"
    c = client.get(WIP)
    assert client.get(f"{WIP}?since={b}").headers["X-Payload"] == "delta"
    for since in (a, "0123456789abcdef", "x"):  # a fell off the retained versions
        resp = client.get(f"{WIP}?since={since}")
        assert resp.status_code == 200 and resp.headers["X-Payload"] == "full", since
        assert resp.data == c.data and "X-Delta-Base" not in resp.headers


def test_a_delta_above_the_share_is_not_kept(make_app: App) -> None:
    services, client = make_app(MES_DELTA_MAX_SHARE="0.001")
    a = version(client)
    change_lots(services.settings.demo_db, changed=5)
    assert services.refreshers["wip"].refresh_once() == "built"
    resp = client.get(f"{WIP}?since={a}")
    assert resp.headers["X-Payload"] == "full" and resp.data == client.get(WIP).data


def test_no_deltas_when_turned_off(make_app: App) -> None:
    services, client = make_app(MES_DELTA_BASES="0")
    a = version(client)
    change_lots(services.settings.demo_db, changed=1)
    assert services.refreshers["wip"].refresh_once() == "built"
    assert client.get(f"{WIP}?since={a}").headers["X-Payload"] == "full"
    assert services.store.bases("wip") == []


@pytest.mark.parametrize("since", ["a" * 65, "a/b", "v 1", "ab%22", "版本"])
def test_a_malformed_since_is_a_bad_request(make_app: App, since: str) -> None:
    _, client = make_app()
    resp = client.get(WIP, query_string={"since": since})
    assert resp.status_code == 400
    problem = resp.get_json()
    assert problem["code"] == "BAD_REQUEST" and "since" in problem["detail"]


def test_since_is_ignored_with_a_projection(make_app: App) -> None:
    services, client = make_app()
    a = version(client)
    change_lots(services.settings.demo_db, changed=2)
    assert services.refreshers["wip"].refresh_once() == "built"
    resp = client.get(f"{WIP}?since={a}&columns=LOTID,QTY")
    assert resp.status_code == 200 and resp.headers["X-Payload"] == "full"
    assert "X-Delta-Base" not in resp.headers
    assert read_ipc(resp.data).column_names == ["LOTID", "QTY"]
