import { describe, expect, it, vi } from "vitest";
import type { CoreClient } from "../core/worker/worker-client";
import type { FetchClient, FetchResult, ResponseMeta } from "../net/fetch-client";
import { createDatasetStore } from "./dataset-store";

const meta = (version: string, extra: Partial<ResponseMeta> = {}): ResponseMeta => ({
  degraded: null,
  dataAgeS: 5,
  version,
  generatedAt: null,
  requestId: null,
  payload: "full",
  deltaBase: null,
  snapshotTime: null,
  ...extra,
});

function fakes(answers: FetchResult<Uint8Array>[]) {
  const loads: Uint8Array[] = [];
  const filters: [string, unknown][] = [];
  const fetchClient = {
    getBytes: vi.fn(
      async (_url: string, opts?: { onProgress?: (p: { loaded: number; total: number | null }) => void }) => {
        opts?.onProgress?.({ loaded: 10, total: 20 });
        const next = answers.shift();
        if (!next) throw new Error("no more answers");
        return next;
      },
    ),
  } as unknown as FetchClient;
  const core = {
    load: vi.fn(async (name: string, bytes: Uint8Array) => {
      loads.push(bytes);
      return {
        name,
        numRows: bytes.length,
        columns: [],
        skippedColumns: [],
        metadata: {},
        snapshotTime: 1,
        version: `v${loads.length}`,
      };
    }),
    setFilters: vi.fn(async (_name: string, widget: string, f: unknown) => {
      filters.push([widget, f]);
      return null;
    }),
  } as unknown as CoreClient;
  return { fetchClient, core, loads, filters };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("dataset store", () => {
  it("loads bytes into the core, skips the reload on 304 and bumps the revision only on new data", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const f = fakes([
      { data: bytes, notModified: false, etag: '"v1"', meta: meta("v1"), attempts: 1 },
      { data: bytes, notModified: true, etag: '"v1"', meta: meta("v1"), attempts: 1 },
    ]);
    const store = createDatasetStore({
      dataset: "wip",
      fetchClient: f.fetchClient,
      core: f.core,
      intervalMs: Promise.resolve(60_000),
    });
    const release = store.acquire();
    await settle();
    await settle();
    expect(store.state.value).toMatchObject({ status: "ok", revision: 1, dataAgeS: 5, progress: null });
    expect(store.state.value.data?.info.numRows).toBe(3);
    await store.refresh();
    expect(f.loads).toHaveLength(1);
    expect(store.state.value.revision).toBe(1);
    release();
    await settle();
  });

  it("keeps the last good data when a refresh fails", async () => {
    const f = fakes([{ data: new Uint8Array([9]), notModified: false, etag: null, meta: meta("v1"), attempts: 1 }]);
    const store = createDatasetStore({
      dataset: "wip",
      fetchClient: f.fetchClient,
      core: f.core,
      intervalMs: Promise.resolve(60_000),
    });
    const release = store.acquire();
    await settle();
    await settle();
    await store.refresh();
    expect(store.state.value.status).toBe("degraded");
    expect(store.state.value.data?.info.numRows).toBe(1);
    expect(store.state.value.error?.message).toBe("no more answers");
    release();
  });

  it("sends only changed widgets and clears widgets no longer used", async () => {
    const f = fakes([]);
    const store = createDatasetStore({
      dataset: "wip",
      fetchClient: f.fetchClient,
      core: f.core,
      intervalMs: Promise.resolve(1),
    });
    const a = [{ field: "WIP_STATUS", op: "eq" as const, value: "RUN" }];
    await store.syncWidgets({ status: a, dummy: [] });
    await store.syncWidgets({ status: a });
    await store.syncWidgets({ other: a });
    expect(f.filters).toEqual([
      ["status", a],
      ["other", a],
      ["status", []],
    ]);
  });
});
