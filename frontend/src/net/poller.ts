/**
 * Interval polling with jitter, paused while the page is hidden, keeping the last good data and
 * saying when it is degraded (X-Degraded) or stale (too old, or the last refreshes failed).
 */
import type { ApiError } from "./api-error";
import type { ResponseMeta } from "./fetch-client";
import { systemTime, type TimeSource } from "./timers";

/** Page visibility, injected (pages pass one built on document.visibilityState). */
export interface VisibilitySource {
  isHidden(): boolean;
  /** Call `onChange` on every visibility change; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

export type PollStatus = "idle" | "ok" | "degraded" | "stale" | "error";

export interface PollState<T> {
  status: PollStatus;
  /** The last good data, kept through failures. */
  data: T | null;
  /** The last failure, cleared by the next success. */
  error: ApiError | Error | null;
  degraded: string | null;
  dataAgeS: number | null;
  lastSuccessAt: number | null;
  loading: boolean;
  paused: boolean;
}

export interface PollerOptions<T> extends Partial<TimeSource> {
  load(signal: AbortSignal): Promise<{ data: T; meta?: Partial<ResponseMeta> }>;
  intervalMs: number;
  /** Relative spread of each interval: 0.1 -> uniform in [0.9, 1.1] x interval. */
  jitter?: number;
  /** Data older than this (since the last success, or by X-Data-Age-Seconds) is stale; default 3 intervals. */
  staleAfterMs?: number;
  visibility?: VisibilitySource;
  onChange?(state: PollState<T>): void;
}

export interface Poller<T> {
  start(): void;
  stop(): void;
  /** Poll now (resets the schedule). */
  refresh(): Promise<void>;
  state(): PollState<T>;
}

export function createPoller<T>(options: PollerOptions<T>): Poller<T> {
  const now = options.now ?? systemTime.now;
  const random = options.random ?? systemTime.random;
  const timers = options.timers ?? systemTime.timers;
  const jitter = options.jitter ?? 0.1;
  const staleAfterMs = options.staleAfterMs ?? 3 * options.intervalMs;
  let data: T | null = null;
  let error: ApiError | Error | null = null;
  let meta: Partial<ResponseMeta> = {};
  let lastSuccessAt: number | null = null;
  let lastAttemptAt: number | null = null;
  let running = false;
  let loading = false;
  let timer: unknown = null;
  let controller: AbortController | null = null;
  let unsubscribe: (() => void) | null = null;

  const hidden = () => options.visibility?.isHidden() ?? false;

  const state = (): PollState<T> => {
    const ageMs = Math.max(
      lastSuccessAt === null ? 0 : now() - lastSuccessAt,
      typeof meta.dataAgeS === "number" ? meta.dataAgeS * 1000 : 0,
    );
    const degraded = meta.degraded || null;
    const status: PollStatus =
      data === null
        ? error
          ? "error"
          : "idle"
        : ageMs > staleAfterMs
          ? "stale"
          : degraded || error
            ? "degraded"
            : "ok";
    return {
      status,
      data,
      error,
      degraded,
      dataAgeS: meta.dataAgeS ?? null,
      lastSuccessAt,
      loading,
      paused: running && hidden(),
    };
  };

  const notify = () => options.onChange?.(state());

  const cancelTimer = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };

  const schedule = (delayMs: number) => {
    cancelTimer();
    if (!running || hidden()) return;
    timer = timers.setTimeout(() => {
      timer = null;
      void poll();
    }, delayMs);
  };

  const nextDelay = () => options.intervalMs * (1 + jitter * (2 * random() - 1));

  const poll = async (): Promise<void> => {
    cancelTimer();
    controller?.abort();
    const current = new AbortController();
    controller = current;
    loading = true;
    lastAttemptAt = now();
    notify();
    try {
      const result = await options.load(current.signal);
      if (current.signal.aborted) return;
      data = result.data;
      meta = result.meta ?? {};
      error = null;
      lastSuccessAt = now();
    } catch (thrown) {
      if (current.signal.aborted) return;
      error = thrown instanceof Error ? thrown : new Error(String(thrown));
    } finally {
      if (controller === current) {
        controller = null;
        loading = false;
      }
    }
    notify();
    schedule(nextDelay());
  };

  const onVisibility = () => {
    if (!running) return;
    if (hidden()) {
      cancelTimer();
    } else if (!loading) {
      const since = lastAttemptAt === null ? Number.POSITIVE_INFINITY : now() - lastAttemptAt;
      if (since >= options.intervalMs) void poll();
      else schedule(options.intervalMs - since);
    }
    notify();
  };

  return {
    start: () => {
      if (running) return;
      running = true;
      unsubscribe = options.visibility?.subscribe(onVisibility) ?? null;
      if (hidden()) notify();
      else void poll();
    },
    stop: () => {
      running = false;
      cancelTimer();
      controller?.abort();
      controller = null;
      loading = false;
      unsubscribe?.();
      unsubscribe = null;
    },
    refresh: () => poll(),
    state,
  };
}
