"""gunicorn configuration: gthread workers; every client and pool is created after fork.

The app module (`mes_dashboard.wsgi:app`) is imported in each worker (no preload), so the
source pool, Redis client and refresher threads are per worker and never cross a fork.
"""

from mes_dashboard.config import load_settings

_settings = load_settings()

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
    """Refuse to start on a source that cannot serve (missing column, bad type, empty object)."""
    from mes_dashboard.source_check.start import check_at_start

    check_at_start(_settings)


def worker_exit(server: object, worker: object) -> None:
    """Release leader locks and connections so another worker takes over at once."""
    app = getattr(worker, "wsgi", None)
    services = getattr(app, "extensions", {}).get("mes_services")
    if services is not None:
        services.close()
