"""Who is asking: the signed session cookie read into an identity (only by the views that ask,
so snapshot responses do not vary by cookie), the CSRF check on every mutation, the admin guard
other blueprints wrap their views with, and the audit of admin actions.

    guard = app.extensions["mes_admin_guard"]     # Callable[[View], View]
    @bp.post("/api/v1/admin/restart")
    @guard
    def restart() -> Response: ...

A guarded view answers 401 `UNAUTHORIZED` without a valid session, 403 `FORBIDDEN` for a
non-admin and 403 `CSRF_FAILED` for a mutation without the session's `X-CSRF-Token`.
`app.extensions["mes_audit"]` is `audit(action, target, result, reason="")`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, g, request, session

from mes_dashboard.auth.audit import AuditEntry, AuditLog
from mes_dashboard.auth.csrf import MUTATIONS, csrf_matches
from mes_dashboard.auth.gatekeeper import RequestContext
from mes_dashboard.auth.sessions import Identity, SessionPolicy
from mes_dashboard.errors import ApiError

View = TypeVar("View", bound=Callable[..., Any])
CSRF_HEADER = "X-CSRF-Token"
SESSION_KEYS = ("user", "role", "source", "issued", "seen")


class Access:
    """Session identity, CSRF and the admin guard for one app."""

    def __init__(self, policy: SessionPolicy, audit_log: AuditLog) -> None:
        self.policy = policy
        self.audit_log = audit_log

    def install(self, app: Flask) -> None:
        """Read the session and check CSRF before every request; publish the guard."""
        app.before_request(self._check_csrf)
        app.extensions["mes_admin_guard"] = self.admin_required
        app.extensions["mes_audit"] = self.audit

    def identity(self) -> Identity | None:
        """The signed-in user of this request, or None (read once; marks the session as seen)."""
        if "identity" not in g:
            g.identity = self._load_identity()
        return cast(Identity | None, g.identity)

    def is_admin(self) -> bool:
        """True when an admin is signed in."""
        identity = self.identity()
        return identity is not None and identity.is_admin

    def context(self) -> RequestContext:
        """The client address and request id."""
        return RequestContext(request.remote_addr or "", g.get("request_id", ""))

    def start(self, identity: Identity) -> None:
        """Replace the session with a signed-in one (new CSRF token)."""
        session.clear()
        session.update(self.policy.signed_in(identity))
        session.permanent = True
        g.identity = identity

    def end(self) -> None:
        """Drop the user from the session, keeping a fresh CSRF token for the next sign-in."""
        session.clear()
        session.update(self.policy.anonymous())
        g.identity = None

    def csrf_token(self) -> str:
        """The session's CSRF token, created on first use."""
        if not session.get("csrf"):
            session.update(self.policy.anonymous())
        return str(session["csrf"])

    def admin_required(self, view: View) -> View:
        """Wrap a view: 401 when anonymous, 403 when not admin, CSRF checked on mutations."""

        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            identity = self.identity()
            if identity is None:
                raise ApiError("UNAUTHORIZED", "sign in as an administrator")
            if not identity.is_admin:
                raise ApiError("FORBIDDEN", "administrators only")
            self._check_csrf()
            return view(*args, **kwargs)

        return cast(View, guarded)

    def audit(self, action: str, target: str, result: str, reason: str = "") -> None:
        """Record an admin action of this request."""
        identity = self.identity()
        ctx = self.context()
        self.audit_log.write(
            AuditEntry(
                actor=identity.username if identity else "",
                action=action,
                target=target,
                reason=reason,
                result=result,
                request_id=ctx.request_id,
                ip=ctx.ip,
            )
        )

    def _load_identity(self) -> Identity | None:
        if "user" not in session:
            return None
        identity = self.policy.identity(session)
        if identity is None:
            for key in SESSION_KEYS:
                session.pop(key, None)
            return None
        session["seen"] = self.policy.seen_now()
        return identity

    def _check_csrf(self) -> None:
        if request.routing_exception is not None:
            return  # no view runs: 404 or 405 follows
        if request.method in MUTATIONS and not csrf_matches(
            session.get("csrf"), request.headers.get(CSRF_HEADER)
        ):
            raise ApiError("CSRF_FAILED", f"send the session's {CSRF_HEADER} header")
