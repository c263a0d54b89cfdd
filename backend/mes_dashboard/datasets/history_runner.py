"""Serving `resource_history`: parameters validated against the current machines, the result
cached per normalized parameters, a miss loaded once (source query counted, build, encode)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard.cluster.query_cache import QueryCache
from mes_dashboard.datasets.history_params import cache_key, parse_history_params
from mes_dashboard.datasets.query_result import QueryResult, encode_result
from mes_dashboard.datasets.resource_history import NAME, build_history
from mes_dashboard.resilience.breaker import CircuitOpen
from mes_dashboard.sources.base import Source
from mes_dashboard.sources.history_filter import HistoryFilter


def _distinct(machines: pa.Table, column: str) -> set[str]:
    values = machines[column]
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    return {v for v in pc.unique(values).to_pylist() if v is not None}


class HistoryRunner:
    """`result(args, machines)` for one request; `machines` is the current `resource` table."""

    def __init__(
        self,
        source: Source,
        cache: QueryCache,
        count: Callable[[str, int], None],
        plant_tz: str,
    ) -> None:
        self.source = source
        self.cache = cache
        self.count = count
        self.plant_tz = plant_tz

    def result(self, args: Mapping[str, str], machines: pa.Table) -> QueryResult:
        """The encoded result of a request's parameters (INVALID_PARAMETER when they are bad)."""
        groups = _distinct(machines, "WORKCENTER_GROUP")
        families = _distinct(machines, "RESOURCEFAMILYNAME")
        query = parse_history_params(args, groups, families)
        raw = self.cache.get_or_load(NAME, cache_key(query), lambda: self._load(query, machines))
        return QueryResult.from_bytes(raw)

    def _load(self, query: HistoryFilter, machines: pa.Table) -> bytes:
        table = build_history(self._fetch(query), machines, self.plant_tz)
        params = {
            "start": query.start.isoformat(),
            "end": query.end.isoformat(),
            "workcenter_groups": list(query.workcenter_groups),
            "families": list(query.families),
            "flags": dict(query.flags),
        }
        return encode_result(NAME, table, datetime.now(UTC), params).to_bytes()

    def _fetch(self, query: HistoryFilter) -> pa.Table:
        """The source's rows, counted as a query unless the breaker refused the call."""
        try:
            rows = self.source.fetch_history(query)
        except CircuitOpen:
            raise
        except BaseException:
            self.count(NAME, 1)
            raise
        self.count(NAME, 1)
        return rows
