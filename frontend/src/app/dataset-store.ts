/**
 * One store per dataset: the net poller fetches the Arrow snapshot through the fetch client (ETag
 * revalidation, backoff), the bytes are loaded into the core worker, and pages only evaluate
 * queries there. Polling runs while some page uses the dataset, pauses while the tab is hidden,
 * and keeps the last good data (with its degraded/stale status) through failures.
 */
import { type ShallowRef, shallowRef } from "vue";
import type { Filter, QueryResult, SnapshotDataset } from "../core/query";
import type { Suggestion, SuggestRequest } from "../core/suggest";
import type { CrossfilterScope, TableInfo } from "../core/worker/protocol";
import type { CoreClient } from "../core/worker/worker-client";
import type { FetchClient, Progress, ResponseMeta } from "../net/fetch-client";
import { createPoller, type Poller, type PollState, type VisibilitySource } from "../net/poller";
import { createWidgetSync } from "./widget-sync";

export interface LoadedSnapshot {
  info: TableInfo;
  meta: ResponseMeta;
}

export interface DatasetState extends PollState<LoadedSnapshot> {
  /** Download progress of the request in flight (null when none). */
  progress: Progress | null;
  /** Bumped each time new bytes are loaded into the worker; queries re-run on it. */
  revision: number;
}

export interface DatasetStoreOptions {
  dataset: SnapshotDataset;
  fetchClient: FetchClient;
  core: CoreClient;
  /** Resolves to the polling interval (from /api/v1/ui-config). */
  intervalMs: Promise<number>;
  visibility?: VisibilitySource;
  url?: string;
  deadlineMs?: number;
}

export interface DatasetStore {
  readonly dataset: SnapshotDataset;
  readonly state: ShallowRef<DatasetState>;
  /** Start polling for one user; the returned function releases it (polling stops with the last). */
  acquire(): () => void;
  refresh(): Promise<void>;
  /** Make the worker's crossfilter widgets exactly `widgets` (unchanged ones are not re-sent). */
  syncWidgets(widgets: Readonly<Record<string, readonly Filter[]>>): Promise<void>;
  evaluate(query: unknown, scope?: CrossfilterScope): Promise<QueryResult>;
  suggest(request: SuggestRequest, scope?: CrossfilterScope): Promise<Suggestion[]>;
}

const INITIAL: DatasetState = {
  status: "idle",
  data: null,
  error: null,
  degraded: null,
  dataAgeS: null,
  lastSuccessAt: null,
  loading: false,
  paused: false,
  progress: null,
  revision: 0,
};

export function createDatasetStore(options: DatasetStoreOptions): DatasetStore {
  const { dataset, fetchClient, core } = options;
  const url = options.url ?? `/api/v1/datasets/${dataset}`;
  const state = shallowRef<DatasetState>(INITIAL);
  let progress: Progress | null = null;
  let revision = 0;
  let poller: Poller<LoadedSnapshot> | null = null;
  let users = 0;
  let starting: Promise<void> | null = null;

  const publish = (s: PollState<LoadedSnapshot>) => {
    state.value = { ...s, progress, revision };
  };

  const load = async (signal: AbortSignal) => {
    progress = { loaded: 0, total: null };
    if (poller) publish(poller.state());
    try {
      const result = await fetchClient.getBytes(url, {
        signal,
        deadlineMs: options.deadlineMs ?? 120_000,
        onProgress: (p) => {
          progress = p;
          if (poller) publish(poller.state());
        },
      });
      const current = state.value.data;
      if (result.notModified && current && current.info.version === (result.meta.version ?? current.info.version)) {
        return { data: { info: current.info, meta: result.meta }, meta: result.meta };
      }
      progress = null;
      if (poller) publish(poller.state());
      const info = await core.load(dataset, result.data, { dataset });
      revision += 1;
      return { data: { info, meta: result.meta }, meta: result.meta };
    } finally {
      progress = null;
    }
  };

  const start = async () => {
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
    syncWidgets: createWidgetSync(core, dataset),
    evaluate: (query, crossfilter) => core.evaluate(dataset, query, crossfilter),
    suggest: (request, scope) => core.suggest(dataset, request, scope),
  };
}
