"""The browser's local copy as e2e tests read it: the records in the page's own IndexedDB."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# The records (without their bytes; without creating the database when it is missing).
READ_RECORDS = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name);
  if (!names.includes("mes-dashboard")) return [];
  return await new Promise((resolve, reject) => {
    const open = indexedDB.open("mes-dashboard");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("snapshots")) { db.close(); resolve([]); return; }
      const request = db.transaction("snapshots").objectStore("snapshots").getAll();
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        db.close();
        resolve(request.result.map((r) => ({
          dataset: r.dataset, version: r.version, byteLength: r.byteLength,
          bytes: r.bytes.size ?? r.bytes.byteLength, savedAt: r.savedAt,
        })));
      };
    };
  });
}"""


def records(page: Page) -> list[dict[str, Any]]:
    """The local copy's records in `page` (dataset, version, byteLength, bytes, savedAt)."""
    return list(page.evaluate(READ_RECORDS))


def wait_for_record(
    page: Page, dataset: str, newer_than: float = 0, version: str | None = None
) -> dict[str, Any]:
    """Wait until the page has saved `dataset` (after `newer_than`, epoch ms; of `version`)."""
    for _ in range(150):
        for record in records(page):
            fits = record["savedAt"] > newer_than and version in (None, record["version"])
            if record["dataset"] == dataset and fits:
                return record
        page.wait_for_timeout(100)
    raise AssertionError(f"no local copy of {dataset} (version {version}) was saved")
