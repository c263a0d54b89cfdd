"""The watchdog on a host without systemd (restart = deploy/start_server.sh restart):
a hung app (master and workers stopped) is restarted once; a crash loop stops after the budget."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from drills.cluster import demo_db
from drills.gate import Gate
from testkit.app_server import ROOT, get
from testkit.ports import free_port
from testkit.redis_server import RedisServer

SCRIPT = ROOT / "deploy" / "start_server.sh"
BUDGET = 3


def run(workdir: Path) -> list[Gate]:
    """Both scenarios, each with its own watchdog process and state."""
    redis = RedisServer(workdir)
    redis.start()
    try:
        return _hung(workdir / "hung", redis.url) + _crash_loop(workdir / "loop", redis.url)
    finally:
        redis.stop()


def _env(workdir: Path, redis_url: str, cooldown_s: float) -> dict[str, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    env_file = workdir / "env"
    env_file.write_text("")
    return os.environ | {
        "MES_ENV": "test", "MES_BIN": str(Path(sys.executable).parent),
        "MES_ENV_FILE": str(env_file), "MES_DEMO_DB": str(demo_db(workdir.parent)),
        "MES_DEMO_SIMULATE": "false", "MES_WORKERS": "2", "MES_PORT": str(free_port()),
        "MES_LOG_LEVEL": "WARNING", "MES_GRACEFUL_TIMEOUT_S": "2", "REDIS_URL": redis_url,
        "MES_PIDFILE": str(workdir / "gunicorn.pid"), "MES_LOG_FILE": str(workdir / "gunicorn.log"),
        "MES_STATE_DIR": str(workdir / "state"), "MES_AUDIT_LOG": str(workdir / "audit.jsonl"),
        "MES_PAGE_REGISTRY": str(workdir / "pages.json"),
        "MES_WATCHDOG_INTERVAL_S": "1", "MES_WATCHDOG_PROBE_TIMEOUT_S": "1",
        "MES_WATCHDOG_FAILURES": "3", "MES_WATCHDOG_COOLDOWN_S": str(cooldown_s),
        "MES_WATCHDOG_BUDGET": str(BUDGET), "MES_WATCHDOG_WINDOW_S": "600",
        "MES_WATCHDOG_RESTART_COMMAND": f"{SCRIPT} restart",
    }  # fmt: skip


def _script(env: dict[str, str], command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), command], env=env, capture_output=True, text=True,
                          timeout=180, check=False)  # fmt: skip


def _watchdog(env: dict[str, str], workdir: Path) -> subprocess.Popen[bytes]:
    with (workdir / "watchdog.log").open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "mes_dashboard.watchdog", "run"],
                                cwd=ROOT, env=env, stdout=log, stderr=log)  # fmt: skip


def _state(workdir: Path) -> dict[str, object]:
    path = workdir / "state" / "watchdog.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _pid(workdir: Path) -> int | None:
    try:
        return int((workdir / "gunicorn.pid").read_text())
    except (OSError, ValueError):
        return None


def _live(env: dict[str, str]) -> bool:
    try:
        return get(f"http://127.0.0.1:{env['MES_PORT']}/health/live", timeout=1)[0] == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _hung(workdir: Path, redis_url: str) -> list[Gate]:
    env = _env(workdir, redis_url, cooldown_s=60)
    assert _script(env, "start").returncode == 0, (workdir / "gunicorn.log").read_text()[-2000:]
    watchdog = _watchdog(env, workdir)
    recovered_s = float("inf")
    try:
        time.sleep(3)
        hung = _pid(workdir)
        assert hung is not None
        os.killpg(hung, signal.SIGSTOP)
        started = time.monotonic()
        while time.monotonic() - started < 120:
            if _pid(workdir) not in (None, hung) and _live(env):
                recovered_s = time.monotonic() - started
                break
            time.sleep(0.5)
        time.sleep(10)
        restarts = int(str(_state(workdir).get("restarts_total", 0)))
    finally:
        _stop(watchdog)
        _script(env, "stop")
    drill = "watchdog"
    return [
        Gate(drill, "hung app: restarts performed", restarts, "==", 1, "restarts",
             "SIGSTOP of master and workers; 3 failed probes 1 s apart"),
        Gate(drill, "hung app: live again after the hang", round(recovered_s, 1), "<=", 60, "s",
             "includes the stop's wait of graceful timeout + 10 s before SIGKILL"),
    ]  # fmt: skip


def _crash_loop(workdir: Path, redis_url: str) -> list[Gate]:
    env = _env(workdir, redis_url, cooldown_s=3)
    assert _script(env, "start").returncode == 0, (workdir / "gunicorn.log").read_text()[-2000:]
    blocker = workdir / "not-a-folder"
    blocker.write_text("")
    # a bad configuration shipped: every start now fails its runtime check
    Path(env["MES_ENV_FILE"]).write_text(f"MES_PAGE_REGISTRY={blocker}/pages.json\n")
    watchdog = _watchdog(env, workdir)
    try:
        time.sleep(2)
        _script(env, "stop")
        started = time.monotonic()
        while time.monotonic() - started < 180 and _state(workdir).get("mode") != "churn_guarded":
            time.sleep(0.5)
        guarded_s = time.monotonic() - started
        at_guard = int(str(_state(workdir).get("restarts_total", 0)))
        time.sleep(15)
        state = _state(workdir)
    finally:
        _stop(watchdog)
        _script(env, "stop")
    drill = "watchdog"
    return [
        Gate(drill, "crash loop: restarts before churn guard", at_guard, "==", BUDGET, "restarts",
             f"budget {BUDGET} per 600 s, cooldown 3 s; churn-guarded after {guarded_s:.0f} s"),
        Gate(drill, "crash loop: restarts in the 15 s after the guard",
             int(str(state.get("restarts_total", 0))) - at_guard, "==", 0, "restarts",
             f"mode {state.get('mode')}"),
    ]  # fmt: skip
