"""The dataset registry, the catalogue it serves and `contracts/fields.json` agree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from mes_dashboard import contracts
from mes_dashboard.app import create_app
from mes_dashboard.config import Settings, _env_name
from mes_dashboard.datasets import REGISTRY, refreshed, served_queries
from mes_dashboard.services import build_services
from mes_dashboard.sources.base import OBJECTS, WATERMARKS
from table_source import TableSource

FIELDS: dict[str, dict[str, Any]] = contracts.load("fields")["datasets"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    services = build_services(Settings(env="test"), source=TableSource())
    assert set(services.refresh_all().values()) == {"built"}
    dist = tmp_path_factory.mktemp("dist")
    yield create_app(services.settings, services, start_background=False, dist=dist).test_client()
    services.close()


def test_registry_names_the_contract_datasets_in_order() -> None:
    assert list(REGISTRY) == contracts.dataset_names()
    assert all(name == spec.name for name, spec in REGISTRY.items())


@pytest.mark.parametrize("name", list(FIELDS))
def test_each_spec_matches_its_contract_entry(name: str) -> None:
    spec, entry = REGISTRY[name], FIELDS[name]
    assert spec.kind == entry["kind"]
    assert spec.key == entry["key"]
    assert set(spec.sources) <= set(OBJECTS)
    assert getattr(Settings(), OBJECTS[spec.sources[0]]) == entry["source"]
    mark = spec.watermark
    assert (mark.column if mark else None) == entry.get("watermark")
    if mark is not None:
        assert WATERMARKS[mark.object] == mark.column and mark.object in spec.sources


@pytest.mark.parametrize("spec", REGISTRY.values(), ids=list(REGISTRY))
def test_a_snapshot_declares_its_build_and_intervals_a_query_its_parameters(spec: Any) -> None:
    if spec.kind == "snapshot":
        assert spec.build is not None and not spec.parameters
        upper = spec.name.upper()
        assert _env_name(spec.refresh_setting) == f"MES_REFRESH_{upper}_S"
        assert _env_name(spec.poll_setting) == f"MES_UI_REFRESH_{upper}_S"
        assert spec.refresh_s(Settings()) > 0 and spec.poll_s(Settings()) > 0
    else:
        assert spec.build is None and spec.parameters
        assert spec.refresh_setting is None and spec.poll_setting is None


def test_catalogue_serves_every_snapshot_dataset_as_the_contract_declares_it(
    client: FlaskClient,
) -> None:
    body = client.get("/api/v1/datasets").get_json()
    by_name = {entry["name"]: entry for entry in body["datasets"]}
    snapshots = [name for name, entry in FIELDS.items() if entry["kind"] == "snapshot"]
    queries = [name for name, entry in FIELDS.items() if entry["kind"] == "query"]
    assert list(by_name) == snapshots + queries
    assert snapshots == [spec.name for spec in refreshed()]
    assert queries == [spec.name for spec in served_queries()]
    for name in queries:
        entry, spec = by_name.pop(name), REGISTRY[name]
        assert entry["kind"] == "query" and entry["key"] is None and entry["watermark"] is None
        assert entry["sources"] == list(spec.sources)
        assert [p["name"] for p in entry["parameters"]] == [p.name for p in spec.parameters]
    for name, entry in by_name.items():
        spec = REGISTRY[name]
        assert entry["kind"] == FIELDS[name]["kind"] == spec.kind
        assert entry["key"] == FIELDS[name]["key"] == spec.key
        assert entry["sources"] == list(spec.sources)
        assert getattr(Settings(), OBJECTS[entry["sources"][0]]) == FIELDS[name]["source"]
        assert entry["watermark"]["column"] == FIELDS[name]["watermark"]
        assert entry["version"] and entry["rows"] > 0


def test_ui_config_polls_every_served_snapshot_dataset(client: FlaskClient) -> None:
    ui = client.get("/api/v1/ui-config").get_json()
    assert set(ui["refresh_s"]) == {spec.name for spec in refreshed()}
    assert set(ui["deadline_ms"]) == {spec.name for spec in served_queries()}


def test_a_query_dataset_gets_no_refresher_and_is_served_per_request(
    client: FlaskClient,
) -> None:
    assert [spec.name for spec in REGISTRY.values() if spec.status == "dev"] == []
    assert [spec.name for spec in served_queries()] == ["resource_history"]
    assert "resource_history" not in client.application.extensions["mes_services"].refreshers
    resp = client.get("/api/v1/datasets/resource_history")
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "start"
    resp = client.get("/api/v1/datasets/nope")
    assert resp.status_code == 404 and resp.get_json()["code"] == "UNKNOWN_DATASET"
    assert "resource_history" not in client.get("/health/deep").get_json()["datasets"]


def test_the_builder_lot_list_is_the_contract_detail_list() -> None:
    from mes_dashboard.datasets.resource import lot_columns

    lots = FIELDS["resource"]["detail_lists"]["lots"]
    assert lot_columns() == tuple(c["name"] for c in lots)
