"""The audit log: one JSON line per sign-in, sign-out and admin action, appended and fsync'd.

A thread lock and an exclusive `flock` keep lines whole across threads and gunicorn workers.
Passwords never reach it: an entry has only the fields below.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    """What happened, by whom, to what, and how it ended."""

    actor: str
    action: str
    result: str
    target: str = ""
    reason: str = ""
    request_id: str = ""
    ip: str = ""


class AuditLog:
    """Appends entries to a JSON-lines file (created with mode 0600)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()

    def write(self, entry: AuditEntry) -> dict[str, Any]:
        """Append one line with the time (UTC, ISO 8601); return what was written."""
        stamp = datetime.fromtimestamp(self.clock(), UTC).isoformat(timespec="milliseconds")
        record = {"time": stamp, **asdict(entry)}
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return record

    def read(self) -> list[dict[str, Any]]:
        """Every entry, oldest first."""
        if not self.path.is_file():
            return []
        with open(self.path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
