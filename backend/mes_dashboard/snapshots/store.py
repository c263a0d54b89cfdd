"""Snapshot stores: the protocol, and the in-process store used without Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from mes_dashboard.snapshots.degraded import Degraded
from mes_dashboard.snapshots.delta import Delta
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

    def confirm(self, dataset: str, version: str, snapshot_time: datetime) -> None:
        """The source still has the content of the current `version` at `snapshot_time`: record
        that time for every reader and extend the version's lifetime (nothing is republished)."""
        ...

    def confirmed_time(self, snapshot: Snapshot) -> datetime:
        """The last time the source confirmed `snapshot`'s content (its snapshot time at first)."""
        ...

    def bases(self, dataset: str) -> list[str]:
        """The versions whose row fingerprints are retained, newest first."""
        ...

    def fingerprint(self, dataset: str, version: str) -> bytes | None:
        """The retained row fingerprint of `version` (snapshots/delta.py), or None."""
        ...

    def keep_deltas(
        self,
        dataset: str,
        version: str,
        fingerprint: bytes,
        deltas: Mapping[str, Delta | None],
        retain: int,
    ) -> None:
        """Retain `version`'s fingerprint (with those of the `retain` versions before it) and the
        deltas base -> `version` (None: built but too large, clients get the full snapshot)."""
        ...

    def delta(self, dataset: str, base: str, version: str) -> Delta | None:
        """The stored delta base -> version, or None when there is none (or it was too large)."""
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
        self._confirmed: dict[str, tuple[str, datetime]] = {}
        self._fingerprints: dict[str, dict[str, bytes]] = {}
        self._deltas: dict[str, dict[tuple[str, str], Delta | None]] = {}

    def current(self, dataset: str) -> Snapshot | None:
        """The current snapshot of a dataset."""
        with self._lock:
            return self._current.get(dataset)

    def publish(self, snapshot: Snapshot) -> None:
        """Swap in a new version."""
        with self._lock:
            self._current[snapshot.dataset] = snapshot
            self._confirmed.pop(snapshot.dataset, None)

    def renew(self, dataset: str) -> None:
        """Nothing expires in process memory."""

    def confirm(self, dataset: str, version: str, snapshot_time: datetime) -> None:
        """Record the confirmed time of the current version."""
        with self._lock:
            current = self._current.get(dataset)
            if current is not None and current.version == version:
                self._confirmed[dataset] = (version, snapshot_time)

    def confirmed_time(self, snapshot: Snapshot) -> datetime:
        """The confirmed time of `snapshot`'s version, else its snapshot time."""
        return confirmed_or_own(self._confirmed.get(snapshot.dataset), snapshot)

    def bases(self, dataset: str) -> list[str]:
        """Versions with a retained fingerprint, newest first."""
        with self._lock:
            return list(self._fingerprints.get(dataset, {}))

    def fingerprint(self, dataset: str, version: str) -> bytes | None:
        """A retained fingerprint."""
        with self._lock:
            return self._fingerprints.get(dataset, {}).get(version)

    def keep_deltas(
        self,
        dataset: str,
        version: str,
        fingerprint: bytes,
        deltas: Mapping[str, Delta | None],
        retain: int,
    ) -> None:
        """Keep the newest `retain` + 1 fingerprints and the deltas to `version` only."""
        with self._lock:
            older = [
                (v, fp) for v, fp in self._fingerprints.get(dataset, {}).items() if v != version
            ]
            self._fingerprints[dataset] = dict([(version, fingerprint), *older[:retain]])
            self._deltas[dataset] = {(base, version): d for base, d in deltas.items()}

    def delta(self, dataset: str, base: str, version: str) -> Delta | None:
        """The delta base -> version kept in process."""
        with self._lock:
            return self._deltas.get(dataset, {}).get((base, version))

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


def confirmed_or_own(confirmed: tuple[str, datetime] | None, snapshot: Snapshot) -> datetime:
    """The confirmed time when it is `snapshot`'s version's (and not older), else its own."""
    if confirmed is None or confirmed[0] != snapshot.version:
        return snapshot.snapshot_time
    return max(confirmed[1], snapshot.snapshot_time)
