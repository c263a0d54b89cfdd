import { describe, expect, it, vi } from "vitest";
import { fakeTime } from "../../test-support/fake-time";
import type { CoreClient } from "../core/worker/worker-client";
import { ApiError } from "../net/api-error";
import type { FetchClient, FetchResult } from "../net/fetch-client";
import { createQueryDatasetStore } from "./query-dataset-store";

const meta = {
  degraded: null,
  dataAgeS: 0,
  version: "q",
  generatedAt: null,
  requestId: null,
  payload: null,
  deltaBase: null,
  snapshotTime: null,
};
type Answer = FetchResult<Uint8Array> | ApiError;

function fakes(answers: Answer[]) {
  const urls: string[] = [];
  const deadlines: (number | undefined)[] = [];
  const fetchClient = {
    getBytes: vi.fn(
      async (
        url: string,
        opts?: { deadlineMs?: number; onProgress?: (p: { loaded: number; total: number | null }) => void },
      ) => {
        urls.push(url);
        deadlines.push(opts?.deadlineMs);
        opts?.onProgress?.({ loaded: 5, total: 10 });
        const next = answers.shift();
        if (!next) throw new Error("no more answers");
        if (next instanceof ApiError) throw next;
        return next;
      },
    ),
    clearCache: vi.fn(),
  } as unknown as FetchClient;
  const core = {
    load: vi.fn(async (name: string, bytes: Uint8Array) => ({
      name,
      numRows: bytes.length,
      columns: [],
      skippedColumns: [],
      metadata: {},
      snapshotTime: null,
      version: "q",
    })),
  } as unknown as CoreClient;
  return { fetchClient, core, urls, deadlines };
}

const ok = (n: number): FetchResult<Uint8Array> => ({
  data: new Uint8Array(n),
  notModified: false,
  etag: null,
  meta,
  attempts: 1,
});

describe("query dataset store", () => {
  it("fetches per normalized parameters with the dataset's deadline and skips a repeat", async () => {
    const f = fakes([ok(3), ok(4)]);
    const time = fakeTime(1_000);
    const store = createQueryDatasetStore({
      dataset: "resource_history",
      ...f,
      deadlineMs: Promise.resolve(42_000),
      time,
    });
    await store.load({ start: "2026-01-01", end: "2026-01-07", families: ["B", "A"] });
    expect(store.state.value).toMatchObject({ status: "ok", revision: 1, loading: false, progress: null });
    expect(store.state.value.data?.info.numRows).toBe(3);
    await store.load({ families: ["A", "B", "A"], end: "2026-01-07", start: "2026-01-01" });
    expect(f.urls).toEqual(["/api/v1/datasets/resource_history?end=2026-01-07&families=A%2CB&start=2026-01-01"]);
    expect(f.deadlines).toEqual([42_000]);
    await store.load({ start: "2026-01-01", end: "2026-01-08" });
    expect(store.state.value).toMatchObject({ status: "ok", revision: 2 });
    expect(f.fetchClient.clearCache).toHaveBeenCalledWith(f.urls[0]);
  });

  it("keeps the last table on a 400 and names the parameter", async () => {
    const bad = new ApiError({
      status: 400,
      code: "INVALID_PARAMETER",
      retryable: false,
      parameter: "workcenter_groups",
    });
    const f = fakes([ok(3), bad]);
    const store = createQueryDatasetStore({
      dataset: "resource_history",
      ...f,
      deadlineMs: Promise.resolve(1),
      time: fakeTime(),
    });
    await store.load({ start: "2026-01-01", end: "2026-01-02" });
    await store.load({ start: "2026-01-01", end: "2026-01-02", workcenter_groups: ["nope"] });
    const s = store.state.value;
    expect(s).toMatchObject({ status: "degraded", revision: 1, retryAt: null });
    expect((s.error as ApiError).parameter).toBe("workcenter_groups");
    expect(s.data?.info.numRows).toBe(3);
  });

  it("retries a 503 by itself once Retry-After has passed", async () => {
    const busy = new ApiError({ status: 503, code: "DB_POOL_EXHAUSTED", retryable: true, retryAfterS: 5 });
    const f = fakes([busy, ok(7)]);
    const time = fakeTime(10_000);
    const store = createQueryDatasetStore({ dataset: "resource_history", ...f, deadlineMs: Promise.resolve(1), time });
    await store.load({ start: "2026-01-01", end: "2026-01-02" });
    expect(store.state.value).toMatchObject({ status: "error", retryAt: 15_000, revision: 0 });
    await time.advance(4_999);
    expect(f.urls).toHaveLength(1);
    await time.advance(1);
    expect(f.urls).toHaveLength(2);
    expect(store.state.value).toMatchObject({ status: "ok", retryAt: null, revision: 1, error: null });
  });
});
