"""Which metrics a dataset has and which columns each one reads (contracts/metrics.json)."""

from __future__ import annotations

from collections.abc import Iterable

from mes_dashboard import contracts


def dataset_metrics(dataset: str) -> list[str]:
    """Metric ids defined for a dataset, in contract order."""
    return [m for m, spec in contracts.metrics().items() if dataset in spec["datasets"]]


def metric_columns(metric_id: str) -> set[str]:
    """Every column a metric reads: its field, its `where` filters, its ratio parts'."""
    spec = contracts.metrics()[metric_id]
    parts = [spec, spec.get("numerator", {}), spec.get("denominator", {})]
    fields = {p["field"] for p in parts if "field" in p}
    return fields | {f["field"] for p in parts for f in p.get("where", [])}


def metric_fields(dataset: str) -> set[str]:
    """Every column read by any metric of a dataset."""
    return set().union(*(metric_columns(m) for m in dataset_metrics(dataset)))


def usable_metrics(dataset: str, columns: Iterable[str]) -> list[str]:
    """The dataset's metrics whose columns are all among `columns`."""
    have = set(columns)
    return [m for m in dataset_metrics(dataset) if metric_columns(m) <= have]
