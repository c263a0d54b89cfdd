"""What declares a dataset: its contract identity, source objects, build, kind and intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import pyarrow as pa

from mes_dashboard.config import Settings
from mes_dashboard.snapshots.builder import BuildRules, Built

Kind = Literal["snapshot", "query"]
Status = Literal["served", "dev"]


@dataclass(frozen=True)
class Cycle:
    """What one build sees: the time, the rules, the source (counted) and the store's state,
    with the watermark of the last version this refresher published (None before any)."""

    now: datetime
    rules: BuildRules
    fetch: Callable[[str], pa.Table]
    watermark: Callable[[str], object]
    holds_current: Callable[[], bool]
    published_watermark: object = None


Build = Callable[[Cycle], Built | None]


@dataclass(frozen=True)
class Watermark:
    """The source object and column whose maximum tells whether a dataset changed."""

    object: str
    column: str


@dataclass(frozen=True)
class Parameter:
    """A request parameter of a query-backed dataset."""

    name: str
    type: Literal["date", "strings", "bool"]


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset. `build` makes a fresh (stateful) build per refresher; `sources[0]` is the
    object the contract names as its source; the settings fields hold the intervals."""

    name: str
    kind: Kind
    key: str | None
    sources: tuple[str, ...]
    watermark: Watermark | None = None
    build: Callable[[], Build] | None = None
    parameters: tuple[Parameter, ...] = ()
    refresh_setting: str | None = None
    poll_setting: str | None = None
    status: Status = "served"

    @property
    def refreshed(self) -> bool:
        """True for a served snapshot dataset: it gets a refresher and is in the catalogue."""
        return self.kind == "snapshot" and self.status == "served"

    def refresh_s(self, settings: Settings) -> float:
        """The server refresh interval in effect."""
        return float(self._setting(settings, self.refresh_setting))

    def poll_s(self, settings: Settings) -> int:
        """The browser poll interval in effect."""
        return int(self._setting(settings, self.poll_setting))

    def describe(self) -> dict[str, Any]:
        """The declaration as the catalogue shows it."""
        mark = self.watermark
        out: dict[str, Any] = {
            "kind": self.kind,
            "key": self.key,
            "sources": list(self.sources),
            "watermark": None if mark is None else {"object": mark.object, "column": mark.column},
        }
        if self.kind == "query":
            out["parameters"] = [{"name": p.name, "type": p.type} for p in self.parameters]
        return out

    def _setting(self, settings: Settings, name: str | None) -> Any:
        if name is None:
            raise KeyError(f"dataset {self.name!r} declares no such interval")
        return getattr(settings, name)
