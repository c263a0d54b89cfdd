"""The `resource_history` dataset: hours per machine, shift day and E10 status, queried per
request (in development: declared, not served yet)."""

from __future__ import annotations

from mes_dashboard.datasets.spec import DatasetSpec, Parameter

RESOURCE_HISTORY = DatasetSpec(
    name="resource_history",
    kind="query",
    key=None,
    sources=("resource_history", "resource", "spec_workcenter"),
    parameters=(
        Parameter("start", "date"),
        Parameter("end", "date"),
        Parameter("workcenter_groups", "strings"),
        Parameter("families", "strings"),
        Parameter("is_production", "bool"),
        Parameter("is_key", "bool"),
        Parameter("is_monitor", "bool"),
    ),
    status="dev",
)
