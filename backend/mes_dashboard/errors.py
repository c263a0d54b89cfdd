"""Error codes and the single error body (RFC 9457 problem details).

    Exception
     └── ApiError                 code from contracts/errors.json -> status, retryable, title
          ├── raised by api/ for bad input (BAD_REQUEST, UNKNOWN_DATASET, UNKNOWN_COLUMN, ...)
          └── raised by sources/resilience for infrastructure (DB_*, CIRCUIT_OPEN, ...)

`problem_body()` is the only place that shapes an error response; the app turns every exception
(including Werkzeug's HTTP errors and unexpected ones) into it, so no stack trace ever leaves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mes_dashboard import contracts

PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ErrorCode:
    """One entry of contracts/errors.json."""

    code: str
    status: int
    retryable: bool
    title: str


def error_codes() -> dict[str, ErrorCode]:
    """All error codes by name."""
    raw: dict[str, dict[str, Any]] = contracts.load("errors")["codes"]
    return {
        name: ErrorCode(name, int(v["status"]), bool(v["retryable"]), str(v["title"]))
        for name, v in raw.items()
    }


class ApiError(Exception):
    """An error with a contract code; `retry_after` in seconds for retryable ones."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        retry_after: float | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        spec = error_codes().get(code)
        if spec is None:
            raise KeyError(f"error code {code!r} is not in contracts/errors.json")
        super().__init__(detail or spec.title)
        self.spec = spec
        self.detail = detail or spec.title
        self.retry_after = retry_after
        self.extra = extra or {}

    @property
    def status(self) -> int:
        """The HTTP status of this error's code."""
        return self.spec.status


def problem_body(error: ApiError, request_id: str, instance: str = "") -> dict[str, Any]:
    """The RFC 9457 body for an error."""
    body: dict[str, Any] = {
        "type": f"urn:mes-dashboard:error:{error.spec.code.lower()}",
        "title": error.spec.title,
        "status": error.spec.status,
        "detail": error.detail,
        "code": error.spec.code,
        "retryable": error.spec.retryable,
        "request_id": request_id,
    }
    if instance:
        body["instance"] = instance
    if error.retry_after is not None:
        body["retry_after_s"] = retry_after_header(error.retry_after)
    body.update(error.extra)
    return body


def retry_after_header(seconds: float) -> int:
    """Retry-After as whole seconds, never below 1."""
    return max(1, math.ceil(seconds))
