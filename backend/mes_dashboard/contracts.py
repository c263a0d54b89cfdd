"""Loads the JSON contracts in `contracts/` (fields, metrics, errors, query schema)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa


def contracts_dir() -> Path:
    """The contracts folder: `MES_CONTRACTS_DIR`, else `contracts/` at the repository root."""
    override = os.environ.get("MES_CONTRACTS_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "contracts"


@cache
def load(name: str) -> Any:
    """Parse `contracts/<name>.json` once per process."""
    with open(contracts_dir() / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def dataset(name: str) -> dict[str, Any]:
    """The field contract of one dataset; KeyError when unknown."""
    result: dict[str, Any] = load("fields")["datasets"][name]
    return result


def dataset_names() -> list[str]:
    """Names of every dataset in the field contract."""
    return list(load("fields")["datasets"])


def plant_timezone() -> str:
    """The plant time zone the contract's timestamps carry."""
    tz: str = load("fields")["timezone"]
    return tz


def columns(name: str, payload: str | None = None) -> list[dict[str, Any]]:
    """Column specs of a dataset, optionally only those of one payload (`main` or `detail`)."""
    cols: list[dict[str, Any]] = dataset(name)["columns"]
    return [c for c in cols if payload is None or c["payload"] == payload]


def arrow_type(spec: dict[str, Any], tz: str | None = None) -> pa.DataType:
    """The Arrow type of one column spec."""
    kind = spec["type"]
    if kind == "dictionary":
        return pa.dictionary(pa.int32(), pa.string())
    if kind == "timestamp":
        return pa.timestamp("ms", tz=tz or plant_timezone())
    if kind == "date":
        return pa.date32()
    return {"utf8": pa.string(), "int32": pa.int32(), "float64": pa.float64(), "bool": pa.bool_()}[
        kind
    ]


def arrow_schema(name: str, payload: str | None = "main") -> pa.Schema:
    """The Arrow schema of a dataset's payload as the contract fixes it."""
    return pa.schema(
        [pa.field(c["name"], arrow_type(c), nullable=c["nullable"]) for c in columns(name, payload)]
    )


def metrics() -> dict[str, dict[str, Any]]:
    """Metric definitions by id."""
    return {m["id"]: m for m in load("metrics")["metrics"]}
