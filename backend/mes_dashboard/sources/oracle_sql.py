"""The Oracle statements: `sql/*.sql` rendered for the configured object names, and their binds.

The only configured text ever substituted into a statement is an object name that passed
`OBJECT_NAME`. Values travel as bind variables: a list of values (the excluded locations) becomes
generated bind names (`:location_1`, ...), never text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from importlib import resources
from typing import Any

from mes_dashboard.config import ConfigError, Settings
from mes_dashboard.sources.base import MACHINE_KINDS, OBJECTS, WATERMARKS
from mes_dashboard.sources.history_filter import HistoryFilter

OBJECT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_$#]{0,127}(\.[A-Za-z][A-Za-z0-9_$#]{0,127})?")
PLACEHOLDER = "{object}"
EXCLUDED_LOCATIONS = "{excluded_locations}"
IN_LIST_MAX = 1000  # ORA-01795: at most 1000 expressions in one IN list
HISTORY = "resource_history"
Binds = dict[str, Any]


def validate_object_name(name: str) -> str:
    """`name` when it is a plain `OBJECT` or `SCHEMA.OBJECT` identifier, else ValueError."""
    if not OBJECT_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain Oracle object name (SCHEMA.OBJECT)")
    return name


def render_sql(template: str, object_name: str, fragments: Mapping[str, str] | None = None) -> str:
    """The statement of `sql/<template>.sql`, comments dropped, with the validated object name.

    `fragments` fill the template's other `{marker}`s with generated SQL holding bind names only.
    """
    path = resources.files("mes_dashboard").joinpath("sql", f"{template}.sql")
    lines = path.read_text("utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    if PLACEHOLDER not in text:
        raise ValueError(f"sql/{template}.sql has no {PLACEHOLDER} placeholder")
    for marker, fragment in (fragments or {}).items():
        text = text.replace(marker, fragment)
    return text.replace(PLACEHOLDER, validate_object_name(object_name)).strip()


def not_in_lists(column: str, prefix: str, count: int) -> str:
    """`AND (column IS NULL OR column NOT IN (:prefix_1, ...) AND ...)`, 1000 binds per list."""
    if count == 0:
        return ""
    names = [f":{prefix}_{i}" for i in range(1, count + 1)]
    lists = [
        f"{column} NOT IN ({', '.join(names[i : i + IN_LIST_MAX])})"
        for i in range(0, count, IN_LIST_MAX)
    ]
    return f"AND ({column} IS NULL OR ({' AND '.join(lists)}))"


def in_lists(column: str, prefix: str, count: int) -> str:
    """`(column IN (:prefix_1, ...) OR ...)`, 1000 binds per list."""
    names = [f":{prefix}_{i}" for i in range(1, count + 1)]
    lists = [
        f"{column} IN ({', '.join(names[i : i + IN_LIST_MAX])})"
        for i in range(0, count, IN_LIST_MAX)
    ]
    return f"({' OR '.join(lists)})"


def list_binds(prefix: str, values: Sequence[str]) -> Binds:
    """`:prefix_n` binds of a list of values."""
    return {f"{prefix}_{i}": v for i, v in enumerate(values, start=1)}


def history_fragments(
    query: HistoryFilter, names: Mapping[str, str], excluded: int
) -> dict[str, str]:
    """The generated parts of the history statement for one query: validated object names and
    conditions holding bind names only."""
    flags = [
        f"AND m.{column} = 1" if value else f"AND (m.{column} IS NULL OR m.{column} <> 1)"
        for column, value in query.flags
    ]
    families, groups = query.families, query.workcenter_groups
    mapping = validate_object_name(names["spec_workcenter"])
    return {
        "{resource_object}": validate_object_name(names["resource"]),
        EXCLUDED_LOCATIONS: not_in_lists("m.LOCATIONNAME", "location", excluded),
        "{families}": (
            f"AND {in_lists('m.RESOURCEFAMILYNAME', 'family', len(families))}" if families else ""
        ),
        "{flags}": " ".join(flags),
        "{workcenter_groups}": (
            f"AND m.WORKCENTERNAME IN (SELECT w.WORK_CENTER FROM {mapping} w "
            f"WHERE {in_lists('w.WORK_CENTER_GROUP', 'group', len(groups))})"
            if groups
            else ""
        ),
    }


def history_statement(
    names: Mapping[str, str], excluded_locations: Sequence[str], query: HistoryFilter
) -> tuple[str, Binds]:
    """The history statement and its binds for one query, for the configured object names."""
    fragments = history_fragments(query, names, len(excluded_locations))
    sql = render_sql(HISTORY, names[HISTORY], fragments)
    binds = master_binds(excluded_locations) | {
        "start_day": datetime.combine(query.start, time()),
        "end_day": datetime.combine(query.end, time()),
    }
    binds |= list_binds("family", query.families) | list_binds("group", query.workcenter_groups)
    return sql, binds


def kind_binds() -> Binds:
    """The machine kinds (OBJECTCATEGORY, OBJECTTYPE) as `:category_n` and `:type_n` binds."""
    binds: Binds = {}
    for i, (category, typ) in enumerate(MACHINE_KINDS, start=1):
        binds[f"category_{i}"] = category
        binds[f"type_{i}"] = typ
    return binds


def master_binds(excluded_locations: Sequence[str]) -> Binds:
    """The binds of the master statement: machine kinds and one `:location_n` per exclusion."""
    locations = {f"location_{i}": v for i, v in enumerate(excluded_locations, start=1)}
    return kind_binds() | locations


def statement_binds(settings: Settings) -> dict[str, Binds]:
    """The binds of every statement that has some, by SQL file name."""
    return {
        "resource": master_binds(settings.excluded_locations),
        "resource_watermark": kind_binds(),
    }


def statements(settings: Settings) -> dict[str, str]:
    """Every statement the source runs, by SQL file name, for the configured object names (the
    history statement without a family, group or flag filter)."""
    fragments = {
        EXCLUDED_LOCATIONS: not_in_lists(
            "LOCATIONNAME", "location", len(settings.excluded_locations)
        )
    }
    names = {obj: getattr(settings, attr) for obj, attr in OBJECTS.items()}
    unfiltered = HistoryFilter(date(1970, 1, 1), date(1970, 1, 1))
    out: dict[str, str] = {}
    for obj, attr in OBJECTS.items():
        name = names[obj]
        try:
            if obj == HISTORY:
                excluded = len(settings.excluded_locations)
                out[obj] = render_sql(obj, name, history_fragments(unfiltered, names, excluded))
                continue
            out[obj] = render_sql(obj, name, fragments)
            if obj in WATERMARKS:
                out[f"{obj}_watermark"] = render_sql(f"{obj}_watermark", name)
        except ValueError as exc:
            raise ConfigError(f"MES_{attr.upper()}: {exc}") from None
    return out
