"""The browser side: a static server for the built harness and a Playwright driver of its page.

`BrowserCore.evaluate_many(ipc, queries)` runs every query on the same bytes in one
`page.evaluate` call: the bytes travel once as base64 (or, when large, are fetched by the page from
the static server), each query is passed to `window.mesCore.evaluate` with its own copy of the
bytes, and the outcomes come back as one JSON text (non-finite numbers tagged, so a NaN is never
mistaken for null). `BrowserCore.page_view(page_id, state)` asks `window.mesCore.pageViews` for
the widgets and scoped queries a page runs in a UI state, as its own query module builds them.
"""

from __future__ import annotations

import base64
import http.server
import itertools
import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from testkit.chromium import BROWSER_TZ, launch

ROOT = Path(__file__).resolve().parents[1]
HARNESS_DIR = Path(os.environ.get("PARITY_HARNESS_DIR", ROOT / "frontend" / "dist-harness"))
BLOB_PREFIX = "/__parity__/blob/"
INLINE_LIMIT = 256 * 1024  # bytes; larger payloads are fetched by the page instead
NONFINITE = "__nonfinite__"
MIME_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".arrows": "application/vnd.apache.arrow.stream",
}

EVALUATE_JS = """
async ({ source, queries }) => {
  const core = window.mesCore;
  let bytes;
  if (source.url) {
    bytes = new Uint8Array(await (await fetch(source.url)).arrayBuffer());
  } else {
    const text = atob(source.base64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  }
  const out = [];
  for (const query of queries) {
    try {
      out.push({ ok: true, result: await core.evaluate(bytes.slice(), JSON.parse(query)) });
    } catch (error) {
      out.push({
        ok: false,
        code: error?.code ?? null,
        name: error?.name ?? null,
        message: String(error?.message ?? error),
      });
    }
  }
  return JSON.stringify(out, (key, value) =>
    typeof value === "number" && !Number.isFinite(value) ? { __nonfinite__: String(value) } : value,
  );
}
"""


@dataclass(frozen=True)
class Outcome:
    """One browser evaluation: the result, or the error's code and message."""

    ok: bool
    result: Any = None
    code: str | None = None
    message: str = ""

    def describe(self) -> str:
        """A short text for failure messages."""
        return json.dumps(self.result, ensure_ascii=False) if self.ok else self.error()

    def error(self) -> str:
        """The error as `CODE: message`."""
        return f"rejected with code={self.code!r}: {self.message}"


@dataclass(frozen=True)
class PageView:
    """What a page runs in one UI state: its widgets' filters and its named, scoped queries."""

    page: str
    state: str
    dataset: str
    widgets: dict[str, list[dict[str, Any]]]
    queries: dict[str, tuple[dict[str, Any], Any]] = field(repr=False)


class HarnessMissingError(RuntimeError):
    """The harness page is not built or does not expose `window.mesCore`."""


class StaticServer:
    """A threaded static file server on a free 127.0.0.1 port, plus in-memory blobs."""

    def __init__(self, directory: Path) -> None:
        self.blobs: dict[str, bytes] = {}
        self._ids = itertools.count()
        handler = partial(_Handler, self.blobs, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> None:
        """Serve in a background thread."""
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    @contextmanager
    def blob(self, data: bytes) -> Iterator[str]:
        """Serve `data` under a fresh path while the block runs."""
        key = str(next(self._ids))
        self.blobs[key] = data
        try:
            yield BLOB_PREFIX + key
        finally:
            del self.blobs[key]


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, blobs: dict[str, bytes], *args: Any, **kwargs: Any) -> None:
        self.blobs = blobs
        self.extensions_map = {**self.extensions_map, **MIME_TYPES}
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        if not self.path.startswith(BLOB_PREFIX):
            super().do_GET()
            return
        data = self.blobs.get(self.path.removeprefix(BLOB_PREFIX))
        if data is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.apache.arrow.stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class BrowserCore:
    """`window.mesCore` in one headless Chromium page."""

    def __init__(self, page: Page, server: StaticServer, console: list[str]) -> None:
        self.page = page
        self.server = server
        self.console = console

    def evaluate_many(self, ipc: bytes, queries: Sequence[Any]) -> list[Outcome]:
        """Evaluate each query on the same IPC bytes, in one round trip."""
        texts = [json.dumps(q, ensure_ascii=False, allow_nan=False) for q in queries]
        if len(ipc) <= INLINE_LIMIT:
            source = {"base64": base64.b64encode(ipc).decode("ascii")}
            raw = self.page.evaluate(EVALUATE_JS, {"source": source, "queries": texts})
        else:
            with self.server.blob(ipc) as path:
                source = {"url": path}
                raw = self.page.evaluate(EVALUATE_JS, {"source": source, "queries": texts})
        return [_outcome(item) for item in loads(raw)]

    def evaluate(self, ipc: bytes, query: Any) -> Outcome:
        """Evaluate one query."""
        return self.evaluate_many(ipc, [query])[0]

    def call(self, script: str, arg: Any = None) -> Any:
        """Run a script in the page (for features beyond evaluate)."""
        return self.page.evaluate(script, arg)

    def page_ids(self) -> list[str]:
        """The pages `window.mesCore.pageViews` knows."""
        return list(self.page.evaluate("() => [...window.mesCore.pageIds]"))

    def page_view(self, page_id: str, state: dict[str, Any], label: str = "") -> PageView:
        """The view the page `page_id` runs in the UI `state` (`label` names the state)."""
        raw = self.page.evaluate(
            "([id, state]) => JSON.stringify(window.mesCore.pageViews(id, JSON.parse(state)))",
            [page_id, json.dumps(state, ensure_ascii=False, allow_nan=False)],
        )
        view = json.loads(raw)
        queries = {name: (q["query"], q["scope"]) for name, q in view["queries"].items()}
        return PageView(page_id, label, view["dataset"], view["widgets"], queries)

    def exposes(self, name: str) -> bool:
        """Whether `window.mesCore` has a function of this name."""
        return bool(self.page.evaluate("(n) => typeof window.mesCore?.[n] === 'function'", name))


def loads(text: str) -> Any:
    """Parse the page's JSON text, restoring tagged non-finite numbers."""
    return json.loads(text, object_hook=_nonfinite)


def _nonfinite(obj: dict[str, Any]) -> Any:
    if set(obj) == {NONFINITE}:
        return float(obj[NONFINITE].replace("Infinity", "inf"))
    return obj


def _outcome(item: dict[str, Any]) -> Outcome:
    if item["ok"]:
        return Outcome(True, result=item["result"])
    return Outcome(False, code=item.get("code"), message=item.get("message") or "")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium (testkit's launch settings) for one or more harness pages."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_core(
    directory: Path = HARNESS_DIR,
    timeout_ms: float = 15_000,
    timezone_id: str = BROWSER_TZ,
    browser: Browser | None = None,
) -> Iterator[BrowserCore]:
    """Serve the harness, open it in headless Chromium (in `timezone_id`, default `MES_TEST_TZ`)
    and wait for `window.mesCore`. Pages of one process share `browser` when given (Playwright's
    sync API allows one instance at a time)."""
    if browser is None:
        with chromium() as own, browser_core(directory, timeout_ms, timezone_id, own) as core:
            yield core
        return
    index = directory / "index.html"
    if not index.is_file():
        raise HarnessMissingError(f"{index} does not exist: build it with `make harness`")
    server = StaticServer(directory)
    server.start()
    try:
        context = browser.new_context(timezone_id=timezone_id)
        try:
            page = context.new_page()
            console = _watch_console(page)
            page.goto(f"{server.url}/index.html")
            _wait_for_core(page, console, timeout_ms)
            yield BrowserCore(page, server, console)
        finally:
            context.close()
    finally:
        server.stop()


def _watch_console(page: Page) -> list[str]:
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            messages.append(f"console.{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda request: messages.append(f"request failed: {request.url}"))
    return messages


def _wait_for_core(page: Page, console: list[str], timeout_ms: float) -> None:
    try:
        page.wait_for_function("typeof window.mesCore?.evaluate === 'function'", timeout=timeout_ms)
    except Exception as error:
        logged = "\n".join(console) or "(no console errors)"
        raise HarnessMissingError(
            f"the harness page at {page.url} exposes no window.mesCore.evaluate after "
            f"{timeout_ms / 1000:.0f}s ({type(error).__name__}); browser console:\n{logged}"
        ) from None
