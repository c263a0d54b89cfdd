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

    @staticmethod
    def _close(conn: ldap3.Connection) -> None:
        conn.unbind()
        # ldap3 keeps the socket of a refused connect open; close it ourselves
        sock = getattr(conn, "socket", None)
        if sock is not None:
            sock.close()

    def _user_dn(self, username: str) -> str | None:
        if self.config.user_dn_template:
            return self.config.user_dn_template.format(username=escape_rdn(username))
        conn = self._connection(self.config.bind_dn or None, self.config.bind_password or None)
        try:
            if not conn.bind():
                raise DirectoryUnavailable(f"service bind failed: {conn.result.get('description')}")
            query = self.config.search_filter.format(username=escape_filter_chars(username))
            conn.search(self.config.search_base, query, attributes=[], size_limit=2)
            entries = [e.entry_dn for e in conn.entries]
        finally:
            self._close(conn)
        return entries[0] if len(entries) == 1 else None

    def _bind_as(self, dn: str, password: str) -> DirectoryUser | None:
        conn = self._connection(dn, password)
        try:
            if not conn.bind():
                if conn.result.get("description") == "invalidCredentials":
                    return None
                raise DirectoryUnavailable(f"bind failed: {conn.result.get('description')}")
            group = self.config.admin_group
            admin = bool(group) and bool(conn.compare(group, "member", dn))
        finally:
            self._close(conn)
        return DirectoryUser(dn, admin)

    def authenticate(self, username: str, password: str) -> DirectoryUser | None:
        """The user when the bind succeeds; None for a wrong password or unknown user."""
        if not username or not password:
            return None
        try:
            dn = self._user_dn(username)
            return None if dn is None else self._bind_as(dn, password)
        except LDAPException as exc:
            raise DirectoryUnavailable(f"{type(exc).__name__}: {exc}") from None
