import { describe, expect, it, vi } from "vitest";
import type { SnapshotRecord, SnapshotStorage } from "../browser/snapshot-db";
import { createLocalCopy, DEFAULT_LOCAL_COPY_LIMITS, isQuotaError, localCopyLimits, READ_AHEAD_MS } from "./local-copy";

const DAY = 86_400_000;

/** The storage in a Map; `fail` makes the next calls of one kind throw the given error. */
function memoryStorage() {
  const records = new Map<string, SnapshotRecord>();
  const fail: Partial<Record<"get" | "put" | "delete" | "clear", Error>> = {};
  const calls: string[] = [];
  const storage: SnapshotStorage = {
    get: async (dataset) => {
      calls.push(`get ${dataset}`);
      if (fail.get) throw fail.get;
      return records.get(dataset) ?? null;
    },
    put: async (record) => {
      calls.push(`put ${record.dataset}`);
      if (fail.put) throw fail.put;
      records.set(record.dataset, structuredClone(record));
    },
    delete: async (dataset) => {
      calls.push(`delete ${dataset}`);
      if (fail.delete) throw fail.delete;
      records.delete(dataset);
    },
    clear: async () => {
      calls.push("clear");
      if (fail.clear) throw fail.clear;
      records.clear();
    },
  };
  return { storage, records, fail, calls };
}

const quota = () => new DOMException("the quota is used up", "QuotaExceededError");

describe("local copy", () => {
  it("stores the bytes with version, snapshot time and save time, and reads them back", async () => {
    const m = memoryStorage();
    const copy = createLocalCopy({ storage: m.storage, now: () => 5_000 });
    const bytes = new Uint8Array([1, 2, 3, 4, 5]).subarray(1, 4);
    expect(await copy.save("wip", "v1", bytes, 4_000)).toBe(true);
    const record = await copy.read("wip");
    expect(record).toMatchObject({ dataset: "wip", version: "v1", snapshotTime: 4_000, savedAt: 5_000, byteLength: 3 });
    expect(Array.from(new Uint8Array(record?.bytes ?? new ArrayBuffer(0)))).toEqual([2, 3, 4]);
    expect(await copy.read("resource")).toBeNull();
    expect(copy.issue.value).toBeNull();
  });

  it("hands a read started ahead to the next read, once, and drops it on a save or clear", async () => {
    const m = memoryStorage();
    const copy = createLocalCopy({ storage: m.storage, now: () => 0 });
    await copy.save("wip", "v1", new Uint8Array([7]), null);
    m.calls.length = 0;
    copy.readAhead("wip");
    copy.readAhead("wip");
    expect(m.calls).toEqual(["get wip"]);
    expect((await copy.read("wip"))?.version).toBe("v1");
    expect(m.calls).toEqual(["get wip"]);
    // claimed once: the next read asks the storage again
    await copy.read("wip");
    expect(m.calls).toEqual(["get wip", "get wip"]);
    // a save in between: the read-ahead (of the older record) is not used
    copy.readAhead("wip");
    await copy.save("wip", "v2", new Uint8Array([8]), null);
    expect((await copy.read("wip"))?.version).toBe("v2");
    copy.readAhead("wip");
    await copy.clear();
    expect(await copy.read("wip")).toBeNull();
  });

  it("lets an unclaimed read-ahead go after READ_AHEAD_MS", async () => {
    vi.useFakeTimers();
    try {
      const m = memoryStorage();
      const copy = createLocalCopy({ storage: m.storage, now: () => 0 });
      await copy.save("wip", "v1", new Uint8Array([7]), null);
      m.calls.length = 0;
      copy.readAhead("wip");
      vi.advanceTimersByTime(READ_AHEAD_MS + 1);
      await copy.read("wip");
      expect(m.calls).toEqual(["get wip", "get wip"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("skips a snapshot above the size limit and removes the older copy", async () => {
    const m = memoryStorage();
    const copy = createLocalCopy({ storage: m.storage, maxBytes: 4, now: () => 0 });
    expect(await copy.save("wip", "v1", new Uint8Array(4), null)).toBe(true);
    expect(await copy.save("wip", "v2", new Uint8Array(5), null)).toBe(false);
    expect(m.records.has("wip")).toBe(false);
    expect(copy.issue.value).toBeNull();
  });

  it("does not paint a record older than the age limit, by its save time or its data's time", async () => {
    const m = memoryStorage();
    let now = 0;
    const copy = createLocalCopy({ storage: m.storage, maxAgeDays: 2, now: () => now });
    await copy.save("wip", "v1", new Uint8Array(1), 0);
    await copy.save("resource", "r1", new Uint8Array(1), -DAY);
    now = 2 * DAY;
    expect(await copy.read("wip")).not.toBeNull();
    expect(await copy.read("resource")).toBeNull();
    expect(m.records.has("resource")).toBe(false);
    now = 2 * DAY + 1;
    expect(await copy.read("wip")).toBeNull();
    expect(m.records.has("wip")).toBe(false);
  });

  it("ignores a record of another shape", async () => {
    const m = memoryStorage();
    const copy = createLocalCopy({ storage: m.storage, now: () => 0 });
    m.records.set("wip", { dataset: "wip", version: 7, bytes: "x", savedAt: 0 } as unknown as SnapshotRecord);
    expect(await copy.read("wip")).toBeNull();
  });

  it("on a full quota stops storing, removes the dataset's copy and says so once", async () => {
    const m = memoryStorage();
    const warnings: string[] = [];
    const copy = createLocalCopy({ storage: m.storage, now: () => 0, warn: (w) => warnings.push(w) });
    await copy.save("wip", "v1", new Uint8Array(1), null);
    m.fail.put = quota();
    expect(await copy.save("wip", "v2", new Uint8Array(2), null)).toBe(false);
    expect(await copy.save("resource", "r1", new Uint8Array(1), null)).toBe(false);
    expect(copy.issue.value).toBe("quota");
    expect(warnings).toEqual([expect.stringContaining("quota")]);
    expect(m.records.has("wip")).toBe(false);
    expect(m.calls.filter((c) => c.startsWith("put"))).toEqual(["put wip", "put wip"]);
    // Clearing frees space: storing resumes.
    delete m.fail.put;
    await copy.clear();
    expect(copy.issue.value).toBeNull();
    expect(await copy.save("wip", "v3", new Uint8Array(1), null)).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it("without storage (private mode) reads nothing, stores nothing and says so once", async () => {
    const warnings: string[] = [];
    const copy = createLocalCopy({ storage: null, warn: (w) => warnings.push(w) });
    expect(copy.issue.value).toBe("unavailable");
    expect(await copy.read("wip")).toBeNull();
    expect(await copy.save("wip", "v1", new Uint8Array(1), null)).toBe(false);
    await copy.clear();
    expect(warnings).toEqual([expect.stringContaining("IndexedDB")]);
  });

  it("when the storage fails to open, works on without it and never rejects", async () => {
    const m = memoryStorage();
    const warnings: string[] = [];
    const copy = createLocalCopy({ storage: m.storage, warn: (w) => warnings.push(w) });
    m.fail.get = new DOMException("private mode", "InvalidStateError");
    m.fail.put = m.fail.get;
    expect(await copy.read("wip")).toBeNull();
    expect(copy.issue.value).toBe("unavailable");
    expect(await copy.save("wip", "v1", new Uint8Array(1), null)).toBe(false);
    expect(await copy.read("resource")).toBeNull();
    expect(m.calls).toEqual(["get wip"]);
    expect(warnings).toHaveLength(1);
  });

  it("clear removes every record and reports a refusal to the caller", async () => {
    const m = memoryStorage();
    const copy = createLocalCopy({ storage: m.storage, now: () => 0 });
    await copy.save("wip", "v1", new Uint8Array(1), null);
    await copy.save("resource", "r1", new Uint8Array(1), null);
    await copy.clear();
    expect(m.records.size).toBe(0);
    m.fail.clear = new Error("refused");
    await expect(copy.clear()).rejects.toThrow("refused");
  });

  it("reads its limits from build settings, keeping defaults for missing or bad values", () => {
    expect(localCopyLimits({})).toEqual(DEFAULT_LOCAL_COPY_LIMITS);
    expect(localCopyLimits({ maxMb: "1.5", maxAgeDays: "3" })).toEqual({ maxBytes: 1_572_864, maxAgeDays: 3 });
    expect(localCopyLimits({ maxMb: "-1", maxAgeDays: " " })).toEqual(DEFAULT_LOCAL_COPY_LIMITS);
    expect(localCopyLimits({ maxMb: "many", maxAgeDays: "0" })).toEqual(DEFAULT_LOCAL_COPY_LIMITS);
  });

  it("knows a quota error under both names", () => {
    expect(isQuotaError(quota())).toBe(true);
    expect(isQuotaError({ name: "NS_ERROR_DOM_QUOTA_REACHED" })).toBe(true);
    expect(isQuotaError(new Error("x"))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});
