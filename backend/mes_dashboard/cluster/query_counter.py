"""Source queries counted across every worker and host: `INCRBY {prefix}:metrics:source_queries:d`.

Counts made while Redis is unreachable are kept and added on the next successful call; a timeout
whose INCRBY did land may count twice (the total is a monitoring figure, not a ledger).
"""

from __future__ import annotations

import threading

from mes_dashboard.cluster.redis_link import RedisLink


class QueryCounter:
    """Cluster-wide source query counter per dataset."""

    def __init__(self, link: RedisLink, prefix: str) -> None:
        self.link = link
        self.prefix = prefix
        self._mutex = threading.Lock()
        self._pending: dict[str, int] = {}
        self._known: dict[str, int] = {}

    def key(self, dataset: str) -> str:
        """The counter key of a dataset."""
        return f"{self.prefix}:metrics:source_queries:{dataset}"

    def add(self, dataset: str, n: int) -> None:
        """Count `n` queries sent to the source for `dataset` by this process."""
        with self._mutex:
            amount = self._pending.pop(dataset, 0) + n
        if amount <= 0:
            return
        total = self.link.run(lambda c: int(c.incrby(self.key(dataset), amount)), None)
        with self._mutex:
            if total is None:
                self._pending[dataset] = self._pending.get(dataset, 0) + amount
            else:
                self._known[dataset] = total

    def total(self, dataset: str) -> int | None:
        """The cluster-wide count; the last one seen when Redis fails; None if never seen."""
        unanswered: tuple[bool, bytes | str | None] = (False, None)
        answered, raw = self.link.run(lambda c: (True, c.get(self.key(dataset))), unanswered)
        with self._mutex:
            if answered:
                self._known[dataset] = 0 if raw is None else int(raw)
            return self._known.get(dataset)
