"""Snapshot stores: the protocol, and the in-process store used without Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from mes_dashboard.snapshots.degraded import Degraded
from mes_dashboard.snapshots.snapshot import Snapshot


@dataclass
class Lease:
    """A refresh's hold on a dataset's leadership; `lost` once another process took it."""

    lost: bool = False


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

    def lease(self, dataset: str) -> AbstractContextManager[Lease]:
        """Keep the leadership of `dataset` for as long as the block runs (a long refresh)."""
        ...

    def degraded(self, dataset: str) -> Degraded | None:
        """The dataset's degraded state as every worker sees it, or None when healthy."""
        ...

    def set_degraded(self, dataset: str, state: Degraded | None) -> None:
        """Record (or clear, with None) the dataset's degraded state for every worker."""
        ...

    def close(self) -> None:
        """Give up what this process holds (leader locks) at shutdown."""
        ...


class MemoryStore:
    """Process-local store: every worker refreshes on its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: dict[str, Snapshot] = {}
        self._degraded: dict[str, Degraded] = {}

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

    @contextmanager
    def lease(self, dataset: str) -> Iterator[Lease]:
        """Nobody else can take a process-local leadership."""
        yield Lease()

    def degraded(self, dataset: str) -> Degraded | None:
        """This process's degraded state of a dataset."""
        with self._lock:
            return self._degraded.get(dataset)

    def set_degraded(self, dataset: str, state: Degraded | None) -> None:
        """Record or clear the degraded state."""
        with self._lock:
            if state is None:
                self._degraded.pop(dataset, None)
            else:
                self._degraded[dataset] = state

    def close(self) -> None:
        """Nothing to give up."""
