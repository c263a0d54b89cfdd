"""deploy/start_server.sh on the demo: start, status, stop; a hung master is killed; shellcheck."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mes_dashboard.sources.demo.generator import generate
from testkit.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "start_server.sh"


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    db = tmp_path / "demo.sqlite"
    generate(db, lots=400, machines=60, seed=9, history_days=1)
    return os.environ | {
        "MES_BIN": str(Path(sys.executable).parent),
        "MES_ENV": "test",
        "MES_DEMO_DB": str(db),
        "MES_DEMO_SIMULATE": "false",
        "MES_WORKERS": "1",
        "MES_PORT": str(free_port()),
        "MES_PIDFILE": str(tmp_path / "run" / "gunicorn.pid"),
        "MES_LOG_FILE": str(tmp_path / "gunicorn.log"),
        "MES_STATE_DIR": str(tmp_path / "state"),
        "MES_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "MES_PAGE_REGISTRY": str(tmp_path / "pages.json"),
        "MES_GRACEFUL_TIMEOUT_S": "1",
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text()[:60]


@pytest.mark.slow
def test_start_status_stop(env: dict[str, str]) -> None:
    started = run(env, "start")
    try:
        assert started.returncode == 0, started.stderr
        pid = int(Path(env["MES_PIDFILE"]).read_text())
        assert started.stdout.startswith(f"started (pid {pid})")
        assert run(env, "start").stdout == f"already running (pid {pid})\n"
        status = run(env, "status")
        assert (status.returncode, status.stdout) == (
            0, f"running (pid {pid}), live: 200, ready: 200\n",
        )  # fmt: skip
        assert "GET /health/live" in run(env, "logs", "5").stdout
    finally:
        stopped = run(env, "stop")
    assert stopped.stdout == f"stopped (pid {pid})\n" and not alive(pid)
    assert not Path(env["MES_PIDFILE"]).exists()
    assert (run(env, "status").returncode, run(env, "stop").stdout) == (3, "not running\n")


@pytest.mark.slow
def test_stop_kills_a_hung_master_after_the_graceful_wait(env: dict[str, str]) -> None:
    assert run(env, "start").returncode == 0
    pid = int(Path(env["MES_PIDFILE"]).read_text())
    workers = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    os.killpg(pid, signal.SIGSTOP)
    try:
        stopped = run(env, "stop")
    finally:
        if alive(pid):
            os.killpg(pid, signal.SIGKILL)
    assert "still running after 11s (graceful timeout 1s): SIGKILL" in stopped.stderr
    assert stopped.returncode == 0 and not alive(pid)
    assert workers and not any(alive(w) for w in workers)


def test_a_failed_start_shows_the_log(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    failed = run(env | {"MES_STATE_DIR": str(blocker / "state")}, "start")
    assert failed.returncode == 1
    assert "failed to start" in failed.stderr and "MES_STATE_DIR" in failed.stderr


def test_shellcheck_is_clean() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "install the Debian package shellcheck (scripts/ensure-system-deps.sh)"
    done = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "")
