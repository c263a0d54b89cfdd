"""The real gunicorn server (deploy/gunicorn.conf.py) on a free port, on the demo source."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyarrow as pa
import pytest

from mes_dashboard.sources.demo.generator import generate
from testkit.app_server import GunicornServer, get


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GunicornServer]:
    db = tmp_path_factory.mktemp("gdemo") / "demo.sqlite"
    generate(db, lots=1000, machines=150, seed=3, history_days=1)
    srv = GunicornServer(
        {
            "MES_ENV": "test",
            "MES_DEMO_DB": str(db),
            "MES_WORKERS": "2",
            "MES_THREADS": "4",
            "MES_DEMO_TICK_SECONDS": "1",
        }
    )
    srv.start()
    yield srv
    srv.stop()


def test_gunicorn_serves_arrow_and_health(server: GunicornServer) -> None:
    status, headers, body = get(server.url + "/api/v1/datasets/wip")
    assert status == 200
    assert headers["Content-Type"] == "application/vnd.apache.arrow.stream"
    table = pa.ipc.open_stream(pa.py_buffer(body)).read_all()
    assert table.num_rows > 0
    assert get(server.url + "/health/live")[0] == 200
    status, _, body = get(server.url + "/api/v1/datasets/nope")
    assert status == 404 and json.loads(body)["code"] == "UNKNOWN_DATASET"


def test_gunicorn_serves_the_page(server: GunicornServer) -> None:
    status, headers, body = get(server.url + "/")
    assert status == 200
    assert body.lower().startswith(b"<!doctype html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
