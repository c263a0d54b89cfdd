"""Bench-only WSGI app: the product app plus a baseline endpoint doing what the old system did.

The old dashboards filtered and grouped the full snapshot on the server for every widget of every
request and returned JSON. `/bench/baseline/<widget>` does the same with pyarrow compute (faster
than the old pandas code, so the comparison favours the baseline). Not part of the product.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from flask import Blueprint, Response, request

from mes_dashboard.app import create_app

FILTERS = ("WORKORDER", "LOTID", "PACKAGE_LEF", "PJ_TYPE")


def _filtered(table: pa.Table) -> pa.Table:
    mask = pc.invert(table.column("IS_DUMMY"))
    for name in FILTERS:
        value = request.args.get(name)
        if value:
            col = table.column(name)
            if pa.types.is_dictionary(col.type):
                col = col.cast(pa.string())
            hit = pc.match_substring(col, value, ignore_case=True)
            mask = pc.and_(mask, pc.fill_null(hit, False))
    return table.filter(mask)


def _widget(table: pa.Table, widget: str) -> Any:
    t = _filtered(table)
    if widget == "kpi":
        return {"lots": t.num_rows, "qty": pc.sum(t.column("QTY")).as_py()}
    if widget == "status":
        keys = ["WIP_STATUS", "HOLD_TYPE"]
        return (
            t.select([*keys, "QTY"])
            .group_by(keys)
            .aggregate([("QTY", "sum"), ("QTY", "count")])
            .to_pylist()
        )
    if widget == "matrix":
        keys = ["WORKCENTER_GROUP", "PACKAGE_LEF"]
        return t.select([*keys, "QTY"]).group_by(keys).aggregate([("QTY", "sum")]).to_pylist()
    if widget in ("pareto_quality", "pareto_non_quality"):
        kind = "quality" if widget == "pareto_quality" else "non_quality"
        held = t.filter(
            pc.fill_null(pc.equal(t.column("HOLD_TYPE").cast(pa.string()), kind), False)
        )
        out = (
            held.select(["HOLDREASONNAME", "QTY"])
            .group_by("HOLDREASONNAME")
            .aggregate([("QTY", "sum")])
            .sort_by([("QTY_sum", "descending")])
        )
        return out.to_pylist()
    raise KeyError(widget)


app = create_app()
services = app.extensions["mes_services"]
bp = Blueprint("baseline", __name__)


@bp.get("/bench/baseline/<widget>")
def baseline(widget: str) -> Response:
    snap = services.store.current("wip")
    body = json.dumps(_widget(snap.table, widget), ensure_ascii=False, default=str)
    return Response(body, content_type="application/json")


app.register_blueprint(bp)
