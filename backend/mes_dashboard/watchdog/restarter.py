"""Performing a restart: a configured command (systemctl, start_server.sh) or SIGHUP by PID file."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mes_dashboard.config import Settings


@dataclass(frozen=True)
class Restarter:
    """`command` when set (e.g. `systemctl restart mes-dashboard.service`), else SIGHUP."""

    command: str
    pidfile: str
    timeout_s: float = 120.0

    @classmethod
    def from_settings(cls, s: Settings) -> Restarter:
        """`MES_WATCHDOG_RESTART_COMMAND`, else the gunicorn master named by `MES_PIDFILE`."""
        return cls(s.watchdog_restart_command, s.pidfile, max(60.0, 3 * s.graceful_timeout_s))

    def restart(self) -> tuple[bool, str]:
        """Run the restart: (succeeded, what happened)."""
        if self.command:
            return self._run_command()
        return self._signal_master()

    def _run_command(self) -> tuple[bool, str]:
        try:
            done = subprocess.run(
                shlex.split(self.command),
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"{self.command}: {exc}"
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        return done.returncode == 0, f"{self.command}: exit {done.returncode} {tail[0]}".strip()

    def _signal_master(self) -> tuple[bool, str]:
        if not self.pidfile:
            return False, "no MES_WATCHDOG_RESTART_COMMAND and no MES_PIDFILE: nothing to restart"
        try:
            pid = int(Path(self.pidfile).read_text().strip())
            os.kill(pid, signal.SIGHUP)
        except (OSError, ValueError) as exc:
            return False, f"SIGHUP by {self.pidfile}: {exc}"
        return True, f"SIGHUP sent to gunicorn master {pid}"
