/**
 * The dataset store's sync logic (issue 14) over a scripted fetch client and a fake core whose
 * "IPC" is text: `full:<version>` loads, `delta:<base>><version>` applies to <base> only.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { SnapshotRecord, SnapshotStorage } from "../browser/snapshot-db";
import { CoreError } from "../core/core-error";
import type { TableInfo } from "../core/worker/protocol";
import type { CoreClient } from "../core/worker/worker-client";
import { ApiError } from "../net/api-error";
import type { FetchClient, FetchResult, RequestOptions, ResponseMeta } from "../net/fetch-client";
import { createDatasetStore, type DatasetStore } from "./dataset-store";
import { createLocalCopy } from "./local-copy";

const URL = "/api/v1/datasets/wip";
const text = (s: string) => new TextEncoder().encode(s);
const read = (bytes: Uint8Array | ArrayBuffer) => new TextDecoder().decode(bytes);

const meta = (version: string, extra: Partial<ResponseMeta> = {}): ResponseMeta => ({
  degraded: null,
  dataAgeS: 3,
  version,
  generatedAt: null,
  requestId: null,
  payload: "full",
  deltaBase: null,
  snapshotTime: 1_000,
  ...extra,
});

const full = (version: string): FetchResult<Uint8Array> => ({
  data: text(`full:${version}`),
  notModified: false,
  etag: `"${version}"`,
  meta: meta(version),
  attempts: 1,
});

const delta = (base: string, version: string, header = base): FetchResult<Uint8Array> => ({
  data: text(`delta:${base}>${version}`),
  notModified: false,
  etag: `"${version}"`,
  meta: meta(version, { payload: "delta", deltaBase: header }),
  attempts: 1,
});

const notModified = (version: string): FetchResult<Uint8Array> => ({
  data: new Uint8Array(0),
  notModified: true,
  etag: `"${version}"`,
  meta: meta(version, { payload: null }),
  attempts: 1,
});

type Answer = FetchResult<Uint8Array> | Error | Promise<FetchResult<Uint8Array>>;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function scriptedFetch(answers: Answer[]) {
  const requests: { url: string; etag: string | null | undefined }[] = [];
  const fetchClient = {
    getBytes: async (url: string, opts: RequestOptions = {}) => {
      requests.push({ url, etag: opts.revalidate ? opts.revalidate.etag : undefined });
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as FetchClient;
  return { fetchClient, requests, answers };
}

function fakeCore() {
  let held: string | null = null;
  const calls: string[] = [];
  let encodeGate: Promise<void> | null = null;
  const info = (version: string): TableInfo => ({
    name: "wip",
    numRows: 1,
    columns: [],
    skippedColumns: [],
    metadata: {},
    snapshotTime: 500,
    version,
  });
  const core = {
    load: async (_name: string, bytes: Uint8Array) => {
      const body = read(bytes);
      calls.push(`load ${body}`);
      if (!body.startsWith("full:")) throw new CoreError("INVALID_IPC", "not a snapshot");
      held = body.slice(5);
      return info(held);
    },
    applyDelta: async (_name: string, bytes: Uint8Array) => {
      const body = read(bytes);
      calls.push(`applyDelta ${body}`);
      const [base, version] = body.slice(6).split(">") as [string, string];
      if (base !== held) throw new CoreError("DELTA_BASE_MISMATCH", `table is ${held}, delta base ${base}`);
      held = version;
      return info(version);
    },
    encode: async () => {
      const version = held;
      calls.push(`encode ${version}`);
      if (encodeGate) await encodeGate;
      return text(`full:${version}`);
    },
  } as unknown as CoreClient;
  return {
    core,
    calls,
    held: () => held,
    gateEncode: (gate: Promise<void> | null) => {
      encodeGate = gate;
    },
  };
}

function memoryStorage(initial: SnapshotRecord[] = []): SnapshotStorage & { records: Map<string, SnapshotRecord> } {
  const records = new Map(initial.map((r) => [r.dataset, r]));
  return {
    records,
    get: async (dataset) => records.get(dataset) ?? null,
    put: async (record) => {
      records.set(record.dataset, record);
    },
    delete: async (dataset) => {
      records.delete(dataset);
    },
    clear: async () => records.clear(),
  };
}

const record = (version: string, savedAt: number, body = `full:${version}`): SnapshotRecord => {
  const bytes = text(body);
  return {
    dataset: "wip",
    version,
    bytes: bytes.buffer,
    snapshotTime: savedAt - 100,
    savedAt,
    byteLength: bytes.length,
  };
};

function setup(answers: Answer[], storage?: SnapshotStorage, now = () => 10_000) {
  const f = scriptedFetch(answers);
  const c = fakeCore();
  const idleQueue: (() => void)[] = [];
  const localCopy = storage ? createLocalCopy({ storage, now }) : undefined;
  const store = createDatasetStore({
    dataset: "wip",
    fetchClient: f.fetchClient,
    core: c.core,
    intervalMs: Promise.resolve(3_600_000),
    localCopy,
    idle: (work) => idleQueue.push(work),
    now,
  });
  return { ...f, ...c, store, idleQueue };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await flush();
  }
  throw new Error(`never true: ${what}`);
}

const version = (store: DatasetStore) => store.state.value.data?.info.version ?? null;

describe("dataset store sync", () => {
  let warn: MockInstance<typeof console.warn>;
  const warned = () => warn.mock.calls.map((call) => String(call[0]));
  beforeEach(() => {
    warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
  });

  it("holding A asks since=A with If-None-Match, applies a delta, then asks since=B", async () => {
    const s = setup([full("v1"), delta("v1", "v2"), notModified("v2")]);
    const release = s.store.acquire();
    await until(() => version(s.store) === "v1", "first load");
    await s.store.refresh();
    expect(version(s.store)).toBe("v2");
    expect(s.store.state.value).toMatchObject({ status: "ok", revision: 2, local: null });
    await s.store.refresh();
    expect(s.requests).toEqual([
      { url: URL, etag: null },
      { url: `${URL}?since=v1`, etag: '"v1"' },
      { url: `${URL}?since=v2`, etag: '"v2"' },
    ]);
    expect(s.calls).toEqual(["load full:v1", "applyDelta delta:v1>v2"]);
    expect(s.store.state.value.revision).toBe(2);
    release();
  });

  it("after DELTA_BASE_MISMATCH fetches once in full without since", async () => {
    // The header names v1 but the bytes were built on v0: the core refuses them.
    const s = setup([full("v1"), delta("v0", "v2", "v1"), full("v2")]);
    const release = s.store.acquire();
    await until(() => version(s.store) === "v1", "first load");
    await s.store.refresh();
    expect(s.requests.map((r) => r.url)).toEqual([URL, `${URL}?since=v1`, URL]);
    expect(s.requests[2]?.etag).toBeNull();
    expect(s.calls).toEqual(["load full:v1", "applyDelta delta:v0>v2", "load full:v2"]);
    expect(warned()).toEqual(["wip: the delta from v1 did not apply, fetching in full"]);
    expect(s.store.state.value).toMatchObject({ status: "ok", error: null });
    expect(version(s.store)).toBe("v2");
    release();
  });

  it("does not apply a delta whose X-Delta-Base is not the held version", async () => {
    const s = setup([full("v1"), delta("v7", "v8"), full("v8")]);
    const release = s.store.acquire();
    await until(() => version(s.store) === "v1", "first load");
    await s.store.refresh();
    expect(s.calls).toEqual(["load full:v1", "load full:v8"]);
    expect(warned()).toEqual([]);
    expect(s.requests.map((r) => r.url)).toEqual([URL, `${URL}?since=v1`, URL]);
    release();
  });

  it("fails the poll (keeping the data) when the full refetch fails too, and tries since again next time", async () => {
    const s = setup([full("v1"), delta("v0", "v2", "v1"), new Error("gone"), delta("v1", "v2")]);
    const release = s.store.acquire();
    await until(() => version(s.store) === "v1", "first load");
    await s.store.refresh();
    expect(s.store.state.value).toMatchObject({ status: "degraded" });
    expect(version(s.store)).toBe("v1");
    await s.store.refresh();
    expect(s.requests.map((r) => r.url)).toEqual([URL, `${URL}?since=v1`, URL, `${URL}?since=v1`]);
    expect(version(s.store)).toBe("v2");
    release();
  });

  it("reload() fetches in full without since", async () => {
    const s = setup([full("v1"), full("v1")]);
    const release = s.store.acquire();
    await until(() => version(s.store) === "v1", "first load");
    await s.store.reload();
    expect(s.requests).toEqual([
      { url: URL, etag: null },
      { url: URL, etag: null },
    ]);
    release();
  });

  it("saves a full snapshot as received, and after deltas one re-encoded table when idle", async () => {
    const storage = memoryStorage();
    const s = setup([full("v1"), delta("v1", "v2"), delta("v2", "v3")], storage);
    const release = s.store.acquire();
    await until(() => storage.records.get("wip")?.version === "v1", "full saved");
    expect(storage.records.get("wip")).toMatchObject({ snapshotTime: 1_000, savedAt: 10_000, byteLength: 7 });
    await s.store.refresh();
    await s.store.refresh();
    expect(version(s.store)).toBe("v3");
    // Not before the page is idle, and one encode for both deltas.
    expect(s.calls.filter((c) => c.startsWith("encode"))).toEqual([]);
    expect(storage.records.get("wip")?.version).toBe("v1");
    expect(s.idleQueue).toHaveLength(1);
    s.idleQueue.shift()?.();
    await until(() => storage.records.get("wip")?.version === "v3", "delta table saved");
    expect(read(storage.records.get("wip")?.bytes ?? new ArrayBuffer(0))).toBe("full:v3");
    expect(s.calls.filter((c) => c.startsWith("encode"))).toEqual(["encode v3"]);
    release();
  });

  it("does not save an encoding overtaken by a newer table", async () => {
    const storage = memoryStorage();
    const s = setup([full("v1"), delta("v1", "v2"), delta("v2", "v3")], storage);
    const release = s.store.acquire();
    await until(() => storage.records.get("wip")?.version === "v1", "full saved");
    await s.store.refresh();
    const gate = deferred<void>();
    s.gateEncode(gate.promise);
    s.idleQueue.shift()?.();
    await until(() => s.calls.includes("encode v2"), "encode sent");
    await s.store.refresh();
    gate.resolve();
    await flush();
    await flush();
    expect(storage.records.get("wip")?.version).toBe("v1");
    s.gateEncode(null);
    s.idleQueue.shift()?.();
    await until(() => storage.records.get("wip")?.version === "v3", "newer table saved");
    release();
  });

  it("paints the local copy first, then revalidates it with since=<local version>", async () => {
    const storage = memoryStorage([record("v1", 9_000)]);
    const answer = deferred<FetchResult<Uint8Array>>();
    const s = setup([answer.promise], storage);
    const release = s.store.acquire();
    await until(() => s.requests.length === 1, "revalidation sent");
    expect(s.store.state.value).toMatchObject({
      status: "ok",
      revision: 1,
      local: { version: "v1", savedAt: 9_000, snapshotTime: 8_900 },
      lastSuccessAt: 10_000,
      dataAgeS: 1.1,
    });
    expect(version(s.store)).toBe("v1");
    expect(s.requests[0]).toEqual({ url: `${URL}?since=v1`, etag: '"v1"' });
    answer.resolve(notModified("v1"));
    await until(() => s.store.state.value.local === null, "confirmed");
    expect(s.store.state.value).toMatchObject({ status: "ok", revision: 1, dataAgeS: 3 });
    expect(s.calls).toEqual(["load full:v1"]);
    release();
  });

  it("with the server down at start shows the local copy as degraded, not an error", async () => {
    const storage = memoryStorage([record("v1", 9_000)]);
    const down = new ApiError({ status: 0, code: "NETWORK_ERROR", retryable: true });
    const s = setup([down, delta("v1", "v2")], storage);
    const release = s.store.acquire();
    await until(() => s.store.state.value.error !== null, "first poll failed");
    expect(s.store.state.value).toMatchObject({ status: "degraded", local: { version: "v1" } });
    expect(version(s.store)).toBe("v1");
    await s.store.refresh();
    expect(s.store.state.value).toMatchObject({ status: "ok", local: null, error: null });
    expect(version(s.store)).toBe("v2");
    release();
  });

  it("without a local copy a failed first poll is an error", async () => {
    const s = setup([new ApiError({ status: 503, code: "DB_UNAVAILABLE", retryable: true })], memoryStorage());
    const release = s.store.acquire();
    await until(() => s.store.state.value.error !== null, "first poll failed");
    expect(s.store.state.value).toMatchObject({ status: "error", data: null, local: null });
    release();
  });

  it("removes a local copy that does not decode and loads from the server", async () => {
    const storage = memoryStorage([record("v1", 9_000, "garbage")]);
    const s = setup([full("v2")], storage);
    const release = s.store.acquire();
    await until(() => version(s.store) === "v2", "loaded from the server");
    expect(s.requests[0]).toEqual({ url: URL, etag: null });
    expect(s.store.state.value.local).toBeNull();
    expect(warned()).toEqual(["local copy: wip did not decode and is removed"]);
    await until(() => storage.records.get("wip")?.version === "v2", "saved");
    release();
  });
});
