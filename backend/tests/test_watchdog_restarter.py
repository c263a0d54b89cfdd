"""Restart by command (exit status, timeout) and by SIGHUP to the PID file's process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from mes_dashboard.watchdog.restarter import Restarter

HUP_CATCHER = """
import signal, sys, time
signal.signal(signal.SIGHUP, lambda *a: (open(sys.argv[1], 'w').write('hup'), sys.exit(0)))
open(sys.argv[1] + '.ready', 'w').close()
time.sleep(30)
"""


def test_command_exit_status_and_timeout() -> None:
    assert Restarter("true", "").restart() == (True, "true: exit 0")
    ok, detail = Restarter("sh -c 'echo nope >&2; exit 3'", "").restart()
    assert not ok and detail.endswith("exit 3 nope")
    ok, detail = Restarter("sleep 5", "", timeout_s=0.2).restart()
    assert not ok and "timed out" in detail


def test_sighup_by_pidfile(tmp_path: Path) -> None:
    marker = tmp_path / "hup"
    proc = subprocess.Popen([sys.executable, "-c", HUP_CATCHER, str(marker)])
    try:
        deadline = time.monotonic() + 20
        while not Path(f"{marker}.ready").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        pidfile = tmp_path / "gunicorn.pid"
        pidfile.write_text(f"{proc.pid}\n")
        ok, detail = Restarter("", str(pidfile)).restart()
        assert ok and detail == f"SIGHUP sent to gunicorn master {proc.pid}"
        assert proc.wait(10) == 0 and marker.read_text() == "hup"
    finally:
        proc.kill()
        proc.wait()


def test_nothing_to_restart_is_a_failure(tmp_path: Path) -> None:
    assert not Restarter("", "").restart()[0]
    ok, detail = Restarter("", str(tmp_path / "missing.pid")).restart()
    assert not ok and "missing.pid" in detail
