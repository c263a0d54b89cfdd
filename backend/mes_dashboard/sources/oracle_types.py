"""The Arrow type python-oracledb fetches for an Oracle column type, and the dumped schema.

python-oracledb's fetch type rules ("Fetched Data Types" and "Fetching Data Frames" in its user
guide), as every source of this project must reproduce them:

- NUMBER without precision and scale (and any NUMBER with a scale other than 0) -> float
  (Python `float`, Arrow `float64`): QTY, QTY2, AGEBYDAYS, HOURS, LOTTRACKINQTY_PCS, the flags;
- NUMBER(p, 0) with p <= 18 -> int (Arrow `int64`); a larger precision does not fit and is float;
- DATE -> `datetime.datetime` without a time zone (Arrow naive `timestamp`, here in ms): the
  plant's local wall time;
- CHAR(n) -> str padded with spaces to n characters (RESOURCEID, JOBID, HISTORYID, CONTAINERID);
- VARCHAR2 -> str as stored (so RELEASETIME, VARCHAR2(4000), is text, and so are UTS and the
  sequences such as WORKCENTERSEQUENCE_GROUP).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from mes_dashboard.contracts import contracts_dir

MAX_INT_PRECISION = 18
SCHEMA_FILE = "oracle-schema.json"


def arrow_type(column: dict[str, Any]) -> pa.DataType:
    """The Arrow type python-oracledb yields for one column of `oracle-schema.json`."""
    kind = column["data_type"]
    if kind == "NUMBER":
        precision, scale = column.get("data_precision"), column.get("data_scale")
        whole = scale == 0 and precision is not None and precision <= MAX_INT_PRECISION
        return pa.int64() if whole else pa.float64()
    if kind == "DATE":
        return pa.timestamp("ms")
    if kind in ("CHAR", "VARCHAR2", "NCHAR", "NVARCHAR2"):
        return pa.string()
    raise ValueError(f"{column['column_name']}: no fetch rule for Oracle type {kind}")


def declaration(column: dict[str, Any]) -> str:
    """The column's Oracle type as DDL writes it: NUMBER, NUMBER(10), CHAR(16), VARCHAR2(40)."""
    kind = column["data_type"]
    if kind == "NUMBER":
        precision, scale = column.get("data_precision"), column.get("data_scale")
        if precision is None:
            return "NUMBER"
        return f"NUMBER({precision})" if not scale else f"NUMBER({precision},{scale})"
    if kind in ("CHAR", "VARCHAR2", "NCHAR", "NVARCHAR2"):
        return f"{kind}({column['data_length']})"
    return str(kind)


def parse_declaration(declared: str) -> dict[str, Any]:
    """The schema-dump shape of a DDL type such as `NUMBER(10)` or `CHAR(16)`."""
    text = declared.strip().upper()
    kind, _, rest = text.partition("(")
    numbers = [int(x) for x in rest.rstrip(")").split(",") if x.strip()] if rest else []
    column: dict[str, Any] = {"column_name": "", "data_type": kind.strip()}
    if column["data_type"] == "NUMBER":
        column["data_precision"] = numbers[0] if numbers else None
        column["data_scale"] = (numbers[1] if len(numbers) > 1 else 0) if numbers else None
    else:
        column["data_length"] = numbers[0] if numbers else None
    return column


@cache
def oracle_schema(path: str | None = None) -> dict[str, Any]:
    """`contracts/oracle-schema.json`: each object's columns, row count and indexes."""
    file = Path(path) if path else contracts_dir() / SCHEMA_FILE
    with open(file, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return {name: value for name, value in data.items() if not name.startswith("$")}


def columns_of(table: str) -> dict[str, dict[str, Any]]:
    """Column name -> its dumped description, for one object of the schema."""
    return {c["column_name"]: c for c in oracle_schema()[table]["columns"]}
