"""The python-oracledb fetch rules, and the demo's columns checked against the dumped schema."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from mes_dashboard.config import Settings
from mes_dashboard.sources.base import OBJECTS
from mes_dashboard.sources.demo import schema
from mes_dashboard.sources.demo.generator import generate
from mes_dashboard.sources.demo.source import DemoSource
from mes_dashboard.sources.history_filter import HistoryFilter
from mes_dashboard.sources.oracle_types import (
    arrow_type,
    columns_of,
    declaration,
    oracle_schema,
    parse_declaration,
)

NOW = datetime(2026, 11, 28, 8, 0, 0)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("NUMBER", pa.float64()),
        ("NUMBER(10)", pa.int64()),
        ("NUMBER(18)", pa.int64()),
        ("NUMBER(19)", pa.float64()),
        ("NUMBER(12,6)", pa.float64()),
        ("DATE", pa.timestamp("ms")),
        ("CHAR(16)", pa.string()),
        ("VARCHAR2(4000)", pa.string()),
    ],
)
def test_fetch_rules(declared: str, expected: pa.DataType) -> None:
    assert arrow_type(parse_declaration(declared) | {"column_name": "X"}) == expected


def test_declarations_round_trip_every_dumped_column() -> None:
    for table in oracle_schema():
        for column in columns_of(table).values():
            again = parse_declaration(declaration(column))
            assert arrow_type(again | {"column_name": ""}) == arrow_type(column), column


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> DemoSource:
    path = tmp_path_factory.mktemp("types") / "demo.sqlite"
    generate(path, lots=300, machines=40, seed=5, history_days=2, now=NOW)
    return DemoSource.from_settings(Settings(demo_db=str(path)))


def test_the_demo_fetch_yields_what_python_oracledb_yields_for_the_real_types(
    source: DemoSource,
) -> None:
    for obj, table_name in schema.TABLE_OF.items():
        assert obj in OBJECTS
        fetched = (
            source.fetch_history(HistoryFilter(NOW.date().replace(day=1), NOW.date()))
            if obj == "resource_history"
            else source.fetch(obj)
        )
        real = columns_of(table_name)
        beyond = schema.NOT_IN_DUMP.get(table_name, {})
        for field in fetched.schema:
            if field.name in beyond:
                column = parse_declaration(beyond[field.name]) | {"column_name": field.name}
            else:
                assert field.name in real, f"{table_name}.{field.name} is not a real column"
                column = real[field.name]
            assert field.type == arrow_type(column), f"{table_name}.{field.name}"


def test_the_demo_declares_the_dumped_types(source: DemoSource) -> None:
    for table_name, columns in schema.TABLES.items():
        real = columns_of(table_name)
        for name, declared in columns:
            if name in schema.NOT_IN_DUMP.get(table_name, {}):
                continue
            assert declared == declaration(real[name]), f"{table_name}.{name}"


def test_char_columns_arrive_padded(source: DemoSource) -> None:
    lots = source.fetch("lot").column("CONTAINERID").to_pylist()
    assert all(len(x) == 16 for x in lots)
    history = source.fetch_history(HistoryFilter(NOW.date().replace(day=1), NOW.date()))
    assert all(len(x) == 16 for x in history.column("HISTORYID").to_pylist())


def test_the_schema_copy_lives_in_the_repository() -> None:
    here = Path(__file__).resolve().parents[2] / "contracts" / "oracle-schema.json"
    assert here.is_file()
    assert oracle_schema()["DW_MES_RESOURCE"]["row_count"] > 90_000
