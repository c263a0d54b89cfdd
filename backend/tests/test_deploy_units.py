"""The systemd units: `systemd-analyze verify` clean, exposure at most 3.0, the app under MDWE."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testkit.app_server import GunicornServer, get

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
APP_UNIT, WATCHDOG_UNIT = "mes-dashboard.service", "mes-dashboard-watchdog.service"
CONDA_ENV, RELEASE = "/opt/conda/envs/mes-dashboard", "/opt/mes-dashboard/current"
ANALYZE = shutil.which("systemd-analyze") or "systemd-analyze"
MDWE_EXEC = """
import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(65, 1, 0, 0, 0) != 0:
    raise SystemExit("PR_SET_MDWE failed")
os.execv(sys.argv[1], sys.argv[1:])
"""


def local_copies(tmp_path: Path) -> list[Path]:
    """The units with the conda env and the release folder pointed at this checkout."""
    venv = str(Path(sys.executable).parent.parent)
    out = []
    for name in (APP_UNIT, WATCHDOG_UNIT):
        text = (UNITS / name).read_text().replace(CONDA_ENV, venv).replace(RELEASE, str(ROOT))
        out.append(tmp_path / name)
        out[-1].write_text(text)
    return out


def test_units_run_the_conda_envs_own_binaries() -> None:
    for name in (APP_UNIT, WATCHDOG_UNIT):
        text = (UNITS / name).read_text()
        [start] = re.findall(r"^ExecStart=(\S+)", text, re.M)
        assert start.startswith(f"{CONDA_ENV}/bin/") and "conda run" not in text
        assert "EnvironmentFile=/etc/mes-dashboard/env" in text
    app = (UNITS / APP_UNIT).read_text()
    assert "ExecReload=/bin/kill -HUP $MAINPID" in app and "Type=notify" in app


def test_stop_timeout_is_longer_than_the_graceful_timeout() -> None:
    from mes_dashboard.config import Settings

    app = (UNITS / APP_UNIT).read_text()
    [stop] = re.findall(r"^TimeoutStopSec=(\d+)$", app, re.M)
    assert int(stop) > Settings().graceful_timeout_s


def test_systemd_analyze_verify_is_clean(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ANALYZE), "verify", "--man=no", *map(str, local_copies(tmp_path))],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def exposure(unit: Path) -> float:
    done = subprocess.run(
        [str(ANALYZE), "security", "--offline=yes", str(unit)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    [level] = re.findall(r"Overall exposure level for \S+: ([\d.]+)", done.stdout)
    return float(level)


def test_exposure_is_at_most_3_and_as_recorded(tmp_path: Path) -> None:
    app, watchdog = local_copies(tmp_path)
    readme = (ROOT / "deploy" / "README.md").read_text()
    for unit, limit in ((app, 3.0), (watchdog, 3.0)):
        level = exposure(unit)
        assert level <= limit
        assert f"`{unit.name}`: {level}" in readme


@pytest.mark.slow
def test_app_serves_under_memory_deny_write_execute(tmp_path: Path) -> None:
    """MemoryDenyWriteExecute=yes: gunicorn, pyarrow, zstd and the demo source still work.

    systemd enforces it with seccomp; prctl(PR_SET_MDWE) (Linux 6.3+) makes the kernel refuse the
    same write+execute mappings, inherited by gunicorn and its workers.
    """
    assert ctypes.CDLL(None).prctl(66, 0, 0, 0, 0) >= 0, "this kernel has no PR_GET_MDWE"
    from mes_dashboard.sources.demo.generator import generate

    db = tmp_path / "demo.sqlite"
    generate(db, lots=400, machines=60, seed=5, history_days=1)
    wrapper = tmp_path / "mdwe_exec.py"
    wrapper.write_text(MDWE_EXEC)
    server = GunicornServer(
        {"MES_ENV": "test", "MES_DEMO_DB": str(db), "MES_WORKERS": "1",
         "MES_STATE_DIR": str(tmp_path / "state"), "MES_DEMO_SIMULATE": "false"},
        command_prefix=[sys.executable, str(wrapper)],
    )  # fmt: skip
    server.start()
    try:
        status, headers, body = get(
            server.url + "/api/v1/datasets/wip", {"Accept-Encoding": "zstd"}
        )
        assert status == 200 and headers["Content-Encoding"] == "zstd" and body
        assert get(server.url + "/api/v1/datasets/resource")[0] == 200
    finally:
        server.stop()
