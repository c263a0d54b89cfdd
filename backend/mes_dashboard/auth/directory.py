"""LDAP (Active Directory or OpenLDAP) sign-in: bind as the user, then check the admin group.

The user's DN comes from a template (`uid={username},ou=people,dc=example,dc=org`) or from a
search under a base with a service bind. Admin: member of the admin group (an LDAP compare of
its `member` attribute) or named in the admin user list.
"""

from __future__ import annotations

from dataclasses import dataclass

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn


class DirectoryUnavailable(Exception):
    """The LDAP server could not be reached or answered with an error."""


@dataclass(frozen=True)
class DirectoryConfig:
    """How to reach the directory and find a user and the admin group."""

    url: str
    user_dn_template: str = ""
    search_base: str = ""
    search_filter: str = "(uid={username})"
    bind_dn: str = ""
    bind_password: str = ""
    admin_group: str = ""
    timeout_s: float = 5.0


@dataclass(frozen=True)
class DirectoryUser:
    """A user the directory accepted."""

    dn: str
    in_admin_group: bool


class Directory:
    """Binds users against one LDAP server."""

    def __init__(self, config: DirectoryConfig) -> None:
        self.config = config
        self.server = ldap3.Server(config.url, connect_timeout=config.timeout_s)

    def _connection(self, user: str | None, password: str | None) -> ldap3.Connection:
        return ldap3.Connection(
            self.server,
            user=user,
            password=password,
            receive_timeout=max(1, round(self.config.timeout_s)),
            raise_exceptions=False,
        )

    def _user_dn(self, username: str) -> str | None:
        if self.config.user_dn_template:
            return self.config.user_dn_template.format(username=escape_rdn(username))
        conn = self._connection(self.config.bind_dn or None, self.config.bind_password or None)
        if not conn.bind():
            raise DirectoryUnavailable(f"service bind failed: {conn.result.get('description')}")
        try:
            query = self.config.search_filter.format(username=escape_filter_chars(username))
            conn.search(self.config.search_base, query, attributes=[], size_limit=2)
            entries = [e.entry_dn for e in conn.entries]
        finally:
            conn.unbind()
        return entries[0] if len(entries) == 1 else None

    def authenticate(self, username: str, password: str) -> DirectoryUser | None:
        """The user when the bind succeeds; None for a wrong password or unknown user."""
        if not username or not password:
            return None
        try:
            dn = self._user_dn(username)
            if dn is None:
                return None
            conn = self._connection(dn, password)
            if not conn.bind():
                if conn.result.get("description") == "invalidCredentials":
                    return None
                raise DirectoryUnavailable(f"bind failed: {conn.result.get('description')}")
            try:
                admin = bool(self.config.admin_group) and conn.compare(
                    self.config.admin_group, "member", dn
                )
            finally:
                conn.unbind()
        except LDAPException as exc:
            raise DirectoryUnavailable(f"{type(exc).__name__}: {exc}") from None
        return DirectoryUser(dn, bool(admin))
