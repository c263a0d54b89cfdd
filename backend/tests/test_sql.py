"""Every `sql/*.sql` file checked without a server: Oracle grammar, real columns, binds only.

Parsed in sqlglot's Oracle dialect; each column must exist in `contracts/oracle-schema.json` for
the object the statement reads (the configured default names, schema prefix dropped), or for the
object its table alias names (the history statement's semi-join). Values are
bind variables. The literal rule: a literal may appear only as a TO_DATE format mask or as one of
`CONSTANTS`, each a fixed fact of the domain or of SQL, never a configured value.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from mes_dashboard.config import Settings
from mes_dashboard.sources.base import OBJECTS
from mes_dashboard.sources.history_filter import HistoryFilter
from mes_dashboard.sources.oracle_sql import history_statement, render_sql, statements

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "contracts" / "oracle-schema.json").read_text("utf-8")
)
CONSTANTS = {
    ("Disapproved", True): "the asset status the domain leaves out of the production machines",
    ("1", False): "one day in date arithmetic; a flag's true value; `1 = 0` in describe",
    ("0", False): "`1 = 0`: a statement that reads no row (describe)",
}
GENERIC = ("describe", "row_count")  # one statement for any object


def schema_columns(obj: str) -> set[str]:
    """Column names of the schema object a logical object defaults to."""
    name = getattr(Settings(), OBJECTS[obj]).rsplit(".", 1)[-1]
    return {c["column_name"] for c in SCHEMA[name]["columns"]}


def problems(sql: str, obj: str) -> list[str]:
    """What is wrong with one rendered statement reading the logical object `obj`."""
    tree = sqlglot.parse_one(sql, dialect="oracle")
    known = schema_columns(obj)
    aliases = {
        t.alias_or_name: {c["column_name"] for c in SCHEMA[t.name]["columns"]}
        for t in tree.find_all(exp.Table)
    }
    out = [
        f"unknown column {c.name}"
        for c in tree.find_all(exp.Column)
        if c.name not in aliases.get(c.table, known)
    ]
    for lit in tree.find_all(exp.Literal):
        mask = isinstance(lit.parent, exp.StrToDate) and lit.arg_key == "format"
        if not mask and (str(lit.this), lit.is_string) not in CONSTANTS:
            out.append(f"literal {lit.sql(dialect='oracle')}")
    return list(dict.fromkeys(out))


def rendered() -> list[tuple[str, str, str]]:
    """(file, logical object, statement) for every SQL file, with a long and an empty list."""
    out = []
    for settings in (Settings(), replace(Settings(), excluded_locations=())):
        for key, sql in statements(settings).items():
            out.append((key, key.removesuffix("_watermark"), sql))
    long = replace(Settings(), excluded_locations=tuple(f"L{i}" for i in range(2500)))
    out.append(("resource", "resource", statements(long)["resource"]))
    names = {obj: getattr(Settings(), attr) for obj, attr in OBJECTS.items()}
    query = HistoryFilter(
        date(2026, 1, 1),
        date(2026, 3, 31),
        tuple(f"G{i}" for i in range(1500)),
        ("F1", "F2"),
        (("PJ_ISKEY", True), ("PJ_ISMONITOR", False)),
    )
    out.append(("resource_history", "resource_history", history_statement(names, ("L",), query)[0]))
    for generic in GENERIC:
        out.extend(
            (generic, obj, render_sql(generic, getattr(Settings(), a)))
            for obj, a in OBJECTS.items()
        )
    return out


def test_every_sql_file_is_checked() -> None:
    files = {
        p.name.removesuffix(".sql")
        for p in resources.files("mes_dashboard").joinpath("sql").iterdir()
        if p.name.endswith(".sql")
    }
    assert files == {key for key, _, _ in rendered()}


@pytest.mark.parametrize(("key", "obj", "sql"), rendered())
def test_statement_parses_with_real_columns_and_binds_only(key: str, obj: str, sql: str) -> None:
    assert problems(sql, obj) == []
    table = sqlglot.parse_one(sql, dialect="oracle").find(exp.Table)
    assert table is not None and table.name == getattr(Settings(), OBJECTS[obj]).rsplit(".", 1)[1]


def test_the_master_filters_run_in_sql_with_binds() -> None:
    tree = sqlglot.parse_one(statements(Settings())["resource"], dialect="oracle")
    placeholders = {p.name for p in tree.find_all(exp.Placeholder)}
    assert {"category_1", "type_1", "category_2", "type_2"} <= placeholders
    assert {c.name for c in tree.find_all(exp.Column)} >= {
        "OBJECTCATEGORY", "OBJECTTYPE", "WORKCENTERNAME", "PJ_ASSETSSTATUS", "LOCATIONNAME",
    }  # fmt: skip


def test_a_planted_bad_column_fails() -> None:
    sql = statements(Settings())["resource_history"].replace("OLDSTATUSNAME", "OLD_STATUS")
    assert problems(sql, "resource_history") == ["unknown column OLD_STATUS"]
    sql = statements(Settings())["resource_history"].replace("m.OBJECTTYPE", "m.TXNDATE")
    assert problems(sql, "resource_history") == ["unknown column TXNDATE"]  # not in the master
    sql = statements(Settings())["resource"].replace("WORKCENTERNAME", "CURRENTHOLDTIME")
    assert problems(sql, "resource") == ["unknown column CURRENTHOLDTIME"]


def test_a_formatted_value_fails() -> None:
    sql = statements(Settings())["resource"].replace(":category_1", "'ASSEMBLY'")
    assert problems(sql, "resource") == ["literal 'ASSEMBLY'"]
    sql = statements(Settings())["resource_history"].replace(":start_day", "'2026-01-01'")
    assert problems(sql, "resource_history") == ["literal '2026-01-01'"]
    sql = statements(Settings())["lot_watermark"] + " WHERE QTY > 100"
    assert problems(sql, "lot") == ["literal 100"]
