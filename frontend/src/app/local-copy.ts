/**
 * The browser's local copy of each snapshot dataset (issue 14): the last snapshot's IPC bytes and
 * version, kept so a reload paints at once and a page opened while the server is down still shows
 * data. The rules live here, over a small storage interface (IndexedDB in the browser):
 * a dataset larger than `maxBytes` is not stored, a record older than `maxAgeDays` is not painted,
 * and when storage is missing or full the app keeps working without it and says so once.
 */
import { type ShallowRef, shallowRef } from "vue";
import type { SnapshotRecord, SnapshotStorage } from "../browser/snapshot-db";

/** Why the local copy is not kept: no usable storage, or the storage quota ran out. */
export type LocalCopyIssue = "unavailable" | "quota";

export interface LocalCopyLimits {
  /** The largest snapshot stored, in bytes (bigger ones are skipped). */
  maxBytes: number;
  /** A record whose data or saving is older than this is not painted (and is removed). */
  maxAgeDays: number;
}

export const DEFAULT_LOCAL_COPY_LIMITS: LocalCopyLimits = { maxBytes: 256 * 1024 * 1024, maxAgeDays: 7 };

/** The limits from build settings (`VITE_LOCAL_COPY_MAX_MB`, `VITE_LOCAL_COPY_MAX_AGE_DAYS`); a missing or bad value keeps its default. */
export function localCopyLimits(settings: { maxMb?: string; maxAgeDays?: string }): LocalCopyLimits {
  const positive = (text: string | undefined) => {
    const value = Number(text);
    return text !== undefined && text.trim() !== "" && Number.isFinite(value) && value > 0 ? value : null;
  };
  const maxMb = positive(settings.maxMb);
  return {
    maxBytes: maxMb === null ? DEFAULT_LOCAL_COPY_LIMITS.maxBytes : Math.floor(maxMb * 1024 * 1024),
    maxAgeDays: positive(settings.maxAgeDays) ?? DEFAULT_LOCAL_COPY_LIMITS.maxAgeDays,
  };
}

export interface LocalCopyOptions extends Partial<LocalCopyLimits> {
  /** Null when the browser offers no storage (private mode, IndexedDB missing). */
  storage: SnapshotStorage | null;
  now?: () => number;
  /** Where the one notice per issue goes (console.warn by default). */
  warn?: (message: string) => void;
}

export interface LocalCopy {
  /** The dataset's record when one may be painted, else null (never rejects). */
  read(dataset: string): Promise<SnapshotRecord | null>;
  /**
   * Start reading the dataset's record now (at start, for the page being opened), so that the
   * store's `read` a moment later takes it instead of starting then. Unclaimed, it is dropped after
   * `READ_AHEAD_MS`; a save, removal or clear in between drops it too.
   */
  readAhead(dataset: string): void;
  /** Store a snapshot; false when it was not stored (too big, no storage, quota). Never rejects. */
  save(dataset: string, version: string, bytes: Uint8Array, snapshotTime: number | null): Promise<boolean>;
  /** Remove one dataset's record (e.g. one that no longer decodes). Never rejects. */
  remove(dataset: string): Promise<void>;
  /** Remove every record; rejects when the storage refuses (the user asked, so they hear of it). */
  clear(): Promise<void>;
  /** The issue in effect (null while the local copy works), for a quiet note in the shell. */
  readonly issue: ShallowRef<LocalCopyIssue | null>;
}

const DAY_MS = 86_400_000;
/** How long a read-ahead waits to be claimed before its bytes are let go. */
export const READ_AHEAD_MS = 15_000;

const MESSAGES: Record<LocalCopyIssue, string> = {
  unavailable: "local copy: this browser offers no usable IndexedDB; data is not kept on this device",
  quota: "local copy: the storage quota is used up; data is no longer kept on this device",
};

export function createLocalCopy(options: LocalCopyOptions): LocalCopy {
  const { storage } = options;
  const limits: LocalCopyLimits = {
    maxBytes: options.maxBytes ?? DEFAULT_LOCAL_COPY_LIMITS.maxBytes,
    maxAgeDays: options.maxAgeDays ?? DEFAULT_LOCAL_COPY_LIMITS.maxAgeDays,
  };
  const now = options.now ?? Date.now;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const issue = shallowRef<LocalCopyIssue | null>(storage ? null : "unavailable");
  const told = new Set<LocalCopyIssue>();
  let writable = storage !== null;

  const report = (kind: LocalCopyIssue) => {
    issue.value = kind;
    writable = false;
    if (told.has(kind)) return;
    told.add(kind);
    warn(MESSAGES[kind]);
  };
  if (!storage) report("unavailable");

  const ahead = new Map<string, Promise<SnapshotRecord | null>>();
  const forget = (dataset?: string) => {
    if (dataset === undefined) ahead.clear();
    else ahead.delete(dataset);
  };

  const remove = async (dataset: string) => {
    forget(dataset);
    await storage?.delete(dataset).catch(() => undefined);
  };

  const readNow = async (dataset: string): Promise<SnapshotRecord | null> => {
    if (!storage || issue.value === "unavailable") return null;
    let record: SnapshotRecord | null;
    try {
      record = await storage.get(dataset);
    } catch {
      report("unavailable");
      return null;
    }
    if (!isRecord(record) || record.dataset !== dataset) return null;
    const since = Math.min(record.savedAt, record.snapshotTime ?? record.savedAt);
    if (now() - since > limits.maxAgeDays * DAY_MS) {
      await remove(dataset);
      return null;
    }
    return record;
  };

  const read = (dataset: string): Promise<SnapshotRecord | null> => {
    const started = ahead.get(dataset);
    forget(dataset);
    return started ?? readNow(dataset);
  };

  const readAhead = (dataset: string) => {
    if (!storage || ahead.has(dataset)) return;
    const started = readNow(dataset);
    ahead.set(dataset, started);
    setTimeout(() => {
      if (ahead.get(dataset) === started) forget(dataset);
    }, READ_AHEAD_MS);
  };

  const save = async (dataset: string, version: string, bytes: Uint8Array, snapshotTime: number | null) => {
    forget(dataset);
    if (!storage || !writable) return false;
    if (bytes.byteLength > limits.maxBytes) {
      // An older, smaller copy would be painted at the next start in place of the current data.
      await remove(dataset);
      return false;
    }
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const buffer = whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
    const record: SnapshotRecord = {
      dataset,
      version,
      bytes: buffer,
      snapshotTime,
      savedAt: now(),
      byteLength: bytes.byteLength,
    };
    try {
      await storage.put(record);
      return true;
    } catch (error) {
      if (isQuotaError(error)) {
        await remove(dataset);
        report("quota");
      } else {
        report("unavailable");
      }
      return false;
    }
  };

  const clear = async () => {
    forget();
    if (!storage) return;
    await storage.clear();
    // Space was freed: try storing again.
    if (issue.value === "quota") {
      issue.value = null;
      writable = true;
    }
  };

  return { read, readAhead, save, remove, clear, issue };
}

function isRecord(value: unknown): value is SnapshotRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Partial<SnapshotRecord>;
  return (
    typeof r.dataset === "string" &&
    typeof r.version === "string" &&
    r.bytes instanceof ArrayBuffer &&
    typeof r.savedAt === "number" &&
    (r.snapshotTime === null || typeof r.snapshotTime === "number")
  );
}

/** QuotaExceededError, under its legacy Firefox name too. */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "QuotaExceededError" || name === "NS_ERROR_DOM_QUOTA_REACHED";
}
