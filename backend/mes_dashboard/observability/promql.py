"""The small part of PromQL the alerts use, rendered for Prometheus and evaluated in process.

    Expr
     ├── Series(metric, match)          instant value of every matching series
     ├── Increase(metric, window_s)     counter increase over the window (resets count as 0)
     ├── Aggregate("sum"|"max", by)     over label sets
     ├── Ratio(numerator, denominator)  one-to-one on identical label sets
     └── Compare(expr, op, threshold)   keeps the series where `value op threshold`

`evaluate(history, now)` reads a `History` of scraped samples, so the in-process check and the
rules Prometheus runs come from the same definition.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

Labels = tuple[tuple[str, str], ...]
Samples = Mapping[tuple[str, Labels], float]
Vector = dict[Labels, float]
OPS: dict[str, Callable[[float, float], bool]] = {">": operator.gt, ">=": operator.ge}


@dataclass
class History:
    """Scraped samples over time, oldest first, kept for `keep_s` seconds."""

    keep_s: float
    points: list[tuple[float, Samples]] = field(default_factory=list)

    def add(self, at: float, samples: Samples) -> None:
        """Record one scrape and forget scrapes older than `keep_s`."""
        self.points.append((at, samples))
        self.points = [(t, s) for t, s in self.points if t >= at - self.keep_s]

    def latest(self) -> Samples:
        """The newest scrape (empty before the first)."""
        return self.points[-1][1] if self.points else {}


def _duration(seconds: float) -> str:
    return f"{int(seconds // 60)}m" if seconds % 60 == 0 else f"{int(seconds)}s"


def _selector(metric: str, match: Labels) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in match)
    return f"{metric}{{{inner}}}" if inner else metric


def _matching(samples: Samples, metric: str, match: Labels) -> Vector:
    wanted = set(match)
    return {
        labels: v
        for (name, labels), v in samples.items()
        if name == metric and wanted <= set(labels)
    }


@dataclass(frozen=True)
class Series:
    """The current value of each series of `metric` whose labels include `match`."""

    metric: str
    match: Labels = ()

    def promql(self) -> str:
        return _selector(self.metric, self.match)

    def evaluate(self, history: History, now: float) -> Vector:
        return _matching(history.latest(), self.metric, self.match)


@dataclass(frozen=True)
class Increase:
    """How much each counter series of `metric` grew during the last `window_s` seconds."""

    metric: str
    window_s: float
    match: Labels = ()

    def promql(self) -> str:
        return f"increase({_selector(self.metric, self.match)}[{_duration(self.window_s)}])"

    def evaluate(self, history: History, now: float) -> Vector:
        points = [s for t, s in history.points if now - self.window_s <= t <= now]
        out: Vector = {}
        for before, after in itertools.pairwise(points):
            previous = _matching(before, self.metric, self.match)
            for labels, value in _matching(after, self.metric, self.match).items():
                was = previous.get(labels, 0.0)
                out[labels] = out.get(labels, 0.0) + (value - was if value >= was else value)
        if points:
            for labels in _matching(points[-1], self.metric, self.match):
                out.setdefault(labels, 0.0)
        return out


@dataclass(frozen=True)
class Aggregate:
    """sum or max of `inner` per distinct value of the `by` labels."""

    how: str
    inner: Expr
    by: tuple[str, ...] = ()

    def promql(self) -> str:
        by = f" by ({', '.join(self.by)})" if self.by else ""
        return f"{self.how}{by} ({self.inner.promql()})"

    def evaluate(self, history: History, now: float) -> Vector:
        groups: dict[Labels, list[float]] = {}
        for labels, value in self.inner.evaluate(history, now).items():
            key = tuple((k, v) for k, v in labels if k in self.by)
            groups.setdefault(key, []).append(value)
        combine: Callable[[Iterable[float]], float] = sum if self.how == "sum" else max
        return {key: combine(values) for key, values in groups.items()}


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator on identical label sets (x/0 is +Inf, 0/0 is NaN)."""

    numerator: Expr
    denominator: Expr

    def promql(self) -> str:
        return f"{self.numerator.promql()} / {self.denominator.promql()}"

    def evaluate(self, history: History, now: float) -> Vector:
        den = self.denominator.evaluate(history, now)
        out: Vector = {}
        for labels, num in self.numerator.evaluate(history, now).items():
            if labels in den:
                d = den[labels]
                out[labels] = num / d if d else (math.inf if num > 0 else math.nan)
        return out


@dataclass(frozen=True)
class Compare:
    """The series of `inner` whose value is `op` the threshold (the alert's condition)."""

    inner: Expr
    op: str
    threshold: float

    def promql(self) -> str:
        return f"{self.inner.promql()} {self.op} {self.threshold:g}"

    def evaluate(self, history: History, now: float) -> Vector:
        test = OPS[self.op]
        return {
            k: v for k, v in self.inner.evaluate(history, now).items() if test(v, self.threshold)
        }


Expr = Series | Increase | Aggregate | Ratio | Compare
