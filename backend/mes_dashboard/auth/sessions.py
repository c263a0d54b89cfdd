"""Session content and expiry: who signed in, when, when last seen, and the CSRF token.

The content travels in the signed session cookie (api/ handles the cookie); this module decides
whether a session is still valid: idle expiry since the last request, absolute expiry since
sign-in, both against an injected clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mes_dashboard.auth.csrf import new_csrf_token

ROLES = frozenset({"admin", "user"})


@dataclass(frozen=True)
class Identity:
    """A signed-in user."""

    username: str
    role: str
    source: str

    @property
    def is_admin(self) -> bool:
        """True for the admin role."""
        return self.role == "admin"


@dataclass(frozen=True)
class SessionPolicy:
    """Idle and absolute lifetimes in seconds, and the clock they are measured with."""

    idle_s: float
    absolute_s: float
    clock: Callable[[], float] = time.time

    def anonymous(self) -> dict[str, Any]:
        """A session with only a CSRF token (for sign-in itself)."""
        return {"csrf": new_csrf_token()}

    def signed_in(self, identity: Identity) -> dict[str, Any]:
        """A fresh session for `identity` (a new CSRF token, so nothing carries over)."""
        now = self.clock()
        return {
            "csrf": new_csrf_token(),
            "user": identity.username,
            "role": identity.role,
            "source": identity.source,
            "issued": now,
            "seen": now,
        }

    def identity(self, data: Mapping[str, Any]) -> Identity | None:
        """The session's user while neither lifetime has run out, else None."""
        user, role = data.get("user"), data.get("role")
        issued, seen = data.get("issued"), data.get("seen")
        if not isinstance(user, str) or role not in ROLES:
            return None
        if not isinstance(issued, int | float) or not isinstance(seen, int | float):
            return None
        now = self.clock()
        if now - seen >= self.idle_s or now - issued >= self.absolute_s:
            return None
        return Identity(user, str(role), str(data.get("source", "")))

    def seen_now(self) -> float:
        """The time to store as the last request."""
        return self.clock()
