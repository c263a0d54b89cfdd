"""`python -m mes_dashboard.watchdog`: request, status and clear on a state directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"MES_ENV": "test", "MES_STATE_DIR": str(tmp_path / "state"),
                        "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl")}  # fmt: skip
    command = [sys.executable, "-m", "mes_dashboard.watchdog", *args]
    return subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )


def test_request_status_clear(tmp_path: Path) -> None:
    asked = cli(tmp_path, "request", "--reason", "after patch", "--actor", "ops")
    assert asked.returncode == 0 and json.loads(asked.stdout)["action"] == "scheduled"
    again = cli(tmp_path, "request", "--reason", "again", "--actor", "ops")
    assert again.returncode == 1 and json.loads(again.stdout)["reason"] == (
        "a restart is already pending"
    )
    status = json.loads(cli(tmp_path, "status").stdout)
    assert status["pending"]["actor"] == "ops" and status["running"] is False
    cleared = cli(tmp_path, "clear", "--reason", "budget reset", "--actor", "ops")
    assert cleared.returncode == 0 and json.loads(cleared.stdout)["action"] == "cleared"
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert [json.loads(x)["action"] for x in lines] == [
        "watchdog.restart_request", "watchdog.restart_request", "watchdog.clear",
    ]  # fmt: skip
