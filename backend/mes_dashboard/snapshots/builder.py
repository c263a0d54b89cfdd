"""What every dataset build shares: the rule configuration, the built result, raw normalization,
the workcenter mapping (rule 8), contract order and column lists.

Derived business columns (domain rules 1-7) are computed once per snapshot by each dataset's
build (`datasets/`), from configuration; the browser only aggregates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mes_dashboard import contracts
from mes_dashboard.config import Settings
from mes_dashboard.snapshots import normalize as nz
from mes_dashboard.snapshots.shape import require_columns

MAPPING_OBJECT = "spec_workcenter"
MAPPING_COLUMNS = (
    "WORK_CENTER",
    "WORK_CENTER_GROUP",
    "WORKCENTERSEQUENCE_GROUP",
    "WORK_CENTER_SHORT",
)


@dataclass(frozen=True)
class BuildRules:
    """The configuration the business rules depend on."""

    plant_tz: str
    non_quality_hold_reasons: tuple[str, ...]
    excluded_locations: tuple[str, ...]

    @classmethod
    def from_settings(cls, s: Settings) -> BuildRules:
        """Take the rule configuration from the settings."""
        return cls(s.plant_tz, s.non_quality_hold_reasons, s.excluded_locations)


@dataclass(frozen=True)
class Built:
    """A built dataset: the full table (main and detail columns), its snapshot time, the
    anomalies counted on the way (kind -> count) and the source watermark it was built at."""

    dataset: str
    table: pa.Table
    snapshot_time: datetime
    detail_lists: dict[str, dict[str, list[dict[str, Any]]]]
    anomalies: dict[str, int] = field(default_factory=dict)
    watermark: object = None


def normalize_raw(table: pa.Table, tz: str) -> dict[str, pa.ChunkedArray]:
    """Strip strings, drop NaN and localize DATE columns of a raw source table."""
    out: dict[str, pa.ChunkedArray] = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        typ = col.type
        if pa.types.is_dictionary(typ):
            col = col.cast(typ.value_type)
            typ = col.type
        if pa.types.is_string(typ) or pa.types.is_large_string(typ):
            out[name] = nz.strip_strings(col)
        elif pa.types.is_floating(typ):
            out[name] = nz.nan_to_null(col)
        elif pa.types.is_timestamp(typ) or pa.types.is_date(typ):
            out[name] = nz.localize(col, tz)
        elif pa.types.is_decimal(typ):
            out[name] = col.cast(pa.float64())
        else:
            out[name] = col
    return out


def workcenter_columns(
    workcenter: pa.ChunkedArray, raw_mapping: pa.Table, tz: str
) -> dict[str, pa.ChunkedArray]:
    """Rule 8: group, group sequence and short name of each workcenter, from the mapping only.

    The view has one row per SPEC, so a workcenter repeats: its group and short name are the
    least (code point) of its rows', and a group's sequence is the minimum numeric
    WORKCENTERSEQUENCE_GROUP over all the group's rows, so every group has exactly one.
    """
    require_columns(raw_mapping, MAPPING_COLUMNS, MAPPING_OBJECT)
    m = normalize_raw(raw_mapping.select(list(MAPPING_COLUMNS)), tz)
    rows = pa.table(
        {
            "WC": m["WORK_CENTER"],
            "GROUP": m["WORK_CENTER_GROUP"],
            "SEQ": nz.numeric_sequence(m["WORKCENTERSEQUENCE_GROUP"]),
            "SHORT": m["WORK_CENTER_SHORT"],
        }
    ).filter(pc.is_valid(m["WORK_CENTER"]))
    groups = rows.filter(pc.is_valid(rows["GROUP"])).group_by("GROUP").aggregate([("SEQ", "min")])
    per_wc = rows.group_by("WC").aggregate([("GROUP", "min"), ("SHORT", "min")])
    at_group = pc.index_in(per_wc["GROUP_min"], value_set=groups["GROUP"].combine_chunks())
    wc_seq = pc.take(groups["SEQ_min"], at_group)
    idx = pc.index_in(workcenter, value_set=per_wc["WC"].combine_chunks())
    return {
        "WORKCENTER_GROUP": pc.take(per_wc["GROUP_min"], idx),
        "WORKCENTER_GROUP_SEQ": pc.take(wc_seq, idx).cast(pa.int32()),
        "WORKCENTER_SHORT": pc.take(per_wc["SHORT_min"], idx),
    }


def latest_time(col: pa.ChunkedArray | None, fallback: datetime) -> datetime:
    """The latest timestamp of a column, or `fallback` when it has none."""
    if col is not None and col.null_count < len(col):
        value = pc.max(col).as_py()
        if isinstance(value, datetime):
            return value
    return fallback


def null_column(n: int, typ: pa.DataType) -> pa.ChunkedArray:
    """A column of `n` nulls of type `typ`."""
    return pa.chunked_array([pa.nulls(n, typ)], type=typ)


def sorted_by_key(dataset: str, table: pa.Table) -> pa.Table:
    """Rows in ascending order of the dataset's key (code-point order, as UTF-8 bytes compare).

    The source returns rows in no fixed order; sorting makes the snapshot version depend on the
    content only, and lets the browser rank identifier suggestions without sorting them itself.
    """
    key = contracts.dataset(dataset).get("key")
    if not key or key not in table.column_names or table.num_rows < 2:
        return table
    return table.take(pc.sort_indices(table[key]))


def main_columns(dataset: str) -> list[str]:
    """Names of the columns that ship in the Arrow payload."""
    return [c["name"] for c in contracts.columns(dataset, "main")]


def detail_columns(dataset: str) -> list[str]:
    """Names of the columns that ship only in the row endpoint."""
    return [c["name"] for c in contracts.columns(dataset, "detail")]
