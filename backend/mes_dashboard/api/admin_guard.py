"""The admin guard used until sign-in is wired: every request is answered 401."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from mes_dashboard.errors import ApiError


def deny_all(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap `view` so that it always answers 401 problem details."""

    @wraps(view)
    def denied(*args: Any, **kwargs: Any) -> Any:
        raise ApiError("UNAUTHORIZED", "admin sign-in is required")

    return denied
