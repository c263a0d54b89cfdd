"""Local admin accounts: one JSON file of password hashes, replaced atomically with mode 0600."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

from mes_dashboard.auth.passwords import DUMMY_HASH, hash_password, verify_password

MIN_PASSWORD_CHARS = 12


class AccountError(ValueError):
    """A user name or password that cannot be stored."""


class AccountStore:
    """`{"users": {name: {"hash": ...}}}` at `path`; no file means no local accounts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.is_file():
            return {}
        with open(self.path, encoding="utf-8") as fh:
            users: dict[str, dict[str, str]] = json.load(fh).get("users", {})
        return users

    def users(self) -> list[str]:
        """The local account names."""
        return sorted(self._read())

    def verify(self, username: str, password: str) -> bool:
        """True for a known user with this password; an unknown user costs the same time."""
        entry = self._read().get(username)
        ok = verify_password(password, entry["hash"] if entry else DUMMY_HASH)
        return ok and entry is not None

    def set_password(self, username: str, password: str) -> None:
        """Create the account or reset its password."""
        if not username or username != username.strip() or ":" in username:
            raise AccountError("a user name must be non-empty, without spaces around or ':'")
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
        with self._lock:
            users = self._read()
            users[username] = {"hash": hash_password(password)}
            self._write({"users": users})

    def _write(self, doc: dict[str, object]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".accounts-", suffix=".json", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
