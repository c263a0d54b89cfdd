"""The watchdog: a separate process that probes the app and restarts it under a restart policy.

`policy` decides (pure, clock passed in), `state` persists what it decided (one JSON file, written
atomically, under a file lock shared with the API), `manual` is what the admin API and the command
line call, `runner` probes and acts, `restarter` performs a restart, `report` and `collector` show
the state in /health/deep and /metrics. Admin actions and restarts go to the one audit log
(`auth/audit.py`).
"""
