"""The sign-in decision: limiter first, then local accounts, then LDAP; every attempt audited."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mes_dashboard.auth.accounts import AccountStore
from mes_dashboard.auth.audit import AuditEntry, AuditLog
from mes_dashboard.auth.directory import Directory, DirectoryConfig, DirectoryUnavailable
from mes_dashboard.auth.limiter import SignInLimiter
from mes_dashboard.auth.sessions import Identity
from mes_dashboard.cluster.redis_link import RedisLink
from mes_dashboard.config import Settings

log = logging.getLogger(__name__)
MAX_USERNAME_CHARS = 128


@dataclass(frozen=True)
class SignInOutcome:
    """The identity on success; otherwise why not (`failed`, `limited`) and when to retry."""

    identity: Identity | None
    refusal: str = ""
    retry_after_s: float | None = None


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from, for the limiter and the audit log."""

    ip: str
    request_id: str


class Gatekeeper:
    """Checks credentials against the local accounts, then the directory when configured."""

    def __init__(
        self,
        accounts: AccountStore,
        limiter: SignInLimiter,
        audit: AuditLog,
        directory: Directory | None = None,
        admin_users: frozenset[str] = frozenset(),
    ) -> None:
        self.accounts = accounts
        self.limiter = limiter
        self.audit = audit
        self.directory = directory
        self.admin_users = admin_users

    def sign_in(self, username: str, password: str, ctx: RequestContext) -> SignInOutcome:
        """Try one sign-in; failures count against the user name and the address."""
        username = username.strip()[:MAX_USERNAME_CHARS]
        keys = [f"user:{username.lower()}", f"ip:{ctx.ip}"]
        wait = self.limiter.retry_after(keys)
        if wait is not None:
            self._record(username, "rate_limited", ctx)
            return SignInOutcome(None, "limited", wait)
        identity = self._check(username, password)
        if identity is None:
            self.limiter.record_failure(keys)
            self._record(username, "failed", ctx)
            return SignInOutcome(None, "failed")
        self.limiter.reset(keys[:1])
        self._record(username, "ok", ctx, reason=f"{identity.source}:{identity.role}")
        return SignInOutcome(identity)

    def sign_out(self, identity: Identity, ctx: RequestContext) -> None:
        """Record a sign-out."""
        self._record(identity.username, "ok", ctx, action="sign_out")

    def _check(self, username: str, password: str) -> Identity | None:
        if not username or not password:
            return None
        if self.accounts.verify(username, password):
            return Identity(username, "admin", "local")
        if self.directory is None:
            return None
        try:
            user = self.directory.authenticate(username, password)
        except DirectoryUnavailable as exc:
            log.warning("LDAP sign-in of %r not checked: %s", username, exc)
            return None
        if user is None:
            return None
        admin = user.in_admin_group or username in self.admin_users
        return Identity(username, "admin" if admin else "user", "ldap")

    def _record(
        self,
        username: str,
        result: str,
        ctx: RequestContext,
        *,
        action: str = "sign_in",
        reason: str = "",
    ) -> None:
        self.audit.write(
            AuditEntry(
                actor=username,
                action=action,
                result=result,
                target="session",
                reason=reason,
                request_id=ctx.request_id,
                ip=ctx.ip,
            )
        )


def build_gatekeeper(
    settings: Settings, *, link: RedisLink | None = None, clock: Callable[[], float] = time.time
) -> Gatekeeper:
    """The gatekeeper the settings describe (LDAP only when `MES_LDAP_URL` is set)."""
    directory = None
    if settings.ldap_url:
        directory = Directory(
            DirectoryConfig(
                url=settings.ldap_url,
                user_dn_template=settings.ldap_user_dn_template,
                search_base=settings.ldap_search_base,
                search_filter=settings.ldap_search_filter,
                bind_dn=settings.ldap_bind_dn,
                bind_password=settings.ldap_bind_password,
                admin_group=settings.ldap_admin_group,
                timeout_s=settings.ldap_timeout_s,
            )
        )
    limiter = SignInLimiter(
        settings.sign_in_max_failures,
        settings.sign_in_window_s,
        link=link,
        prefix=settings.redis_prefix,
        clock=clock,
    )
    return Gatekeeper(
        AccountStore(Path(settings.accounts_file)),
        limiter,
        AuditLog(Path(settings.audit_log), clock=clock),
        directory,
        frozenset(settings.admin_users),
    )
