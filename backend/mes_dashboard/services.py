"""The wired service graph: settings, source, store and refreshers, built once per process."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from mes_dashboard.config import Settings
from mes_dashboard.snapshots.builder import BuildRules
from mes_dashboard.snapshots.refresher import Refresher
from mes_dashboard.snapshots.store import MemoryStore, SnapshotStore
from mes_dashboard.sources.base import OBJECTS, Source

log = logging.getLogger(__name__)
CACHED_DATASETS = ("wip", "resource")


@dataclass
class Services:
    """Everything the API layer needs, passed in explicitly."""

    settings: Settings
    source: Source
    store: SnapshotStore
    refreshers: dict[str, Refresher]
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        """Start one refresher thread per dataset (call after fork)."""
        for name, refresher in self.refreshers.items():
            t = threading.Thread(
                target=refresher.run, args=(self.stop,), name=f"refresh-{name}", daemon=True
            )
            t.start()
            self.threads.append(t)

    def refresh_all(self) -> dict[str, str]:
        """Refresh every dataset once, synchronously."""
        return {name: r.refresh_once() for name, r in self.refreshers.items()}

    def close(self) -> None:
        """Stop the refreshers and release the source."""
        self.stop.set()
        for t in self.threads:
            t.join(timeout=5)
        self.source.close()


def object_names(settings: Settings) -> dict[str, str]:
    """Logical object -> configured object name."""
    return {logical: getattr(settings, attr) for logical, attr in OBJECTS.items()}


def build_source(settings: Settings) -> Source:
    """The configured source: demo SQLite (generated when missing) or Oracle."""
    if settings.source == "demo":
        from mes_dashboard.sources.demo import DemoSource
        from mes_dashboard.sources.demo_generator import ensure_demo_db

        path = ensure_demo_db(settings)
        return DemoSource(Path(path), object_names(settings))
    raise NotImplementedError("the Oracle source is not wired yet")


def build_services(
    settings: Settings, source: Source | None = None, store: SnapshotStore | None = None
) -> Services:
    """Wire source, store and refreshers from settings (nothing starts yet)."""
    src = source if source is not None else build_source(settings)
    st = store if store is not None else MemoryStore()
    rules = BuildRules.from_settings(settings)
    intervals = {"wip": settings.refresh_wip_s, "resource": settings.refresh_resource_s}
    refreshers = {
        name: Refresher(name, src, st, rules, intervals[name]) for name in CACHED_DATASETS
    }
    return Services(settings, src, st, refreshers)
