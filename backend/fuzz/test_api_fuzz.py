"""schemathesis on contracts/openapi.json against the real app (served on a free port, demo source).

Every generated request must answer without a 5xx, conform to its documented responses, and
every error must be application/problem+json whose code is in contracts/errors.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from schemathesis import Case, CheckContext
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mes_dashboard import contracts
from mes_dashboard.errors import PROBLEM_CONTENT_TYPE, error_codes
from testkit.app_server import running_app


@schemathesis.check
def errors_are_problems(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every error answer is a problem with a documented code and the status of that code."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type == PROBLEM_CONTENT_TYPE, f"{response.status_code} as {content_type!r}"
    body = json.loads(response.content)
    spec = error_codes().get(body.get("code"))
    assert spec is not None, f"undocumented code {body.get('code')!r}"
    assert spec.status == response.status_code == body["status"]
    return True


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("fuzz"), lots=300, machines=40) as app:
        yield app.url


schema = schemathesis.openapi.from_dict(contracts.load("openapi"))


# well-formed input that is still refused on meaning: a projection naming a column the dataset
# lacks (400 UNKNOWN_COLUMN); a history range over 730 days, end before start, or a workcenter
# group or family the resource snapshot does not know (400 INVALID_PARAMETER)
SEMANTIC_400 = {"GET /api/v1/datasets/{name}", "GET /api/v1/datasets/resource_history"}


@schema.parametrize()
def test_api(case: Case, base_url: str) -> None:
    excluded = [positive_data_acceptance] if case.operation.label in SEMANTIC_400 else []
    case.call_and_validate(base_url=base_url, excluded_checks=excluded)
