"""gunicorn configuration: gthread workers; every client and pool is created after fork.

Every value comes from the settings (`MES_*`, see the README's configuration table). The app
module (`mes_dashboard.wsgi:app`) is imported in each worker (no preload), so the source pool,
Redis client and refresher threads are created per worker after fork and closed in `worker_exit`.

Reload: SIGHUP starts new workers on the same listening socket, then stops the old ones
gracefully (`graceful_timeout`), so the port stays open and no request is dropped. systemd:
gunicorn sends `READY=1` to `NOTIFY_SOCKET` itself once the socket is bound (`Type=notify`);
readiness to serve data is `/health/ready`, which the watchdog probes.

Metrics: prometheus-client's multiprocess mode. The workers inherit `PROMETHEUS_MULTIPROC_DIR`
(the configured one, else a new temporary directory), emptied when gunicorn starts; a worker that
exits is marked dead so its live gauges leave the sums.
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mes_dashboard.config import load_settings

_settings = load_settings()
_metrics_dir_is_temporary = not _settings.prometheus_multiproc_dir
_metrics_dir = Path(
    _settings.prometheus_multiproc_dir or tempfile.mkdtemp(prefix="mes-dashboard-metrics-")
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)

bind = f"{_settings.host}:{_settings.port}"
worker_class = "gthread"
workers = _settings.workers
threads = _settings.threads
preload_app = False
# gthread: `timeout` only bounds a silent worker (heartbeat), not one request; request deadlines
# come from the pool wait, the call timeout and the Redis socket timeouts.
timeout = _settings.worker_timeout_s
graceful_timeout = _settings.graceful_timeout_s
keepalive = _settings.keepalive_s
# recycle each worker after this many requests (jittered so they do not all restart at once)
max_requests = _settings.max_requests
max_requests_jitter = _settings.max_requests_jitter
pidfile = _settings.pidfile or None
# signals and the PID file manage the master; the default control socket lands in $HOME, shared
# by every instance of the user
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
forwarded_allow_ips = "127.0.0.1"


def on_starting(server: Any) -> None:
    """Fail fast (the runtime check), start with empty metrics, then the source check."""
    _check_runtime(server)
    _empty_metrics_dir()
    _check_source()


def _empty_metrics_dir() -> None:
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink()


def _check_runtime(server: Any) -> None:
    from mes_dashboard.app import DIST
    from mes_dashboard.runtime_check import check_runtime, socket_is_inherited

    report = check_runtime(_settings, DIST, check_bind=not socket_is_inherited())
    for warning in report.warnings:
        server.log.warning("runtime check: %s", warning)
    if report.problems:
        raise SystemExit("refusing to start:\n" + report.text())


def _check_source() -> None:
    from mes_dashboard.source_check.start import check_at_start

    check_at_start(_settings)


def child_exit(server: object, worker: object) -> None:
    """Drop an exited worker's live gauges from the merged metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(getattr(worker, "pid", 0), str(_metrics_dir))


def on_exit(server: object) -> None:
    """Remove the metrics directory gunicorn made for itself."""
    if _metrics_dir_is_temporary:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


def worker_exit(server: object, worker: object) -> None:
    """Release leader locks and connections so another worker takes over at once."""
    app = getattr(worker, "wsgi", None)
    services = getattr(app, "extensions", {}).get("mes_services")
    if services is not None:
        services.close()
