"""Live simulator: keeps the demo database moving like a factory floor.

Each tick is one SQLite write transaction (WAL mode), so a DemoSource read sees all of a tick or
none of it. One simulator per database across processes: `start_simulator` takes an exclusive,
non-blocking `flock` on `<db>.sim.lock` and returns None when another process holds it. Call it
after forking (in the worker), since a thread does not survive `fork`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import random
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO

from mes_dashboard.sources.demo import simulator_steps as steps
from mes_dashboard.sources.demo.history import append_shifts
from mes_dashboard.sources.demo.layout import build_layout
from mes_dashboard.sources.demo.schema import EQUIPMENT_STATUS, LOT, plant_now

log = logging.getLogger(__name__)
BUSY_TIMEOUT_S = 10.0
JOURNAL_LIMIT_BYTES = 64 * 1024 * 1024


class Simulator:
    """Applies seeded random factory events to the demo database, one transaction per tick."""

    def __init__(
        self,
        db_path: str | os.PathLike[str],
        seed: int,
        clock: Callable[[], datetime] = plant_now,
        *,
        lock_file: IO[str] | None = None,
    ) -> None:
        self.path = Path(db_path)
        self.rng = random.Random(f"{seed}:simulator")
        self.clock = clock
        self.ticks = 0
        self._lock_file = lock_file
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _connect(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise FileNotFoundError(2, "demo database not found", str(self.path))
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA journal_size_limit={JOURNAL_LIMIT_BYTES}")
        return conn

    def tick(self, now: datetime | None = None) -> None:
        """Apply one tick of events at plant-local `now` (default: the clock) atomically."""
        moment = (now or self.clock()).replace(microsecond=0, tzinfo=None)
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._apply(steps.Tick(conn, self.rng, moment, build_layout()))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        self.ticks += 1

    @staticmethod
    def _apply(tick: steps.Tick) -> None:
        steps.prepare(tick)
        append_shifts(tick.conn, tick.now)
        (lots,) = tick.conn.execute(f"SELECT COUNT(*) FROM {LOT}").fetchone()
        (running,) = tick.conn.execute(
            f"SELECT COUNT(DISTINCT RUNCARDLOTID) FROM {EQUIPMENT_STATUS}"
        ).fetchone()
        # per tick (5 s by default): lively between two page refreshes, yet a plausible floor
        moves = tick.amount(min(max(lots * 0.001, 1.0), 300.0))
        traffic = tick.amount(max(running * 0.01, 1.0))
        steps.track_out(tick, traffic)
        steps.move_lots(tick, moves)
        steps.track_in(tick, traffic)
        # holds and releases balance at about 1.3% of the lots on hold
        steps.release_lots(tick, 0.0077)
        steps.hold_lots(tick, max(1, tick.amount(lots * 0.0001)))
        steps.change_machines(tick, max(1, tick.amount(len(tick.machines) * 0.005)))
        if tick.rng.random() < 0.2:
            steps.touch_master(tick, tick.rng.randint(1, 2))
        steps.stamp_snapshot(tick)

    def run(self, stop: threading.Event, tick_seconds: float) -> None:
        """Tick every `tick_seconds` until `stop` is set; a failed tick is logged, not fatal."""
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("demo simulator tick failed on %s", self.path)
            stop.wait(tick_seconds)

    def start(self, tick_seconds: float) -> None:
        """Run in a daemon thread."""
        self._thread = threading.Thread(
            target=self.run, args=(self._stop, tick_seconds), name="demo-simulator", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop the thread (if started) and release the cross-process lock (if held)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None


def try_lock(db_path: str | os.PathLike[str]) -> IO[str] | None:
    """Take the exclusive simulator lock of a database; None when another holder has it."""
    handle = open(f"{os.fspath(db_path)}.sim.lock", "a")  # noqa: SIM115 (held for the run)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def start_simulator(
    db_path: str | os.PathLike[str],
    seed: int,
    tick_seconds: float,
    *,
    clock: Callable[[], datetime] = plant_now,
) -> Simulator | None:
    """Start the one simulator of this database in a daemon thread, or return None if taken."""
    lock = try_lock(db_path)
    if lock is None:
        return None
    simulator = Simulator(db_path, seed, clock, lock_file=lock)
    simulator.start(tick_seconds)
    return simulator
