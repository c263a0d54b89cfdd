/** Timing helpers: performance.now() around one call, medians over repeated calls. */
import type { Maybe } from "./engine";

export interface Stats {
  median_ms: number;
  min_ms: number;
  max_ms: number;
  runs: number;
  samples_ms: number[];
}

/** Collect garbage between samples when Chromium runs with --js-flags=--expose-gc. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function timed<T>(fn: () => Maybe<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const out = fn();
  const value = out instanceof Promise ? await out : out;
  return { ms: performance.now() - start, value };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (!sorted.length) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const round = (ms: number) => Math.round(ms * 100) / 100;

export function stats(samples: readonly number[]): Stats {
  return {
    median_ms: round(median(samples)),
    min_ms: round(Math.min(...samples)),
    max_ms: round(Math.max(...samples)),
    runs: samples.length,
    samples_ms: samples.map(round),
  };
}

/**
 * Run `fn(i)` `runs` times; the time of each call. Garbage is collected once before the series, not
 * before each call: a forced full GC just before a short call makes that call about twice as slow
 * in Chromium (measured), which no real keystroke sees; GC during a run counts against its engine.
 */
export async function sample(runs: number, fn: (i: number) => Maybe<unknown>): Promise<number[]> {
  const out: number[] = [];
  collectGarbage();
  for (let i = 0; i < runs; i++) out.push((await timed(() => fn(i))).ms);
  return out;
}
