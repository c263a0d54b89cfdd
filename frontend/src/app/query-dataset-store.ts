/**
 * The store of a query-backed dataset (fetched per request parameters, never polled): the fetch
 * client downloads the Arrow result for the normalized parameters within the dataset's deadline,
 * the bytes are loaded into the core worker, and pages evaluate queries there as on a snapshot.
 * A new request aborts the one in flight; a failure keeps the last good table, and a retryable
 * one (503/504) is retried by itself once its Retry-After has passed.
 */
import { type ShallowRef, shallowRef } from "vue";
import type { Dataset, QueryResult } from "../core/query";
import type { CrossfilterScope, TableInfo } from "../core/worker/protocol";
import type { CoreClient } from "../core/worker/worker-client";
import { ApiError } from "../net/api-error";
import type { FetchClient, Progress, ResponseMeta } from "../net/fetch-client";
import { systemTime, type TimeSource } from "../net/timers";
import { normalizeParams, type ParamValue, queryUrl } from "./query-params";
import { createWidgetSync, type WidgetSync } from "./widget-sync";

export type QueryParams = Readonly<Record<string, ParamValue>>;

export interface LoadedQuery {
  info: TableInfo;
  meta: ResponseMeta;
  /** The normalized parameters of the loaded table. */
  key: string;
}

export interface QueryDatasetState {
  /** idle (nothing asked) | loading (first load) | ok | degraded (last load failed, older data kept) | error (no data). */
  status: "idle" | "loading" | "ok" | "degraded" | "error";
  data: LoadedQuery | null;
  error: Error | null;
  /** The normalized parameters asked for last (loaded, loading or failed). */
  key: string | null;
  loading: boolean;
  progress: Progress | null;
  /** Bumped each time new bytes are loaded into the worker; queries re-run on it. */
  revision: number;
  /** When the automatic retry of a retryable failure runs (epoch ms), null when none is planned. */
  retryAt: number | null;
  degraded: string | null;
  dataAgeS: number | null;
  lastSuccessAt: number | null;
  paused: false;
}

export interface QueryDatasetStoreOptions {
  dataset: Dataset;
  fetchClient: FetchClient;
  core: CoreClient;
  /** Resolves to the request deadline (from /api/v1/ui-config `deadline_ms`). */
  deadlineMs: Promise<number>;
  time?: Pick<TimeSource, "now" | "timers">;
}

export interface QueryDatasetStore {
  readonly dataset: Dataset;
  readonly state: ShallowRef<QueryDatasetState>;
  /** Fetch and load the table of these parameters, unless it is the one loaded or loading. */
  load(params: QueryParams): Promise<void>;
  /** Fetch the last asked parameters again. */
  refresh(): Promise<void>;
  syncWidgets: WidgetSync;
  evaluate(query: unknown, scope?: CrossfilterScope): Promise<QueryResult>;
}

const INITIAL: QueryDatasetState = {
  status: "idle",
  data: null,
  error: null,
  key: null,
  loading: false,
  progress: null,
  revision: 0,
  retryAt: null,
  degraded: null,
  dataAgeS: null,
  lastSuccessAt: null,
  paused: false,
};

export function createQueryDatasetStore(options: QueryDatasetStoreOptions): QueryDatasetStore {
  const { dataset, fetchClient, core } = options;
  const time = options.time ?? systemTime;
  const state = shallowRef<QueryDatasetState>(INITIAL);
  let asked: QueryParams = {};
  let controller: AbortController | null = null;
  let retryTimer: unknown = null;
  let sequence = 0;
  let loadedUrl: string | null = null;

  const patch = (change: Partial<QueryDatasetState>) => {
    state.value = { ...state.value, ...change };
  };

  const cancelRetry = () => {
    if (retryTimer !== null) time.timers.clearTimeout(retryTimer);
    retryTimer = null;
  };

  const fail = (error: Error) => {
    const retryAfterS = error instanceof ApiError && error.retryable ? error.retryAfterS : null;
    const retryAt = retryAfterS === null ? null : time.now() + retryAfterS * 1000;
    if (retryAt !== null) retryTimer = time.timers.setTimeout(() => void fetchNow(), retryAt - time.now());
    patch({
      status: state.value.data ? "degraded" : "error",
      error,
      loading: false,
      progress: null,
      retryAt,
    });
  };

  const fetchNow = async () => {
    cancelRetry();
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    const current = ++sequence;
    const url = queryUrl(dataset, asked);
    const key = JSON.stringify(normalizeParams(asked));
    patch({
      status: state.value.data ? state.value.status : "loading",
      key,
      loading: true,
      progress: { loaded: 0, total: null },
      retryAt: null,
    });
    try {
      const result = await fetchClient.getBytes(url, {
        signal: mine.signal,
        deadlineMs: await options.deadlineMs,
        onProgress: (progress) => current === sequence && patch({ progress }),
      });
      if (current !== sequence) return;
      patch({ progress: null });
      const info = await core.load(dataset, result.data, { dataset });
      if (current !== sequence) return;
      if (loadedUrl !== null && loadedUrl !== url) fetchClient.clearCache(loadedUrl);
      loadedUrl = url;
      state.value = {
        ...state.value,
        status: result.meta.degraded ? "degraded" : "ok",
        data: { info, meta: result.meta, key },
        error: null,
        loading: false,
        progress: null,
        revision: state.value.revision + 1,
        degraded: result.meta.degraded,
        dataAgeS: result.meta.dataAgeS,
        lastSuccessAt: time.now(),
      };
    } catch (thrown) {
      if (current !== sequence) return;
      fail(thrown instanceof Error ? thrown : new Error(String(thrown)));
    } finally {
      if (controller === mine) controller = null;
    }
  };

  return {
    dataset,
    state,
    async load(params) {
      const key = JSON.stringify(normalizeParams(params));
      const s = state.value;
      if (key === s.key && (s.loading || s.data?.key === key)) return;
      asked = params;
      await fetchNow();
    },
    refresh: () => fetchNow(),
    syncWidgets: createWidgetSync(core, dataset),
    evaluate: (query, scope) => core.evaluate(dataset, query, scope),
  };
}
