"""The HTTP API on the real demo source: payloads, 304, projection, encodings, rows, errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from flask import Flask
from flask.testing import FlaskClient

from admin_session import sign_in_admin
from mes_dashboard import contracts
from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.services import Services, build_services, object_names
from mes_dashboard.snapshots.encode import decompress, read_ipc
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource

ARROW = "application/vnd.apache.arrow.stream"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    generate(path, lots=1500, machines=200, seed=7, history_days=2)
    return path


@pytest.fixture(scope="module")
def services(demo_db: Path) -> Iterator[Services]:
    settings = load_settings(
        {
            "MES_ENV": "test",
            "MES_DEMO_DB": str(demo_db),
            "MES_DEMO_SIMULATE": "false",
            "MES_ACCOUNTS_FILE": str(demo_db.with_name("accounts.json")),
            "MES_AUDIT_LOG": str(demo_db.with_name("audit.jsonl")),
        },
        env_file=None,
    )
    svc = build_services(settings)
    assert svc.refresh_all() == {"wip": "built", "resource": "built"}
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def app(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text("<!doctype html><title>MES</title>")
    return create_app(services.settings, services, start_background=False, dist=dist)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_catalogue_lists_both_datasets(client: FlaskClient) -> None:
    body = client.get("/api/v1/datasets").get_json()
    by_name = {d["name"]: d for d in body["datasets"]}
    assert set(by_name) == {"wip", "resource", "resource_history"}
    assert by_name.pop("resource_history")["kind"] == "query"  # served per request, no version
    for name, entry in by_name.items():
        assert entry["version"] and entry["rows"] > 0 and entry["generated_at"]
        assert [c["name"] for c in entry["columns"]] == [
            c["name"] for c in contracts.columns(name, "main")
        ]


@pytest.mark.parametrize("name", ["wip", "resource"])
def test_payload_is_arrow_with_snapshot_headers(client: FlaskClient, name: str) -> None:
    resp = client.get(f"/api/v1/datasets/{name}")
    assert resp.status_code == 200 and resp.content_type == ARROW
    table = read_ipc(resp.data)
    assert table.schema.remove_metadata().equals(contracts.arrow_schema(name))
    assert resp.headers["ETag"] == f'"{resp.headers["X-Snapshot-Version"]}"'
    assert "X-Degraded" not in resp.headers  # never an empty header while healthy
    assert int(resp.headers["X-Data-Age-Seconds"]) >= 0
    assert resp.headers["X-Snapshot-Generated-At"]
    assert "Content-Encoding" not in resp.headers


def test_if_none_match_gives_304_without_body(client: FlaskClient) -> None:
    etag = client.get("/api/v1/datasets/wip").headers["ETag"]
    resp = client.get("/api/v1/datasets/wip", headers={"If-None-Match": etag})
    assert resp.status_code == 304 and resp.data == b""
    assert resp.headers["ETag"] == etag
    stale = client.get("/api/v1/datasets/wip", headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200


@pytest.mark.parametrize("encoding", ["zstd", "gzip"])
def test_negotiated_encoding_decodes_to_the_identity_bytes(
    client: FlaskClient, encoding: str
) -> None:
    plain = client.get("/api/v1/datasets/wip").data
    resp = client.get("/api/v1/datasets/wip", headers={"Accept-Encoding": encoding})
    assert resp.headers["Content-Encoding"] == encoding
    assert resp.headers["Vary"] == "Accept-Encoding"
    assert decompress(resp.data, encoding) == plain
    assert int(resp.headers["X-Uncompressed-Length"]) == len(plain)


def test_column_projection(client: FlaskClient) -> None:
    full = read_ipc(client.get("/api/v1/datasets/wip").data)
    resp = client.get("/api/v1/datasets/wip?columns=QTY,LOTID", headers={"Accept-Encoding": "gzip"})
    table = read_ipc(decompress(resp.data, "gzip"))
    assert table.column_names == ["QTY", "LOTID"]
    assert table.column("LOTID").equals(full.column("LOTID"))
    etag = resp.headers["ETag"]
    assert etag != client.get("/api/v1/datasets/wip").headers["ETag"]
    again = client.get("/api/v1/datasets/wip?columns=QTY,LOTID", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_row_lookup_returns_detail_fields(client: FlaskClient) -> None:
    table = read_ipc(client.get("/api/v1/datasets/wip").data)
    lotid = table.column("LOTID")[0].as_py()
    body = client.get(f"/api/v1/datasets/wip/rows/{lotid}").get_json()
    assert body["row"]["LOTID"] == lotid
    detail_names = {c["name"] for c in contracts.columns("wip", "detail")}
    assert detail_names <= set(body["row"])
    machines = read_ipc(client.get("/api/v1/datasets/resource").data)
    counts = machines.column("LOT_COUNT").to_pylist()
    busy = machines.column("RESOURCEID")[counts.index(max(counts))].as_py()
    row = client.get(f"/api/v1/datasets/resource/rows/{busy}").get_json()["row"]
    assert len(row["lots"]) == row["LOT_COUNT"] == max(counts)


def assert_problem(resp, status: int, code: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    assert resp.status_code == status
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["code"] == code and body["status"] == status
    assert isinstance(body["retryable"], bool) and body["request_id"]
    assert "Traceback" not in resp.get_data(as_text=True)
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/datasets/nope", 404, "UNKNOWN_DATASET"),
        ("/api/v1/datasets/wip?columns=QTY,NOPE", 400, "UNKNOWN_COLUMN"),
        ("/api/v1/datasets/wip?columns=,", 400, "BAD_REQUEST"),
        ("/api/v1/datasets/wip/rows/NO-SUCH-LOT", 404, "NOT_FOUND"),
        ("/api/v1/datasets/wip/rows/" + "X" * 200, 400, "BAD_REQUEST"),
        ("/api/v1/datasets/nope/rows/x", 404, "UNKNOWN_DATASET"),
        ("/api/v2/anything", 404, "NOT_FOUND"),
        ("/no-such-page", 404, "NOT_FOUND"),
    ],
)
def test_errors_are_problem_details(client: FlaskClient, url: str, status: int, code: str) -> None:
    assert_problem(client.get(url), status, code)


def test_method_not_allowed_is_a_problem(client: FlaskClient) -> None:
    assert_problem(client.post("/api/v1/datasets/wip"), 405, "METHOD_NOT_ALLOWED")


def test_request_id_is_echoed_or_generated(client: FlaskClient) -> None:
    resp = client.get("/api/v1/datasets/nope", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["X-Request-ID"] == "abc-123" == resp.get_json()["request_id"]
    bad = client.get("/api/v1/datasets/nope", headers={"X-Request-ID": "<script>"})
    assert bad.headers["X-Request-ID"] != "<script>"


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for url in ("/", "/api/v1/datasets", "/api/v1/datasets/nope", "/health/live"):
        resp = client.get(url)
        headers = resp.headers
        resp.close()
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_health_and_metrics(client: FlaskClient, services: Services) -> None:
    assert client.get("/health/live").get_json() == {"status": "ok"}
    assert client.get("/health/ready").status_code == 200
    sign_in_admin(client, services.settings.accounts_file)
    deep = client.get("/health/deep").get_json()
    assert deep["datasets"]["wip"]["last_result"] == "built"
    assert deep["settings"]["secret_key"] == "***"
    text = client.get("/metrics").get_data(as_text=True)
    assert 'mes_source_queries_total{dataset="wip"}' in text
    assert 'mes_snapshot_rows{dataset="resource"}' in text


def test_cold_start_while_the_source_is_down_is_503_with_retry_after(tmp_path: Path) -> None:
    env = {"MES_ENV": "test", "MES_REFRESH_WIP_S": "42", "MES_AUDIT_LOG": str(tmp_path / "a")}
    settings = load_settings(env | {"MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json")}, None)
    missing = DemoSource(tmp_path / "gone.sqlite", object_names(settings))
    services = build_services(settings, source=missing)
    assert services.refresh_all() == {"wip": "failed", "resource": "failed"}
    cold = create_app(settings, services, start_background=False)
    client = cold.test_client()
    body = assert_problem(client.get("/api/v1/datasets/wip"), 503, "SNAPSHOT_UNAVAILABLE")
    assert body["retryable"] is True
    assert client.get("/api/v1/datasets/wip").headers["Retry-After"] == "42"
    assert_problem(client.get("/health/ready"), 503, "SNAPSHOT_UNAVAILABLE")
    assert client.get("/health/live").status_code == 200
    sign_in_admin(client, settings.accounts_file)
    deep = client.get("/health/deep").get_json()
    assert deep["status"] == "degraded" and deep["datasets"]["wip"]["last_result"] == "failed"


def test_a_cold_worker_holds_requests_until_its_first_refresh(demo_db: Path) -> None:
    settings = load_settings(
        {"MES_ENV": "test", "MES_DEMO_DB": str(demo_db), "MES_DEMO_SIMULATE": "false"},
        env_file=None,
    )
    services = build_services(settings)
    client = create_app(settings, services, start_background=True).test_client()
    try:
        resp = client.get("/api/v1/datasets/wip")  # sent before the first refresh ended
        assert resp.status_code == 200
    finally:
        services.close()


def test_unchanged_watermark_skips_the_rebuild(services: Services) -> None:
    before = services.store.current("wip")
    assert services.refreshers["wip"].refresh_once() == "unchanged"
    assert services.store.current("wip") is before


def test_payload_dictionary_columns_are_dictionary_encoded(client: FlaskClient) -> None:
    table = read_ipc(client.get("/api/v1/datasets/wip").data)
    assert pa.types.is_dictionary(table.schema.field("PACKAGE_LEF").type)


def test_pages_and_ui_config(client: FlaskClient) -> None:
    pages = client.get("/api/v1/pages").get_json()
    ids = {p["id"] for p in pages["pages"]}
    assert {"wip-overview", "equipment-status", "equipment-history", "operations"} <= ids
    ui = client.get("/api/v1/ui-config").get_json()
    assert ui["refresh_s"] == {"wip": 600, "resource": 300}
    assert ui["plant_tz"] == "Asia/Taipei"


def test_a_worker_without_a_snapshot_waits_for_its_next_refresh(demo_db: Path) -> None:
    settings = load_settings(
        {"MES_ENV": "test", "MES_DEMO_DB": str(demo_db), "MES_DEMO_SIMULATE": "false"},
        env_file=None,
    )
    services = build_services(settings)
    try:
        # A follower whose first cycle found no shared snapshot (the leader had not published yet).
        services.refreshers["wip"].attempts = 1
        app = create_app(settings, services, start_background=False)
        later = threading.Timer(0.3, services.refreshers["wip"].refresh_once)
        later.start()
        response = app.test_client().get("/api/v1/datasets/wip")
        # Served from the snapshot the later refresh built: the request waited for that cycle.
        assert response.status_code == 200
        assert services.refreshers["wip"].attempts == 2
        later.join()
    finally:
        services.close()


def test_a_wrong_method_is_a_problem_naming_the_allowed_methods(client: FlaskClient) -> None:
    resp = client.post("/api/v1/datasets")
    assert_problem(resp, 405, "METHOD_NOT_ALLOWED")
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS"}
