"""resource_history parameters: each bad one named in the problem, and a key blind to order."""

from __future__ import annotations

from datetime import date

import pytest

from mes_dashboard import contracts
from mes_dashboard.datasets.history_params import MAX_DAYS, cache_key, parse_history_params
from mes_dashboard.errors import ApiError
from mes_dashboard.sources.history_filter import HistoryFilter

GROUPS = {"焊接", "切割", "測試"}
FAMILIES = {"F-A", "F-B"}
BASE = {"start": "2026-01-01", "end": "2026-01-31"}


def parse(**args: str) -> HistoryFilter:
    return parse_history_params(BASE | args, GROUPS, FAMILIES)


@pytest.mark.parametrize(
    ("args", "parameter"),
    [
        ({"start": ""}, "start"),
        ({"start": "2026-1-1"}, "start"),
        ({"start": "20260101"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"end": "2025-12-31"}, "end"),  # before start
        ({"start": "2024-01-01", "end": "2025-12-31"}, "end"),  # 731 days
        ({"workcenter_groups": "焊接,NOPE"}, "workcenter_groups"),
        ({"families": "F-C"}, "families"),
        ({"is_key": "yes"}, "is_key"),
        ({"is_production": "1"}, "is_production"),
        ({"is_monitor": "maybe"}, "is_monitor"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_parameter_is_named(args: dict[str, str], parameter: str) -> None:
    with pytest.raises(ApiError) as info:
        parse_history_params(BASE | args, GROUPS, FAMILIES)
    assert info.value.spec.code == "INVALID_PARAMETER" and info.value.status == 400
    assert info.value.extra["parameter"] == parameter


def test_unknown_values_are_listed() -> None:
    with pytest.raises(ApiError) as info:
        parse(families="F-A,F-X,F-Y")
    assert info.value.extra["unknown_values"] == ["F-X", "F-Y"]


def test_the_limit_is_the_field_contract_s_and_the_openapi_text_names_it() -> None:
    assert MAX_DAYS == contracts.dataset("resource_history")["max_range_days"] == 730
    (end,) = [
        p
        for p in contracts.load("openapi")["paths"]["/api/v1/datasets/resource_history"]["get"][
            "parameters"
        ]
        if p.get("name") == "end"
    ]
    assert f"at most {MAX_DAYS} days, both ends included" in end["description"]


def test_the_longest_range_is_730_days_and_one_day_is_fine() -> None:
    assert parse_history_params(
        {"start": "2024-01-01", "end": "2025-12-30"}, GROUPS, FAMILIES
    ).end == date(2025, 12, 30)
    one = parse(start="2026-01-05", end="2026-01-05")
    assert (one.start, one.end) == (date(2026, 1, 5), date(2026, 1, 5))


def test_flags_are_true_false_or_absent() -> None:
    query = parse(is_key="true", is_monitor="FALSE", is_production="")
    assert query.flags == (("PJ_ISKEY", True), ("PJ_ISMONITOR", False))


def test_order_and_duplicates_do_not_change_the_key() -> None:
    a = parse(workcenter_groups="測試,焊接", families="F-B,F-A", is_key="true", is_monitor="false")
    b = parse(
        families=" F-A ,F-B,F-A,",
        workcenter_groups="焊接,測試,焊接",
        is_monitor="false",
        is_key="true",
    )
    assert a == b and cache_key(a) == cache_key(b)
    assert a.workcenter_groups == tuple(sorted({"測試", "焊接"}))
    assert cache_key(parse(families="F-A")) != cache_key(parse(families="F-B"))
    assert cache_key(parse(is_key="true")) != cache_key(parse(is_key="false"))
    assert cache_key(parse(end="2026-01-30")) != cache_key(parse())
