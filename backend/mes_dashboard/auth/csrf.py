"""CSRF tokens: one random token per session, compared in constant time."""

from __future__ import annotations

import hmac
import secrets

MUTATIONS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def new_csrf_token() -> str:
    """A fresh unguessable token."""
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """True when both are present and equal."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
