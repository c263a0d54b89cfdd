"""Resilience drills for `make gates`: each is a function returning its gates (figure vs threshold).

Add a drill by writing its module here and naming it in `DRILLS`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from drills import (
    breaker_swarm,
    pool_pressure,
    redis_outage,
    reload,
    soak,
    source_outage,
    watchdog,
    worker_kill,
)
from drills.gate import Gate

DRILLS: dict[str, Callable[[Path], list[Gate]]] = {
    "sighup_reload": reload.run,
    "worker_kill": worker_kill.run,
    "watchdog": watchdog.run,
    "source_outage": source_outage.run,
    "redis_outage": redis_outage.run,
    "pool_pressure": pool_pressure.run,
    "breaker_swarm": breaker_swarm.run,
    "soak": soak.run,
}
