"""The core worker's crossfilter driven from the harness page, and the plain model it must equal.

`window.mesCore` exposes only `evaluate`, so the driver starts the harness build's own core
worker (`assets/core-worker-*.js`, the module the pages run) in the page and speaks its documented
message protocol (frontend/README.md, "Worker protocol"): `load {name, bytes, dataset}`,
`setFilters {name, widget, filters}`, `evaluate {name, query, crossfilter: "all" | {except}}`,
`applyDelta {name, bytes}` and `encode {name}` (its bytes come back as `bytes` outcomes).

The model: a widget -> filters mapping. A widget's view ("all but own") is the query with the
filters of every other widget added (AND); `"all"` and an unknown widget add every widget's filters.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.harness import HARNESS_DIR, BrowserCore, HarnessMissingError, Outcome, loads

Filters = list[dict[str, Any]]
Scope = str | dict[str, str]

START_JS = """
async (url) => {
  window.__parityWorker?.terminate();
  const worker = new Worker(url, { type: "module", name: "parity-crossfilter" });
  const pending = new Map();
  let next = 0;
  worker.addEventListener("message", (event) => {
    const resolve = pending.get(event.data.id);
    pending.delete(event.data.id);
    resolve?.(event.data);
  });
  worker.addEventListener("error", (event) => {
    for (const resolve of pending.values()) {
      resolve({ ok: false, error: { code: "WORKER_ERROR", message: String(event.message) } });
    }
    pending.clear();
  });
  window.__parityWorker = worker;
  window.__paritySend = (request) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      worker.postMessage({ id, request });
    });
  return (await window.__paritySend({ type: "drop", name: "probe" })).ok;
}
"""

SEND_JS = """
async ({ requests, base64, delta }) => {
  const decode = (b64) => {
    const text = atob(b64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  };
  const encode = (bytes) => {
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  };
  const out = [];
  for (const request of JSON.parse(requests)) {
    if (request.type === "load") request.bytes = decode(base64);
    if (request.type === "applyDelta") request.bytes = decode(delta);
    const reply = await window.__paritySend(request);
    if (reply.ok && reply.result instanceof Uint8Array) {
      reply.result = { __bytes__: encode(reply.result) };
    }
    out.push(reply);
  }
  return JSON.stringify(out, (key, value) =>
    typeof value === "number" && !Number.isFinite(value) ? { __nonfinite__: String(value) } : value,
  );
}
"""


def worker_url(directory: Path = HARNESS_DIR) -> str:
    """The harness build's core worker module, relative to its index.html."""
    found = sorted(directory.glob("assets/core-worker-*.js"))
    if len(found) != 1:
        raise HarnessMissingError(f"expected one assets/core-worker-*.js in {directory}: {found}")
    return f"assets/{found[0].name}"


class WorkerCrossfilter:
    """One table named `name` in a fresh core worker; requests go in one round trip per call."""

    def __init__(self, core: BrowserCore, name: str = "parity") -> None:
        self.core = core
        self.name = name
        if not core.call(START_JS, worker_url()):
            raise HarnessMissingError("the core worker does not answer its protocol")

    def send(
        self, requests: Sequence[Mapping[str, Any]], ipc: bytes = b"", delta: bytes = b""
    ) -> list[Outcome]:
        """Send requests in order (a `load` takes `ipc` as its bytes, an `applyDelta` `delta`);
        one outcome per request (an `encode` result is the bytes)."""
        arg = {
            "requests": json.dumps([{**r, "name": self.name} for r in requests], allow_nan=False),
            "base64": base64.b64encode(ipc).decode("ascii"),
            "delta": base64.b64encode(delta).decode("ascii"),
        }
        replies = loads(self.core.call(SEND_JS, arg))
        return [
            Outcome(True, result=_bytes(r["result"]))
            if r["ok"]
            else Outcome(False, code=r["error"].get("code"), message=r["error"].get("message", ""))
            for r in replies
        ]


def _bytes(result: Any) -> Any:
    """An `encode` result back as bytes; any other result as it is."""
    if isinstance(result, dict) and set(result) == {"__bytes__"}:
        return base64.b64decode(result["__bytes__"])
    return result


@dataclass
class CrossfilterModel:
    """Widget -> filters, as the crossfilter should hold them."""

    widgets: dict[str, Filters] = field(default_factory=dict)

    def set_filters(self, widget: str, filters: Filters) -> None:
        """Replace a widget's filters; an empty list removes the widget."""
        if filters:
            self.widgets[widget] = list(filters)
        else:
            self.widgets.pop(widget, None)

    def filters(self, widget: str) -> Filters:
        """A widget's own filters."""
        return self.widgets.get(widget, [])

    def view_filters(self, scope: Scope) -> Filters:
        """The filters a scope adds: every widget's but the excepted one's."""
        own = scope["except"] if isinstance(scope, dict) else None
        return [f for w, filters in self.widgets.items() if w != own for f in filters]

    def view_query(self, query: Mapping[str, Any], scope: Scope) -> dict[str, Any]:
        """The plain query the reference evaluates for a crossfilter view."""
        return {**query, "filters": [*query.get("filters", []), *self.view_filters(scope)]}

    def drop_missing(self, columns: Sequence[str]) -> None:
        """A reload drops each widget that filters on a column the new table lacks."""
        for widget in [
            w for w, fs in self.widgets.items() if any(f["field"] not in columns for f in fs)
        ]:
            del self.widgets[widget]
