/**
 * One store per dataset: the net poller fetches the Arrow snapshot through the fetch client
 * (backoff, deadline), the bytes are loaded into the core worker, and pages only evaluate queries
 * there. Polling runs while some page uses the dataset, pauses while the tab is hidden, and keeps
 * the last good data (with its degraded/stale status) through failures.
 *
 * Sync (issue 14): holding version A, a poll asks `?since=A` with `If-None-Match: "A"`; a 304 keeps
 * the table, a delta (`X-Payload: delta`) is applied in the worker, a full snapshot is loaded. A
 * delta that does not apply (DELTA_BASE_MISMATCH or any failure) is followed by one full fetch
 * without `since`. With a local copy, the store paints the last saved snapshot first (state
 * `local`), then revalidates it the same way; a full snapshot is saved as received, the table after
 * a delta is re-encoded in the worker and saved when the page is idle.
 */
import { type ShallowRef, shallowRef } from "vue";
import type { SnapshotRecord } from "../browser/snapshot-db";
import type { Filter, QueryResult, SnapshotDataset } from "../core/query";
import type { Suggestion, SuggestRequest } from "../core/suggest";
import type { CrossfilterScope, TableInfo } from "../core/worker/protocol";
import type { CoreClient } from "../core/worker/worker-client";
import type { FetchClient, FetchResult, Progress, ResponseMeta } from "../net/fetch-client";
import { createPoller, type Poller, type PollState, type VisibilitySource } from "../net/poller";
import type { LocalCopy } from "./local-copy";
import { createWidgetSync } from "./widget-sync";

export interface LoadedSnapshot {
  info: TableInfo;
  meta: ResponseMeta;
}

/** The local copy the page shows until the server confirms or replaces it. */
export interface LocalView {
  version: string;
  /** When it was saved on this device (epoch ms). */
  savedAt: number;
  snapshotTime: number | null;
}

export interface DatasetState extends PollState<LoadedSnapshot> {
  /** Download progress of the request in flight (null when none). */
  progress: Progress | null;
  /** Bumped each time new bytes are loaded into the worker; queries re-run on it. */
  revision: number;
  /** Set while the data shown is the local copy, not yet confirmed by the server. */
  local: LocalView | null;
}

/** Run `work` when the page is idle (requestIdleCallback in the browser). */
export type IdleScheduler = (work: () => void) => void;

export interface DatasetStoreOptions {
  dataset: SnapshotDataset;
  fetchClient: FetchClient;
  core: CoreClient;
  /** Resolves to the polling interval (from /api/v1/ui-config). */
  intervalMs: Promise<number>;
  visibility?: VisibilitySource;
  url?: string;
  deadlineMs?: number;
  /** The local copy (none: nothing is painted from or saved on this device). */
  localCopy?: LocalCopy;
  /** When to re-encode and save the table after a delta; default: a zero-delay timeout. */
  idle?: IdleScheduler;
  now?: () => number;
}

export interface DatasetStore {
  readonly dataset: SnapshotDataset;
  readonly state: ShallowRef<DatasetState>;
  /** Start polling for one user; the returned function releases it (polling stops with the last). */
  acquire(): () => void;
  refresh(): Promise<void>;
  /** Fetch the full snapshot again (no `since`) when in use, e.g. after the local data was cleared. */
  reload(): Promise<void>;
  /** Make the worker's crossfilter widgets exactly `widgets` (unchanged ones are not re-sent). */
  syncWidgets(widgets: Readonly<Record<string, readonly Filter[]>>): Promise<void>;
  evaluate(query: unknown, scope?: CrossfilterScope): Promise<QueryResult>;
  suggest(request: SuggestRequest, scope?: CrossfilterScope): Promise<Suggestion[]>;
}

const IDLE: PollState<LoadedSnapshot> = {
  status: "idle",
  data: null,
  error: null,
  degraded: null,
  dataAgeS: null,
  lastSuccessAt: null,
  loading: false,
  paused: false,
};

const INITIAL: DatasetState = { ...IDLE, progress: null, revision: 0, local: null };

const defaultIdle: IdleScheduler = (work) => {
  setTimeout(work, 0);
};

export function createDatasetStore(options: DatasetStoreOptions): DatasetStore {
  const { dataset, fetchClient, core, localCopy } = options;
  const url = options.url ?? `/api/v1/datasets/${dataset}`;
  const idle = options.idle ?? defaultIdle;
  const now = options.now ?? Date.now;
  const state = shallowRef<DatasetState>(INITIAL);
  let progress: Progress | null = null;
  let revision = 0;
  let poller: Poller<LoadedSnapshot> | null = null;
  let users = 0;
  let starting: Promise<void> | null = null;
  let painting: Promise<void> | null = null;
  /** What the worker holds now (also when a poll that loaded it was superseded). */
  let loaded: LoadedSnapshot | null = null;
  /** The local copy painted at start, until the server answers. */
  let local: (LocalView & { paintedAt: number }) | null = null;
  let fullNext = false;
  let saveQueued = false;

  const view = (s: PollState<LoadedSnapshot>): DatasetState => {
    if (s.data !== null || local === null || loaded === null) return { ...s, progress, revision, local: null };
    const { paintedAt, ...shown } = local;
    return {
      ...s,
      // Revalidating: shown as current; the server unreachable: degraded (the banner says why).
      status: s.error ? "degraded" : "ok",
      data: loaded,
      dataAgeS: loaded.meta.dataAgeS,
      lastSuccessAt: paintedAt,
      progress,
      revision,
      local: shown,
    };
  };

  const publish = (s?: PollState<LoadedSnapshot>) => {
    state.value = view(s ?? poller?.state() ?? IDLE);
  };

  const fetchSnapshot = (signal: AbortSignal, since: string | null) => {
    progress = { loaded: 0, total: null };
    publish();
    const target = since ? `${url}${url.includes("?") ? "&" : "?"}since=${encodeURIComponent(since)}` : url;
    return fetchClient.getBytes(target, {
      signal,
      deadlineMs: options.deadlineMs ?? 120_000,
      revalidate: { etag: since ? `"${since}"` : null },
      onProgress: (p) => {
        progress = p;
        publish();
      },
    });
  };

  const accept = (info: TableInfo, meta: ResponseMeta) => {
    loaded = { info, meta };
    revision += 1;
    return { data: loaded, meta };
  };

  const saveFull = (info: TableInfo, result: FetchResult<Uint8Array>) => {
    if (!localCopy || !info.version) return;
    void localCopy.save(dataset, info.version, result.data, result.meta.snapshotTime ?? info.snapshotTime);
  };

  /** After a delta: re-encode the worker's table once the page is idle, and save it. */
  const queueSave = () => {
    if (!localCopy || saveQueued) return;
    saveQueued = true;
    idle(() => {
      saveQueued = false;
      const held = loaded;
      if (!held?.info.version) return;
      core.encode(dataset).then(
        (bytes) => {
          // Only when no other table replaced it meanwhile (the next change queues its own save).
          if (loaded !== held || !held.info.version) return;
          void localCopy.save(dataset, held.info.version, bytes, held.meta.snapshotTime ?? held.info.snapshotTime);
        },
        (error: unknown) => console.warn(`local copy: ${dataset} was not re-encoded`, error),
      );
    });
  };

  const load = async (signal: AbortSignal) => {
    try {
      const held = loaded;
      const since = fullNext ? null : (held?.info.version ?? null);
      fullNext = false;
      let result = await fetchSnapshot(signal, since);
      if (result.notModified && held) return { data: { info: held.info, meta: result.meta }, meta: result.meta };
      progress = null;
      publish();
      if (result.meta.payload === "delta") {
        if (held && result.meta.deltaBase === held.info.version) {
          try {
            const info = await core.applyDelta(dataset, result.data, { transfer: true });
            queueSave();
            return accept(info, result.meta);
          } catch (error) {
            console.warn(`${dataset}: the delta from ${held.info.version} did not apply, fetching in full`, error);
          }
        }
        result = await fetchSnapshot(signal, null);
        progress = null;
        publish();
        if (result.meta.payload === "delta") throw new Error(`${dataset}: a delta answered a request without since`);
      }
      const info = await core.load(dataset, result.data, { dataset });
      saveFull(info, result);
      return accept(info, result.meta);
    } finally {
      progress = null;
    }
  };

  /** Paint the local copy, when one may be painted and nothing is loaded yet. */
  const paintLocal = async () => {
    if (!localCopy || loaded) return;
    const record = await localCopy.read(dataset);
    if (!record || loaded) return;
    try {
      const info = await core.load(dataset, new Uint8Array(record.bytes), { dataset, transfer: true });
      if (loaded) return;
      const paintedAt = now();
      loaded = { info, meta: localMeta(record, paintedAt) };
      local = { version: record.version, savedAt: record.savedAt, snapshotTime: record.snapshotTime, paintedAt };
      revision += 1;
      publish();
    } catch (error) {
      console.warn(`local copy: ${dataset} did not decode and is removed`, error);
      await localCopy.remove(dataset);
    }
  };

  const start = async () => {
    painting ??= paintLocal();
    await painting;
    const intervalMs = await options.intervalMs;
    poller ??= createPoller({ load, intervalMs, jitter: 0.1, visibility: options.visibility, onChange: publish });
    if (users > 0) poller.start();
  };

  return {
    dataset,
    state,
    acquire() {
      users += 1;
      if (users === 1) starting = start();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        users -= 1;
        if (users === 0) void starting?.then(() => users === 0 && poller?.stop());
      };
    },
    refresh: async () => {
      await starting;
      await poller?.refresh();
    },
    reload: async () => {
      fullNext = true;
      await starting;
      if (users > 0) await poller?.refresh();
    },
    syncWidgets: createWidgetSync(core, dataset),
    evaluate: (query, crossfilter) => core.evaluate(dataset, query, crossfilter),
    suggest: (request, scope) => core.suggest(dataset, request, scope),
  };
}

/** What the page knows of a local copy: its version and times, no server word yet. */
function localMeta(record: SnapshotRecord, paintedAt: number): ResponseMeta {
  return {
    degraded: null,
    dataAgeS: record.snapshotTime === null ? null : Math.max(0, (paintedAt - record.snapshotTime) / 1000),
    version: record.version,
    generatedAt: null,
    requestId: null,
    payload: null,
    deltaBase: null,
    snapshotTime: record.snapshotTime,
  };
}
