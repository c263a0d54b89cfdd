"""Resilience drills for `make gates`: each is a function returning its gates (figure vs threshold).

Add a drill by writing its module here and naming it in `DRILLS`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from drills import reload, watchdog, worker_kill
from drills.gate import Gate

DRILLS: dict[str, Callable[[Path], list[Gate]]] = {
    "sighup_reload": reload.run,
    "worker_kill": worker_kill.run,
    "watchdog": watchdog.run,
}
