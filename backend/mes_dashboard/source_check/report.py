"""The source check: blocking problems (run at start) and the full go-live report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mes_dashboard.resilience.db_errors import DbError
from mes_dashboard.source_check import findings
from mes_dashboard.source_check.kinds import compatible, fetch_kind
from mes_dashboard.source_check.required import required_columns
from mes_dashboard.sources.base import OBJECTS, Source
from mes_dashboard.sources.history_filter import HistoryFilter

MUST_HAVE_ROWS = ("lot", "resource")
COUNTED = ("lot", "resource", "equipment_status", "spec_workcenter")
SHOWN = 20
HISTORY_DAYS = 7


class SourceUnreachable(RuntimeError):
    """The source did not answer: nothing about its content can be said."""


@dataclass
class Report:
    """Sections of lines, and the blocking problems among them."""

    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The report as an operator reads it."""
        out = []
        for title, lines in self.sections:
            out.append(f"== {title}")
            out.extend(f"  {line}" for line in lines or ["none"])
        out.append("== Blocking problems")
        out.extend(f"  {line}" for line in self.blocking or ["none"])
        return "\n".join(out) + "\n"


def _raise_if_unreachable(exc: Exception) -> None:
    if isinstance(exc, DbError) and exc.infrastructure:
        raise SourceUnreachable(f"the source did not answer: {exc.detail}") from exc


def column_problems(source: Source, names: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(report lines, blocking problems) of the required columns and their types."""
    lines: list[str] = []
    blocking: list[str] = []
    for obj, required in required_columns().items():
        try:
            declared = dict(source.columns(obj))
        except Exception as exc:
            _raise_if_unreachable(exc)
            blocking.append(f"{names[obj]}: object cannot be read ({exc})")
            continue
        bad = []
        for column, contract_type in required.items():
            if column not in declared:
                bad.append(f"{names[obj]}.{column}: required column missing")
            elif not compatible(declared[column], contract_type):
                bad.append(
                    f"{names[obj]}.{column}: {declared[column]} fetches as "
                    f"{fetch_kind(declared[column])}, the contract needs {contract_type}"
                )
        blocking.extend(bad)
        lines.append(f"{names[obj]}: {len(required) - len(bad)}/{len(required)} required ok")
    return lines, blocking


def row_problems(source: Source, names: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(report lines, blocking problems) of the row counts: an empty lot view or master blocks."""
    lines: list[str] = []
    blocking: list[str] = []
    for obj in COUNTED:
        try:
            count = source.row_count(obj)
        except Exception as exc:
            _raise_if_unreachable(exc)
            lines.append(f"{names[obj]}: cannot count ({exc})")
            continue
        lines.append(f"{names[obj]}: {count} rows")
        if obj in MUST_HAVE_ROWS and count == 0:
            blocking.append(f"{names[obj]}: no rows (a refresh in progress, or the wrong object)")
    return lines, blocking


def blocking_problems(source: Source, names: Mapping[str, str]) -> list[str]:
    """The problems that must stop the service: missing columns, bad types, empty objects."""
    _, columns = column_problems(source, names)
    _, rows = row_problems(source, names)
    return columns + rows


def _listed(items: Mapping[Any, Any], show: Callable[[Any, Any], str]) -> list[str]:
    lines = [show(k, v) for k, v in list(items.items())[:SHOWN]]
    if len(items) > SHOWN:
        lines.append(f"... and {len(items) - SHOWN} more")
    return lines


def full_report(source: Source, names: Mapping[str, str], today: date) -> Report:
    """Every section of the go-live report."""
    report = Report()
    column_lines, column_blocking = column_problems(source, names)
    row_lines, row_blocking = row_problems(source, names)
    report.sections += [("Required columns", column_lines), ("Row counts", row_lines)]
    report.blocking = column_blocking + row_blocking
    report.sections += _data_sections(source, today)
    return report


def _data_sections(source: Source, today: date) -> list[tuple[str, list[str]]]:
    try:
        lots, mapping = source.fetch("lot"), source.fetch("spec_workcenter")
        status = source.fetch("equipment_status")
        days = [today - timedelta(days=n) for n in range(HISTORY_DAYS - 1, -1, -1)]
        history = source.fetch_history(HistoryFilter(days[0], days[-1]))
    except Exception as exc:
        return [("Data findings", [f"could not read the data: {exc}"])]
    per_day = findings.rows_per_day(history, days)
    return [
        (
            "Mapping conflicts (groups with several sequences)",
            _listed(findings.mapping_conflicts(mapping), lambda g, s: f"{g}: {', '.join(s)}"),
        ),
        (
            "Workcenters with lots but no mapping",
            _listed(findings.unmapped_workcenters(lots, mapping), lambda w, n: f"{w}: {n} lots"),
        ),
        (
            "Lots whose WORKCENTER_GROUP differs from the mapped group",
            _listed(
                findings.group_mismatches(lots, mapping),
                lambda k, n: f"{k[0]}: {n} lots say {k[1]}, the mapping says {k[2]}",
            ),
        ),
        (
            "Machines whose status rows disagree",
            _listed(findings.disagreeing_machines(status), lambda r, d: f"{r}: {', '.join(d)}"),
        ),
        ("History rows per day (last 7 days)", [f"{d}: {n}" for d, n in per_day.items()]),
    ]


def object_names(configured: Mapping[str, str]) -> dict[str, str]:
    """Logical object -> the name shown in the report (the configured object name)."""
    return {obj: configured.get(obj, obj) for obj in OBJECTS}
