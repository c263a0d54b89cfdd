"""Declared column types -> the Python kind the fetch yields, and what each contract type accepts.

python-oracledb fetches NUMBER without precision as float, NUMBER(p,0) as int, DATE and TIMESTAMP
as naive datetime, CHAR/VARCHAR2 as str. The demo's SQLite declarations map the same way.
"""

from __future__ import annotations

import re

DECLARATION = re.compile(r"\s*([A-Z0-9_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\))?\s*")
STRINGS = {"CHAR", "NCHAR", "VARCHAR", "VARCHAR2", "NVARCHAR2", "CLOB", "NCLOB", "LONG", "TEXT"}
FLOATS = {"BINARY_DOUBLE", "BINARY_FLOAT", "FLOAT", "REAL", "DOUBLE"}
INTEGERS = {"INTEGER", "INT", "SMALLINT"}
ACCEPTS = {
    "utf8": {"str"},
    "dictionary": {"str"},
    "int32": {"int", "float"},
    "int64": {"int", "float"},
    "float64": {"float", "int"},
    "timestamp": {"timestamp"},
    # a timestamp the build parses from text (RELEASETIME is VARCHAR2 in the warehouse)
    "text_timestamp": {"timestamp", "str"},
    "bool": {"int", "float"},
}


def fetch_kind(declared: str) -> str | None:
    """`int`, `float`, `str` or `timestamp` for a declaration (`NUMBER(10,0)`, `DATE`...)."""
    match = DECLARATION.fullmatch(declared.upper())
    if match is None:
        return None
    base, precision, scale = match.group(1), match.group(2), match.group(3)
    if base == "NUMBER":
        return "int" if precision is not None and int(scale or 0) == 0 else "float"
    if base in INTEGERS:
        return "int"
    if base in FLOATS:
        return "float"
    if base == "DATE" or base.startswith("TIMESTAMP"):
        return "timestamp"
    return "str" if base in STRINGS else None


def compatible(declared: str, contract_type: str) -> bool:
    """True when the fetched kind of `declared` can be conformed to `contract_type`."""
    return fetch_kind(declared) in ACCEPTS.get(contract_type, set())
