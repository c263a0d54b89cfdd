/**
 * The one fetch client (every fetch and poll goes through it): ETag revalidation, a deadline per
 * request, full-jitter backoff on top of Retry-After, a shared retry budget, no retries for
 * non-retryable errors, problem-details errors, download progress. Retry n carries
 * `X-Retry-Attempt: n` (the server counts retries per route). Mutations (`send`) go out once,
 * with the session's CSRF token in `X-CSRF-Token`.
 */
import { ApiError, apiErrorFromResponse } from "./api-error";
import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelay } from "./backoff";
import { createRetryBudget, type RetryBudget } from "./retry-budget";
import { sleep, systemTime, type TimeSource } from "./timers";

/** What the snapshot endpoints say about the data beside the body. */
export interface ResponseMeta {
  /** X-Degraded: why the server serves its last snapshot (null when healthy). */
  degraded: string | null;
  /** X-Data-Age-Seconds. */
  dataAgeS: number | null;
  version: string | null;
  generatedAt: string | null;
  requestId: string | null;
  /** X-Payload: "delta" when the body is a delta from `deltaBase`, "full" for a whole snapshot. */
  payload: "full" | "delta" | null;
  /** X-Delta-Base: the version a delta applies to. */
  deltaBase: string | null;
  /** X-Snapshot-Time in epoch ms: the last time the source confirmed this content. */
  snapshotTime: number | null;
}

export interface FetchResult<T> {
  data: T;
  /** True when the server answered 304 and `data` is the cached body. */
  notModified: boolean;
  etag: string | null;
  meta: ResponseMeta;
  attempts: number;
}

export interface Progress {
  loaded: number;
  /** Content-Length, or null when unknown or compressed in transit. */
  total: number | null;
}

export interface RequestOptions {
  deadlineMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  headers?: Record<string, string>;
  /**
   * The caller keeps the body itself: `etag` (when not null) goes out as If-None-Match instead of
   * the client's cached one, the body is not cached, and a 304 answers an empty body.
   */
  revalidate?: { etag: string | null };
}

export interface FetchClientOptions extends Partial<TimeSource> {
  fetch?: typeof fetch;
  /** Deadline of one request including its retries; above the server's pool wait + call timeout. */
  deadlineMs?: number;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  budget?: RetryBudget;
  /** The session's CSRF token, sent with every mutation. */
  csrfToken?: () => string | null;
}

export type Mutation = "POST" | "PUT" | "PATCH" | "DELETE";

export interface FetchClient {
  getBytes(url: string, options?: RequestOptions): Promise<FetchResult<Uint8Array>>;
  getJson<T>(url: string, options?: RequestOptions): Promise<FetchResult<T>>;
  /** One JSON mutation, never retried (it may not be idempotent); rejects with ApiError. */
  send<T>(method: Mutation, url: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** Forget cached bodies (one URL, or all). */
  clearCache(url?: string): void;
}

interface CacheEntry {
  etag: string;
  body: Uint8Array;
}

const ARROW = "application/vnd.apache.arrow.stream";

export function createFetchClient(options: FetchClientOptions = {}): FetchClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const time: TimeSource = {
    now: options.now ?? systemTime.now,
    random: options.random ?? systemTime.random,
    timers: options.timers ?? systemTime.timers,
  };
  const config = {
    deadlineMs: options.deadlineMs ?? 30_000,
    maxAttempts: options.maxAttempts ?? 4,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    budget: options.budget ?? createRetryBudget(),
  };
  const cache = new Map<string, CacheEntry>();

  const request = async (url: string, accept: string, opts: RequestOptions): Promise<FetchResult<Uint8Array>> => {
    const deadlineMs = opts.deadlineMs ?? config.deadlineMs;
    const deadlineAt = time.now() + deadlineMs;
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(new ApiError({ status: 0, code: "ABORTED", retryable: false }));
    if (opts.signal?.aborted) onCallerAbort();
    opts.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const timer = time.timers.setTimeout(
      () =>
        controller.abort(
          new ApiError({
            status: 0,
            code: "DEADLINE_EXCEEDED",
            retryable: false,
            detail: `no answer within ${deadlineMs} ms`,
          }),
        ),
      deadlineMs,
    );
    try {
      for (let attempt = 0; ; attempt++) {
        let error: ApiError;
        try {
          return { ...(await attemptOnce(url, accept, opts, controller.signal, attempt)), attempts: attempt + 1 };
        } catch (thrown) {
          error = asApiError(thrown, controller.signal);
        }
        error.attempts = attempt + 1;
        const delay = retryDelay(attempt, config.backoff, time.random, error.retryAfterS);
        const giveUp =
          !error.retryable ||
          attempt + 1 >= config.maxAttempts ||
          time.now() + delay >= deadlineAt ||
          !config.budget.tryWithdraw();
        if (giveUp) throw error;
        await sleep(time.timers, delay, controller.signal).catch((reason: unknown) => {
          throw asApiError(reason, controller.signal);
        });
      }
    } finally {
      time.timers.clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onCallerAbort);
    }
  };

  const attemptOnce = async (
    url: string,
    accept: string,
    opts: RequestOptions,
    signal: AbortSignal,
    attempt: number,
  ) => {
    const own = opts.revalidate;
    const cached = own ? undefined : cache.get(url);
    const headers: Record<string, string> = { Accept: accept, ...opts.headers };
    if (attempt > 0) headers["X-Retry-Attempt"] = String(attempt);
    if (cached) headers["If-None-Match"] = cached.etag;
    if (own?.etag) headers["If-None-Match"] = own.etag;
    const response = await doFetch(url, { headers, signal });
    const meta = readMeta(response.headers);
    if (response.status === 304 && cached) {
      config.budget.deposit();
      return { data: cached.body, notModified: true, etag: cached.etag, meta };
    }
    if (response.status === 304 && own?.etag) {
      config.budget.deposit();
      return { data: new Uint8Array(0), notModified: true, etag: response.headers.get("ETag") ?? own.etag, meta };
    }
    if (!response.ok) {
      throw apiErrorFromResponse(response.status, response.headers, await response.text(), time.now());
    }
    const body = await readBody(response, opts.onProgress);
    const etag = response.headers.get("ETag");
    if (own) cache.delete(url);
    else if (etag) cache.set(url, { etag, body });
    else cache.delete(url);
    config.budget.deposit();
    return { data: body, notModified: false, etag, meta };
  };

  const send = async <T>(method: Mutation, url: string, body?: unknown, opts: RequestOptions = {}): Promise<T> => {
    const controller = new AbortController();
    const deadlineMs = opts.deadlineMs ?? config.deadlineMs;
    const timer = time.timers.setTimeout(() => controller.abort(), deadlineMs);
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    const token = options.csrfToken?.() ?? null;
    if (token) headers["X-CSRF-Token"] = token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      const response = await doFetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      }).catch((thrown: unknown) => {
        const detail = controller.signal.aborted ? `no answer within ${deadlineMs} ms` : String(thrown);
        const code = controller.signal.aborted ? "DEADLINE_EXCEEDED" : "NETWORK_ERROR";
        throw new ApiError({ status: 0, code, retryable: false, detail });
      });
      const text = await response.text();
      if (!response.ok) throw apiErrorFromResponse(response.status, response.headers, text, time.now());
      return (text ? JSON.parse(text) : null) as T;
    } finally {
      time.timers.clearTimeout(timer);
    }
  };

  return {
    send,
    getBytes: (url, opts = {}) => request(url, ARROW, opts),
    getJson: async <T>(url: string, opts: RequestOptions = {}) => {
      const result = await request(url, "application/json", opts);
      return { ...result, data: JSON.parse(new TextDecoder().decode(result.data)) as T };
    },
    clearCache: (url) => {
      if (url === undefined) cache.clear();
      else cache.delete(url);
    },
  };
}

function asApiError(thrown: unknown, signal: AbortSignal): ApiError {
  if (thrown instanceof ApiError) return thrown;
  if (signal.aborted && signal.reason instanceof ApiError) return signal.reason;
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return new ApiError({ status: 0, code: "NETWORK_ERROR", retryable: true, detail });
}

function readMeta(headers: Headers): ResponseMeta {
  const age = Number.parseFloat(headers.get("X-Data-Age-Seconds") ?? "");
  const payload = headers.get("X-Payload");
  const snapshotTime = Date.parse(headers.get("X-Snapshot-Time") ?? "");
  return {
    degraded: headers.get("X-Degraded") || null,
    dataAgeS: Number.isFinite(age) ? age : null,
    version: headers.get("X-Snapshot-Version"),
    generatedAt: headers.get("X-Snapshot-Generated-At"),
    requestId: headers.get("X-Request-ID"),
    payload: payload === "delta" || payload === "full" ? payload : null,
    deltaBase: headers.get("X-Delta-Base") || null,
    snapshotTime: Number.isFinite(snapshotTime) ? snapshotTime : null,
  };
}

/**
 * Decoded body length: Content-Length counts encoded bytes while the stream yields decoded ones,
 * so a compressed response is measured by the server's X-Uncompressed-Length instead.
 */
function decodedLength(headers: Headers): number | null {
  const encoding = headers.get("Content-Encoding");
  const identity = !encoding || encoding === "identity";
  const raw = identity ? headers.get("Content-Length") : headers.get("X-Uncompressed-Length");
  const length = Number.parseInt(raw ?? "", 10);
  return Number.isFinite(length) ? length : null;
}

/** The body as bytes, reporting progress chunk by chunk when asked. */
async function readBody(response: Response, onProgress?: (progress: Progress) => void): Promise<Uint8Array> {
  if (!onProgress || !response.body) return new Uint8Array(await response.arrayBuffer());
  const total = decodedLength(response.headers);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress({ loaded, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress({ loaded, total });
  }
  const body = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
