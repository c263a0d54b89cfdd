"""gunicorn configuration: gthread workers; every client and pool is created after fork.

The app module (`mes_dashboard.wsgi:app`) is imported in each worker (no preload), so the
source pool, Redis client and refresher threads are per worker and never cross a fork.

Metrics: prometheus-client's multiprocess mode. The workers inherit `PROMETHEUS_MULTIPROC_DIR`
(the configured one, else a new temporary directory), emptied when gunicorn starts; a worker that
exits is marked dead so its live gauges leave the sums.
"""

import os
import shutil
import tempfile
from pathlib import Path

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
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
forwarded_allow_ips = "127.0.0.1"


def on_starting(server: object) -> None:
    """Start with empty metrics; refuse a source that cannot serve (missing column, bad type)."""
    from mes_dashboard.source_check.start import check_at_start

    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink()
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
