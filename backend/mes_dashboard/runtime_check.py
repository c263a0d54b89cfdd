"""The runtime check at start: writable paths, the built frontend, a free bind address, settings.

Run by `mes-dashboard check-runtime`, `deploy/start_server.sh check` and gunicorn's `on_starting`;
a problem stops the start with a message naming the setting, a warning is only printed.
"""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from mes_dashboard.config import Settings


@dataclass
class RuntimeReport:
    """Problems stop the start; warnings do not."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        """One line per finding, problems first."""
        lines = [f"problem: {p}" for p in self.problems] + [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines or ["runtime check passed"]) + "\n"


def check_runtime(settings: Settings, dist: Path, *, check_bind: bool = True) -> RuntimeReport:
    """Every finding for these settings; `check_bind` is off when the socket is inherited."""
    report = RuntimeReport()
    folders = {
        "MES_STATE_DIR": Path(settings.state_dir),
        "MES_AUDIT_LOG (its folder)": Path(settings.audit_log).parent,
        "MES_PAGE_REGISTRY (its folder)": Path(settings.page_registry).parent,
    }
    if settings.source == "demo":
        folders["MES_DEMO_DB (its folder)"] = Path(settings.demo_db).parent
    if settings.prometheus_multiproc_dir:
        folders["PROMETHEUS_MULTIPROC_DIR"] = Path(settings.prometheus_multiproc_dir)
    if settings.pidfile:
        folders["MES_PIDFILE (its folder)"] = Path(settings.pidfile).parent
    for name, folder in folders.items():
        problem = _writable_folder(folder)
        if problem:
            report.problems.append(f"{name}: {folder} {problem}")
    if not (dist / "index.html").is_file():
        missing = f"the frontend is not built ({dist / 'index.html'} is missing; run `make build`)"
        (report.problems if settings.is_production else report.warnings).append(missing)
    if check_bind:
        problem = _bind_problem(settings.host, settings.port)
        if problem:
            report.problems.append(f"MES_HOST:MES_PORT {settings.host}:{settings.port} {problem}")
    if settings.is_production and settings.source == "demo":
        report.warnings.append("MES_ENV=production with MES_SOURCE=demo serves generated data")
    return report


def socket_is_inherited() -> bool:
    """True when gunicorn or systemd hands the listening socket over (no bind happens)."""
    return bool(os.environ.get("GUNICORN_FD") or os.environ.get("LISTEN_FDS"))


def _writable_folder(folder: Path) -> str:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot be created ({exc.strerror})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"is not writable by uid {os.getuid()}"
    return ""


def _bind_problem(host: str, port: int) -> str:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "is already in use (another instance or service listens there)"
            return f"cannot be bound ({exc.strerror})"
    return ""
