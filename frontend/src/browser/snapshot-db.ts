/**
 * The local copy's storage in IndexedDB (sync spec): database `mes-dashboard`, store `snapshots`,
 * one record per dataset keyed by its name. The database opens on first use; every failure
 * (no IndexedDB, private mode, quota) rejects the call with the browser's error, whose `name`
 * the caller reads (e.g. "QuotaExceededError").
 */

export const DB_NAME = "mes-dashboard";
export const STORE_NAME = "snapshots";
const DB_VERSION = 1;

/** One dataset's last snapshot: the Arrow IPC bytes and what the page shows about them. */
export interface SnapshotRecord {
  dataset: string;
  version: string;
  bytes: ArrayBuffer;
  /** The snapshot time (epoch ms) the server gave with these bytes, when known. */
  snapshotTime: number | null;
  /** When the bytes were stored (epoch ms). */
  savedAt: number;
  byteLength: number;
}

/** A record as IndexedDB holds it: the bytes as a Blob (an ArrayBuffer in records of older builds). */
type StoredRecord = Omit<SnapshotRecord, "bytes"> & { bytes: Blob | ArrayBuffer };

/** The storage the local copy works on (IndexedDB in the browser; a Map in unit tests). */
export interface SnapshotStorage {
  get(dataset: string): Promise<SnapshotRecord | null>;
  put(record: SnapshotRecord): Promise<void>;
  delete(dataset: string): Promise<void>;
  clear(): Promise<void>;
}

/** The storage over `factory` (the page's `indexedDB`); null when the browser has none. */
export function indexedDbSnapshots(factory: IDBFactory | undefined = globalThis.indexedDB): SnapshotStorage | null {
  if (!factory) return null;
  let opening: Promise<IDBDatabase> | null = null;
  const database = (): Promise<IDBDatabase> => {
    opening ??= openDatabase(factory).then(
      (db) => {
        // Another tab upgrading the database, or the browser closing it: open again on the next call.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        db.onclose = () => {
          opening = null;
        };
        return db;
      },
      (error: unknown) => {
        opening = null;
        throw error;
      },
    );
    return opening;
  };
  const run = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await database();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE_NAME, mode);
      const request = work(tx.objectStore(STORE_NAME));
      // Resolve once the transaction commits: a quota failure shows up as its abort.
      tx.oncomplete = () => resolve(request.result);
      tx.onabort = () => reject(tx.error ?? request.error ?? new DOMException("transaction aborted", "AbortError"));
    });
  };
  return {
    get: async (dataset) => {
      const stored = (await run("readonly", (s) => s.get(dataset))) as StoredRecord | undefined;
      if (!stored) return null;
      // A Blob is read from its file off the main thread (~70 ms at 100 MB); an ArrayBuffer record
      // (written before the Blob layout) is still read as it is.
      const bytes = stored.bytes instanceof Blob ? await stored.bytes.arrayBuffer() : stored.bytes;
      return { ...stored, bytes };
    },
    put: async (record) => {
      // Stored as a Blob: IndexedDB keeps it as a file, and reading it back skips the structured
      // clone of the whole buffer (an ArrayBuffer of 100 MB took 260-710 ms to get, a Blob 60-85 ms).
      const stored: StoredRecord = { ...record, bytes: new Blob([record.bytes]) };
      await run("readwrite", (s) => s.put(stored));
    },
    delete: async (dataset) => {
      await run("readwrite", (s) => s.delete(dataset));
    },
    clear: async () => {
      await run("readwrite", (s) => s.clear());
    },
  };
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(DB_NAME, DB_VERSION);
    } catch (error) {
      reject(error);
      return;
    }
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE_NAME))
        request.result.createObjectStore(STORE_NAME, { keyPath: "dataset" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new DOMException("IndexedDB did not open", "UnknownError"));
    request.onblocked = () => reject(new DOMException("IndexedDB is blocked by another tab", "InvalidStateError"));
  });
}
