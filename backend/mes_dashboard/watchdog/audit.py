"""A JSON-lines audit writer: one line per admin or watchdog action, appended under a lock, fsync'd.

Same path (`MES_AUDIT_LOG`) and line format as the sign-in audit log:
`{time, actor, action, target, reason, result, request_id}`.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path


class AuditLog:
    """Appends audit lines to one file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def write(
        self,
        actor: str,
        action: str,
        target: str,
        reason: str,
        result: str,
        request_id: str = "",
        at: float | None = None,
    ) -> None:
        """Append one line; `at` is a Unix time (now when omitted)."""
        moment = datetime.now(UTC) if at is None else datetime.fromtimestamp(at, UTC)
        line = {
            "time": moment.isoformat(timespec="milliseconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "reason": reason,
            "result": result,
            "request_id": request_id,
        }
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
