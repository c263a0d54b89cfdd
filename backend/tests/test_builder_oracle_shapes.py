"""Property: the builds accept exactly what the Oracle fetch yields for `oracle-schema.json`
(nulls, CHAR padding, text times, fractional and huge NUMBERs, repeated mapping rows, machine
rows that disagree) and their rules agree with a plain Python reference written here."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mes_dashboard import contracts
from mes_dashboard.config import EXCLUDED_LOCATIONS, NON_QUALITY_HOLD_REASONS
from mes_dashboard.datasets.resource import build_resource
from mes_dashboard.datasets.wip import build_wip
from mes_dashboard.snapshots.builder import BuildRules, Built
from raw_tables import SNAP, lot_table, mapping_table, master_table, status_table

TZ = "Asia/Taipei"
RULES = BuildRules(TZ, NON_QUALITY_HOLD_REASONS, EXCLUDED_LOCATIONS)
NOW = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)
WORKCENTERS = ("焊線-A1", "焊線-B1", "切割-A1", "測試-A1", "新線")  # 新線 is never mapped
GROUPS = ("焊線", "切割", "測試")
FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")
E10 = {c: c for c in ("PRD", "SBY", "UDT", "SDT", "EGT", "NST")} | {
    "PM": "UDT", "BKD": "UDT", "ENG": "EGT", "OFF": "NST",
}  # fmt: skip
INT32 = range(-(2**31), 2**31)
PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

padded = st.sampled_from(["", " ", "  "])
numbers = st.one_of(
    st.none(),
    st.integers(0, 5000).map(float),
    st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 2)),
    st.sampled_from([0.5, 1.5, 2.5, 3e9, 1e30, -4e12]),
)
counts = st.one_of(st.none(), st.integers(0, 3), st.just(9_999_999_999))  # NUMBER(10)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
release_texts = st.one_of(
    st.none(),
    st.tuples(moments, st.sampled_from(FORMATS)).map(lambda p: p[0].strftime(p[1])),
    st.sampled_from(["待PE確認", "TBD", "2026/13/40 10:00:00", "   "]),
)
sequences = st.sampled_from(["090", "150", "155", " 300", "1200", "abc", None])


@st.composite
def mappings(draw: st.DrawFn) -> list[tuple[str, str, str | None, str]]:
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(WORKCENTERS[:4]), st.sampled_from(GROUPS), sequences),
            min_size=1,
            max_size=12,
        )
    )
    return [(wc, group, seq, wc[:2]) for wc, group, seq in rows]  # type: ignore[misc]


@st.composite
def lots(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 12))
    return [
        {
            "LOTID": f"GA-{i:03d}",
            "WORKORDER": draw(st.sampled_from(["GA2512", None])),
            "QTY": draw(numbers),
            "QTY2": draw(numbers),
            "CURRENTHOLDCOUNT": draw(counts),
            "EQUIPMENTCOUNT": draw(counts),
            "EQUIPMENTNAME": draw(st.sampled_from([None, "   ", "WB-0001"])),
            "HOLDREASONNAME": draw(
                st.sampled_from([None, "外觀不良(QC)", *NON_QUALITY_HOLD_REASONS[:2]])
            ),
            "CURRENTHOLDTIME": draw(st.one_of(st.none(), moments)),
            "RELEASETIME": draw(release_texts),
            "WORKCENTERNAME": draw(st.sampled_from(WORKCENTERS)) + draw(padded),
            "CONTAINERID": f"{i:016X}",
        }
        for i in range(n)
    ]


def text(value: Any) -> str | None:
    stripped = value.strip() if isinstance(value, str) else None
    return stripped or None


def ref_int32(value: float | int | None, anomalies: Counter[str]) -> int | None:
    if value is None:
        return None
    whole = round(value)
    if whole not in INT32:
        anomalies["quantity_out_of_range"] += 1
        return None
    if whole != value:
        anomalies["quantity_rounded"] += 1
    return whole


def ref_release(value: str | None, anomalies: Counter[str]) -> datetime | None:
    value = text(value)
    if value is None:
        return None
    for fmt in FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=ZoneInfo(TZ))
        except ValueError:
            continue
    anomalies["releasetime_unparsed"] += 1
    return None


def ref_mapping(rows: list[tuple[str, str, str | None, str]]) -> dict[str, tuple[str, int | None]]:
    seqs: dict[str, list[int]] = {}
    groups: dict[str, list[str]] = {}
    for wc, group, seq, _ in rows:
        groups.setdefault(wc, []).append(group)
        digits = (seq or "").strip()
        if re.fullmatch(r"[0-9]{1,9}", digits):
            seqs.setdefault(group, []).append(int(digits))
    return {wc: (min(g), min(seqs.get(min(g), []), default=None)) for wc, g in groups.items()}


def assert_contract_schema(built: Built) -> None:
    expected = pa.schema(
        [
            pa.field(c["name"], contracts.arrow_type(c, TZ), nullable=c["nullable"])
            for c in contracts.columns(built.dataset)
        ]
    )
    assert built.table.schema.equals(expected)


@PROFILE
@given(lots(), mappings())
def test_wip_rules_match_the_reference(rows: list[dict[str, Any]], mapping: list[Any]) -> None:
    built = build_wip(lot_table(rows), mapping_table(mapping), RULES, NOW)
    assert_contract_schema(built)
    anomalies: Counter[str] = Counter()
    groups = ref_mapping(mapping)
    expected = []
    for r in sorted((r for r in rows if r["WORKORDER"]), key=lambda r: r["LOTID"]):
        on = (r["EQUIPMENTCOUNT"] or 0) > 0 or text(r["EQUIPMENTNAME"]) is not None
        status = "RUN" if on else "HOLD" if (r["CURRENTHOLDCOUNT"] or 0) > 0 else "QUEUE"
        reason = r["HOLDREASONNAME"]
        kind = "non_quality" if reason in NON_QUALITY_HOLD_REASONS else "quality"
        group, seq = groups.get(r["WORKCENTERNAME"].strip(), (None, None))
        expected.append(
            {
                "LOTID": r["LOTID"],
                "WIP_STATUS": status,
                "HOLD_TYPE": kind if status == "HOLD" else None,
                "QTY": ref_int32(r["QTY"], anomalies),
                "QTY2": ref_int32(r["QTY2"], anomalies),
                "CURRENTHOLDCOUNT": ref_int32(r["CURRENTHOLDCOUNT"], anomalies),
                "EQUIPMENTCOUNT": ref_int32(r["EQUIPMENTCOUNT"], anomalies),
                "RELEASETIME": ref_release(r["RELEASETIME"], anomalies),
                "WORKCENTER_GROUP": group,
                "WORKCENTER_GROUP_SEQ": seq,
            }
        )
    got = built.table.select(list(expected[0]) if expected else ["LOTID"]).to_pylist()
    assert got == expected
    assert built.anomalies == dict(+anomalies)


@st.composite
def machines(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ids = [f"M{i}" for i in range(draw(st.integers(1, 5)))]
    master = [
        {"RESOURCEID": f"{rid:<16}", "RESOURCENAME": rid, "WORKCENTERNAME": "切割-A1"}
        for rid in ids
    ]
    status = [
        {
            "RESOURCEID": f"{draw(st.sampled_from(ids)):<16}",
            "EQUIPMENTASSETSSTATUS": draw(st.sampled_from([None, "PRD", "SBY", "PM", "WAIT"])),
            "JOBORDER": draw(st.sampled_from([None, "JO1"])),
            "RUNCARDLOTID": draw(st.sampled_from([None, "L1", "L2", "L3"])),
            "LOTTRACKINTIME": draw(st.one_of(st.none(), moments)),
            "LOTTRACKINQTY_PCS": draw(numbers),
        }
        for _ in range(draw(st.integers(0, 10)))
    ]
    return master, status


def ref_order(row: dict[str, Any]) -> tuple[Any, ...]:
    since, code, lot = row["LOTTRACKINTIME"], row["EQUIPMENTASSETSSTATUS"], row["RUNCARDLOTID"]
    return (
        since is None,
        -(since or SNAP).timestamp(),
        code is None,
        code or "",
        lot is None,
        lot or "",
    )


@PROFILE
@given(machines())
def test_resource_rules_match_the_reference(drawn: tuple[list[Any], list[Any]]) -> None:
    master, status = drawn
    built = build_resource(master_table(master), status_table(status), mapping_table(), RULES, NOW)
    assert_contract_schema(built)
    disagreements = 0
    expected = []
    for m in sorted(master, key=lambda m: m["RESOURCEID"].strip()):
        rows = sorted((r for r in status if r["RESOURCEID"] == m["RESOURCEID"]), key=ref_order)
        first = rows[0] if rows else {}
        disagreements += len({r["EQUIPMENTASSETSSTATUS"] for r in rows}) > 1 or (
            len({r["JOBORDER"] for r in rows}) > 1
        )
        expected.append(
            {
                "RESOURCEID": m["RESOURCEID"].strip(),
                "STATUS_E10": E10.get(first.get("EQUIPMENTASSETSSTATUS") or "", "OTHER"),
                "HAS_JOB": any(r["JOBORDER"] for r in rows),
                "LOT_COUNT": len({r["RUNCARDLOTID"] for r in rows if r["RUNCARDLOTID"]}),
            }
        )
    assert built.table.select(list(expected[0])).to_pylist() == expected
    assert built.anomalies.get("status_disagreement", 0) == disagreements
