"""The audit log: whole JSON lines with every field, from many threads, private file."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

from fake_clock import FakeClock
from mes_dashboard.auth.audit import AuditEntry, AuditLog


def test_entries_are_json_lines_with_time_and_every_field(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "logs" / "audit.jsonl", clock=FakeClock(0.0))
    log.write(AuditEntry("ops", "page_status", "ok", "wip", "dev -> released", "r1", "10.0.0.1"))
    [entry] = log.read()
    assert entry == {
        "time": "1970-01-01T00:00:00.000+00:00",
        "actor": "ops",
        "action": "page_status",
        "result": "ok",
        "target": "wip",
        "reason": "dev -> released",
        "request_id": "r1",
        "ip": "10.0.0.1",
    }
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


def test_concurrent_writers_keep_lines_whole(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    reason = "x" * 5000

    def write(i: int) -> None:
        for j in range(20):
            log.write(AuditEntry(f"t{i}", "drill", "ok", str(j), reason))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = log.read()
    assert len(entries) == 160 and all(e["reason"] == reason for e in entries)
