"""contracts/openapi.json against the app: every route documented, every documented path routed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from mes_dashboard import contracts
from mes_dashboard.app import create_app
from mes_dashboard.config import load_settings
from mes_dashboard.errors import PROBLEM_CONTENT_TYPE, error_codes
from mes_dashboard.services import build_services, object_names
from mes_dashboard.sources.demo.source import DemoSource

AUTOMATIC = {"HEAD", "OPTIONS"}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
SPEC: dict[str, Any] = contracts.load("openapi")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    settings = load_settings({"MES_ENV": "test"}, env_file=None)
    gone = tmp_path_factory.mktemp("gone") / "demo.sqlite"
    services = build_services(settings, source=DemoSource(gone, object_names(settings)))
    yield create_app(settings, services, start_background=False)
    services.close()


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: <name> and <path:key> become {name} and {key}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def routed(app: Flask) -> set[tuple[str, str]]:
    return {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - AUTOMATIC
    }


def documented() -> set[tuple[str, str]]:
    return {(path, m) for path, item in SPEC["paths"].items() for m in item if m in METHODS}


def test_every_route_is_documented(app: Flask) -> None:
    assert routed(app) - documented() == set()


def test_every_documented_operation_is_routed(app: Flask) -> None:
    adapter = app.url_map.bind("localhost")

    def served(path: str, method: str) -> bool:
        # a concrete path (resource_history) is served by a rule with a variable (<name>)
        if "{" in path:
            return False
        try:
            adapter.match(path, method.upper())
        except HTTPException:
            return False
        return True

    unrouted = documented() - routed(app)
    assert {(p, m) for p, m in unrouted if not served(p, m)} == set()


def test_it_is_openapi_3_1_with_path_parameters_declared() -> None:
    assert SPEC["openapi"].startswith("3.1.")
    for path, item in SPEC["paths"].items():
        for method, op in ((m, o) for m, o in item.items() if m in METHODS):
            declared = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
            assert declared == set(re.findall(r"{([^}]+)}", path)), (path, method)


def test_problem_codes_are_the_error_contract() -> None:
    codes = SPEC["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    assert codes == list(error_codes())


def test_every_error_response_is_a_problem_with_its_codes_in_the_contract() -> None:
    codes = error_codes()
    for path, item in SPEC["paths"].items():
        for method, op in ((m, o) for m, o in item.items() if m in METHODS):
            for status, response in op["responses"].items():
                if int(status) < 400:
                    continue
                content = response["content"]
                assert list(content) == [PROBLEM_CONTENT_TYPE], (path, method, status)
                named = re.findall(r"[A-Z][A-Z_]+[A-Z]", response["description"])
                assert named, (path, status)
                assert all(codes[c].status == int(status) for c in named), (path, status, named)
                if any(codes[c].retryable for c in named):
                    assert "Retry-After" in response["headers"], (path, status)
