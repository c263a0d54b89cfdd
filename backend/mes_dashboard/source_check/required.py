"""The columns each source object must have: what the contract's builds read, with its type."""

from __future__ import annotations

from mes_dashboard import contracts
from mes_dashboard.datasets.resource import STATUS_COLUMNS, lot_columns
from mes_dashboard.datasets.wip import TEXT_TIMES

MAPPING = {
    "WORK_CENTER": "utf8",
    "WORK_CENTER_GROUP": "utf8",
    "WORKCENTERSEQUENCE_GROUP": "utf8",
    "WORK_CENTER_SHORT": "utf8",
}
HISTORY = {"HISTORYID": "utf8", "TXNDATE": "timestamp", "OLDSTATUSNAME": "utf8", "HOURS": "float64"}
MACHINE_KIND = {"OBJECTCATEGORY": "utf8", "OBJECTTYPE": "utf8"}


def _raw(dataset: str) -> dict[str, str]:
    return {c["name"]: c["type"] for c in contracts.columns(dataset) if not c.get("derived")}


def required_columns() -> dict[str, dict[str, str]]:
    """Logical object -> {column: contract type} for every object the builds read."""
    resource = _raw("resource")
    lot_list = contracts.dataset("resource")["detail_lists"]["lots"]
    status = {"RESOURCEID": "utf8"} | {c: resource[c] for c in STATUS_COLUMNS}
    status |= {c["name"]: c["type"] for c in lot_list if c["name"] in lot_columns()}
    master = {c: t for c, t in resource.items() if c not in STATUS_COLUMNS} | MACHINE_KIND
    return {
        "lot": _raw("wip") | dict.fromkeys(TEXT_TIMES, "text_timestamp"),
        "resource": master,
        "equipment_status": status,
        "spec_workcenter": MAPPING,
        "resource_history": HISTORY,
    }
