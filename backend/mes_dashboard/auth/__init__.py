"""Admin sign-in without Flask: password hashes, local accounts, LDAP bind, sessions, CSRF, the
sign-in limiter and the audit log. `api/` holds the cookie and request handling."""
