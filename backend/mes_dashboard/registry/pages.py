"""Reads and atomically writes the page registry file; validates its shape."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

DEFAULT = Path(__file__).with_name("pages.default.json")
STATUSES = frozenset({"released", "dev"})
_write_lock = threading.Lock()


class RegistryError(ValueError):
    """The registry file is malformed."""


def validate(doc: Any) -> dict[str, Any]:
    """Check drawers reference known pages and every page has an id, path, labels and status."""
    if not isinstance(doc, dict) or not isinstance(doc.get("pages"), list):
        raise RegistryError("registry must be an object with a 'pages' list")
    ids: set[str] = set()
    for i, page in enumerate(doc["pages"]):
        where = f"pages[{i}]"
        if not isinstance(page, dict):
            raise RegistryError(f"{where} must be an object")
        for key in ("id", "path"):
            if not isinstance(page.get(key), str) or not page[key]:
                raise RegistryError(f"{where}.{key} must be a non-empty string")
        label = page.get("label")
        if not isinstance(label, dict) or not label.get("zh-TW") or not label.get("en"):
            raise RegistryError(f"{where}.label needs zh-TW and en")
        if page.get("status") not in STATUSES:
            raise RegistryError(f"{where}.status must be one of {sorted(STATUSES)}")
        if page["id"] in ids:
            raise RegistryError(f"{where}.id {page['id']!r} is duplicated")
        ids.add(page["id"])
    for i, drawer in enumerate(doc.get("drawers", [])):
        unknown = [p for p in drawer.get("pages", []) if p not in ids]
        if unknown:
            raise RegistryError(f"drawers[{i}] names unknown page(s) {unknown}")
    return doc


def read_registry(path: Path | None) -> dict[str, Any]:
    """The registry at `path` (the packaged default when None or missing)."""
    source = path if path is not None and path.is_file() else DEFAULT
    with open(source, encoding="utf-8") as fh:
        return validate(json.load(fh))


def write_registry(path: Path, doc: dict[str, Any]) -> None:
    """Validate, then replace the file atomically (temp file in the same folder + rename)."""
    validate(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_lock:
        fd, tmp = tempfile.mkstemp(prefix=".pages-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def visible_pages(doc: dict[str, Any], is_admin: bool) -> dict[str, Any]:
    """The registry as a given user sees it: dev pages only for admins."""
    pages = [p for p in doc["pages"] if p["status"] == "released" or is_admin]
    ids = {p["id"] for p in pages}
    drawers = [
        d | {"pages": [p for p in d.get("pages", []) if p in ids]} for d in doc.get("drawers", [])
    ]
    return {"drawers": [d for d in drawers if d["pages"]], "pages": pages}
