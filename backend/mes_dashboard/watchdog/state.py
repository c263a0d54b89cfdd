"""The watchdog's state: one JSON file written atomically (tmp, fsync, rename) under a file lock.

The runner and the admin API (every gunicorn worker) read and change the same file; each change
holds `watchdog.lock` for the time of a read-modify-write, never while a restart runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

STATE_FILE = "watchdog.json"
LOCK_FILE = "watchdog.lock"


class StateLockTimeout(RuntimeError):
    """Another process held the state lock for longer than the wait allowed."""


@dataclass(frozen=True)
class Decision:
    """What the policy decided at `at`: restart, scheduled, refused or none."""

    at: float
    action: str
    reason: str
    actor: str = "watchdog"
    retry_after_s: float | None = None
    repeat: int = 1


@dataclass(frozen=True)
class Pending:
    """An accepted admin request the runner has not performed yet."""

    at: float
    actor: str
    reason: str
    request_id: str = ""
    override: bool = False


@dataclass(frozen=True)
class Probe:
    """One probe round: liveness and readiness answers."""

    at: float
    live: bool
    ready: bool
    detail: str = ""


@dataclass(frozen=True)
class Restart:
    """One performed restart and how it went."""

    at: float
    trigger: str
    actor: str
    ok: bool
    detail: str = ""


@dataclass
class WatchdogState:
    """Policy counters and a bounded history of probes, decisions and restarts."""

    mode: str = "watching"
    consecutive_failures: int = 0
    restart_times: list[float] = field(default_factory=list)
    restarts_total: int = 0
    churn_entries: int = 0
    last_restart_at: float | None = None
    churn_since: float | None = None
    budget_reset_at: float = 0.0
    pending: Pending | None = None
    probes: list[Probe] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    restarts: list[Restart] = field(default_factory=list)
    updated_at: float = 0.0

    def note_probe(self, probe: Probe, limit: int) -> None:
        """Keep the probe, the newest `limit` only."""
        self.probes = [*self.probes, probe][-limit:]

    def note_decision(self, decision: Decision, limit: int) -> None:
        """Keep the decision; a repeat of the last one (same action and reason) is counted."""
        last = self.decisions[-1] if self.decisions else None
        if last and (last.action, last.reason, last.actor) == (
            decision.action,
            decision.reason,
            decision.actor,
        ):
            repeated = Decision(**(asdict(decision) | {"repeat": last.repeat + 1}))
            self.decisions = [*self.decisions[:-1], repeated]
            return
        self.decisions = [*self.decisions, decision][-limit:]

    def note_restart(self, restart: Restart, limit: int) -> None:
        """Keep the restart, the newest `limit` only."""
        self.restarts = [*self.restarts, restart][-limit:]
        self.restart_times = self.restart_times[-limit:]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> WatchdogState:
        """Read back what `to_json` wrote; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        pending = values.get("pending")
        values["pending"] = Pending(**pending) if pending else None
        values["probes"] = [Probe(**p) for p in values.get("probes", [])]
        values["decisions"] = [Decision(**d) for d in values.get("decisions", [])]
        values["restarts"] = [Restart(**r) for r in values.get("restarts", [])]
        return cls(**values)


class StateFile:
    """`watchdog.json` in the state directory, with its lock file beside it."""

    def __init__(self, state_dir: str | Path) -> None:
        self.dir = Path(state_dir)
        self.path = self.dir / STATE_FILE

    def load(self) -> WatchdogState:
        """The saved state, or a fresh one when there is none yet."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return WatchdogState()
        return WatchdogState.from_json(raw)

    def exists(self) -> bool:
        """True once the watchdog (or a request) has written the state."""
        return self.path.is_file()

    def save(self, state: WatchdogState) -> None:
        """Write atomically: a temp file fsync'd, renamed over the old one, the folder fsync'd."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
        data = json.dumps(state.to_json(), ensure_ascii=False, indent=1).encode()
        with tmp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
        folder = os.open(self.dir, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)

    @contextmanager
    def locked(self, wait_s: float = 5.0) -> Iterator[WatchdogState]:
        """Hold the lock, yield the state and save it when the block ends without an error."""
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            _acquire(fd, wait_s)
            state = self.load()
            yield state
            state.updated_at = time.time()
            self.save(state)
        finally:
            os.close(fd)


def _acquire(fd: int, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StateLockTimeout(
                    f"watchdog state lock busy for more than {wait_s}s"
                ) from None
            time.sleep(0.02)
