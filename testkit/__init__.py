"""Test scaffolding shared by the backend tests, parity, e2e and the benchmarks.

- `app_server`: the real app on a free port, under gunicorn or in-process.
- `redis_server`: a real `redis-server` on a free port.
- `chromium`: the one headless Chromium launch configuration.
- `ports`: a free TCP port.
"""
