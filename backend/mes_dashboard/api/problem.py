"""The one problem-details response of an ApiError (RFC 9457 body, Retry-After header)."""

from __future__ import annotations

import json

from flask import Response, g, request

from mes_dashboard.errors import PROBLEM_CONTENT_TYPE, ApiError, problem_body, retry_after_header


def problem_response(error: ApiError) -> Response:
    """The response for `error` in the current request."""
    rid = getattr(g, "request_id", "")
    resp = Response(status=error.status, content_type=PROBLEM_CONTENT_TYPE)
    resp.set_data(json.dumps(problem_body(error, rid, request.path), ensure_ascii=False))
    if error.retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after_header(error.retry_after))
    return resp
