"""One gate: a measured figure against its threshold."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    """`figure` passes when it satisfies `op` against `threshold` (`<=`, `>=` or `==`)."""

    drill: str
    name: str
    figure: float
    op: str
    threshold: float
    unit: str = ""
    note: str = ""

    @property
    def passed(self) -> bool:
        """Whether the figure meets the threshold."""
        if self.op == "<=":
            return self.figure <= self.threshold
        if self.op == ">=":
            return self.figure >= self.threshold
        return self.figure == self.threshold
