"""What the browser benchmarks share: waiting for a quiet machine, and the host they ran on."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any


def wait_for_idle(seconds: float) -> list[float]:
    """Wait (up to `seconds`) for the 1-minute load average to fall below 1; the load then."""
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] >= 1 and time.monotonic() < deadline:
        time.sleep(5)
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """CPU, cores, platform, load average and the busiest processes before a run."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    busy = subprocess.run(
        ["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()[:6]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "busiest_processes_before": [b.strip() for b in busy],
    }
