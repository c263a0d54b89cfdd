"""What the pages must show, computed in Python: the served snapshot through the reference."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pyarrow as pa

from mes_dashboard.reference import evaluate

NOT_DUMMY = {"field": "IS_DUMMY", "op": "eq", "value": False}


def fetch_table(base_url: str, dataset: str) -> pa.Table:
    """The Arrow snapshot the browser gets, decoded with pyarrow."""
    with urllib.request.urlopen(f"{base_url}/api/v1/datasets/{dataset}", timeout=30) as resp:
        return pa.ipc.open_stream(resp.read()).read_all()


def fetch_row(base_url: str, dataset: str, key: str) -> dict[str, Any]:
    """One row of the rows endpoint (detail fields included)."""
    url = f"{base_url}/api/v1/datasets/{dataset}/rows/{urllib.parse.quote(key, safe='')}"
    with urllib.request.urlopen(url, timeout=30) as resp:
        row: dict[str, Any] = json.loads(resp.read())["row"]
        return row


def query(table: pa.Table, dataset: str, **parts: Any) -> dict[str, Any]:
    """`evaluate` with the query written as keyword arguments."""
    return evaluate(table, {"dataset": dataset, **parts})


def totals(table: pa.Table, metrics: list[str], filters: list[dict[str, Any]]) -> dict[str, Any]:
    """The `total` of a WIP query."""
    result: dict[str, Any] = query(table, "wip", filters=filters, metrics=metrics)["total"]
    return result
