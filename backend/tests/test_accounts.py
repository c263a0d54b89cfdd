"""Local accounts: hashes only, file mode 0600, atomic replace, and the set-password command."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mes_dashboard.auth.accounts import AccountError, AccountStore


def test_accounts_hold_hashes_only_in_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "accounts.json"
    store = AccountStore(path)
    assert not store.verify("alice", "alice password 1")
    store.set_password("alice", "alice password 1")
    store.set_password("bob", "bob password 123")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "password" not in path.read_text()
    assert store.verify("alice", "alice password 1") and not store.verify(
        "alice", "bob password 123"
    )
    store.set_password("alice", "alice password 2")
    assert not store.verify("alice", "alice password 1") and store.verify(
        "alice", "alice password 2"
    )
    assert store.users() == ["alice", "bob"]
    assert [p.name for p in path.parent.iterdir()] == ["accounts.json"]
    assert set(json.loads(path.read_text())["users"]["bob"]) == {"hash"}


@pytest.mark.parametrize(
    ("user", "password"), [("", "long enough pw"), (" a", "long enough pw"), ("a", "short")]
)
def test_bad_names_and_short_passwords_are_refused(
    tmp_path: Path, user: str, password: str
) -> None:
    with pytest.raises(AccountError):
        AccountStore(tmp_path / "a.json").set_password(user, password)
    assert not (tmp_path / "a.json").exists()


def test_set_password_command_reads_stdin(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    env = os.environ | {"MES_ACCOUNTS_FILE": str(path), "MES_ENV": "test"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mes_dashboard.cli",
            "admin",
            "set-password",
            "ops",
            "--password-stdin",
        ],
        input="from stdin passphrase\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "from stdin passphrase" not in run.stdout + run.stderr
    assert AccountStore(path).verify("ops", "from stdin passphrase")
    short = subprocess.run(
        [
            sys.executable,
            "-m",
            "mes_dashboard.cli",
            "admin",
            "set-password",
            "ops",
            "--password-stdin",
        ],
        input="short\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert short.returncode == 1 and "at least 12" in short.stderr
    assert AccountStore(path).verify("ops", "from stdin passphrase")
