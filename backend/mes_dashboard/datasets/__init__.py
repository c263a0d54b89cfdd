"""The dataset registry: one module per dataset declares it; every other layer iterates this."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mes_dashboard.datasets.resource import RESOURCE
from mes_dashboard.datasets.resource_history import RESOURCE_HISTORY
from mes_dashboard.datasets.spec import DatasetSpec
from mes_dashboard.datasets.wip import WIP

REGISTRY: Mapping[str, DatasetSpec] = MappingProxyType(
    {spec.name: spec for spec in (WIP, RESOURCE, RESOURCE_HISTORY)}
)


def served_queries() -> tuple[DatasetSpec, ...]:
    """The served query-backed datasets, in registry order: each answers per request."""
    return tuple(s for s in REGISTRY.values() if s.kind == "query" and s.status == "served")


def refreshed() -> tuple[DatasetSpec, ...]:
    """The served snapshot datasets, in registry order: each gets a refresher."""
    return tuple(spec for spec in REGISTRY.values() if spec.refreshed)
