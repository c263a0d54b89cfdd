"""The Oracle statements' binds: machine kinds, chunked exclusion lists, nothing formatted."""

from __future__ import annotations

import re
from dataclasses import replace

from mes_dashboard.config import Settings
from mes_dashboard.sources.base import MACHINE_KINDS
from mes_dashboard.sources.oracle_sql import (
    IN_LIST_MAX,
    master_binds,
    not_in_lists,
    statement_binds,
    statements,
)

BIND = re.compile(r":([a-z_0-9]+)")


def test_every_bind_of_a_statement_has_a_value_and_no_value_is_in_the_text() -> None:
    settings = replace(Settings(), excluded_locations=("報廢", "O'Brien", "X) OR (1=1"))
    sql, binds = statements(settings), statement_binds(settings)
    for key in ("resource", "resource_watermark"):
        assert set(BIND.findall(sql[key])) == set(binds[key])
        for value in binds[key].values():
            assert value not in sql[key]
    assert binds["resource"]["location_2"] == "O'Brien"
    assert "OBJECTCATEGORY" in sql["resource_watermark"]
    assert "LOCATIONNAME" not in sql["resource_watermark"]


def test_machine_kinds_are_bound_in_pairs() -> None:
    binds = master_binds(())
    assert [(binds[f"category_{i}"], binds[f"type_{i}"]) for i in (1, 2)] == list(MACHINE_KINDS)
    assert set(binds) == {"category_1", "type_1", "category_2", "type_2"}


def test_an_empty_exclusion_list_excludes_nothing() -> None:
    settings = replace(Settings(), excluded_locations=())
    assert not_in_lists("LOCATIONNAME", "location", 0) == ""
    assert "LOCATIONNAME" not in statements(settings)["resource"]
    assert "{" not in statements(settings)["resource"]


def test_long_exclusion_lists_are_chunked_at_1000() -> None:
    fragment = not_in_lists("LOCATIONNAME", "location", 2 * IN_LIST_MAX + 1)
    lists = re.findall(r"NOT IN \(([^)]*)\)", fragment)
    assert [len(x.split(", ")) for x in lists] == [IN_LIST_MAX, IN_LIST_MAX, 1]
    assert fragment.startswith("AND (LOCATIONNAME IS NULL OR (")
    assert lists[2] == f":location_{2 * IN_LIST_MAX + 1}"
    settings = replace(Settings(), excluded_locations=tuple(f"L{i}" for i in range(2001)))
    assert len(statement_binds(settings)["resource"]) == 2001 + 2 * len(MACHINE_KINDS)
