"""Snapshot stores: the protocol, and the in-process store used without Redis."""

from __future__ import annotations

import threading
from typing import Protocol

from mes_dashboard.snapshots.snapshot import Snapshot


class SnapshotStore(Protocol):
    """Where published snapshots live; readers get the current version of a dataset."""

    def current(self, dataset: str) -> Snapshot | None:
        """The current snapshot of a dataset, or None before the first publish."""
        ...

    def publish(self, snapshot: Snapshot) -> None:
        """Make `snapshot` the current version of its dataset."""
        ...

    def renew(self, dataset: str) -> None:
        """Extend the lifetime of the current version (source unchanged)."""
        ...

    def try_lead(self, dataset: str) -> bool:
        """True when this process may refresh `dataset` now (it holds or took the lock)."""
        ...

    def close(self) -> None:
        """Give up what this process holds (leader locks) at shutdown."""
        ...


class MemoryStore:
    """Process-local store: every worker refreshes on its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: dict[str, Snapshot] = {}

    def current(self, dataset: str) -> Snapshot | None:
        """The current snapshot of a dataset."""
        with self._lock:
            return self._current.get(dataset)

    def publish(self, snapshot: Snapshot) -> None:
        """Swap in a new version."""
        with self._lock:
            self._current[snapshot.dataset] = snapshot

    def renew(self, dataset: str) -> None:
        """Nothing expires in process memory."""

    def try_lead(self, dataset: str) -> bool:
        """Every process leads itself."""
        return True

    def close(self) -> None:
        """Nothing to give up."""
