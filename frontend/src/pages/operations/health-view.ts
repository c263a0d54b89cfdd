import type { MessageKey } from "../../i18n/i18n";

/** /health/deep as display rows: datasets, and any other section flattened to key/value text. */
export interface KeyValue {
  key: string;
  value: string;
}

export interface DatasetHealth {
  name: string;
  version: string | null;
  rows: number | null;
  snapshotTime: string | null;
  ageS: number | null;
  lastResult: string | null;
  lastSuccess: string | null;
  lastError: string | null;
  degradedSince: string | null;
  intervalS: number | null;
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function datasetHealth(body: Record<string, unknown>): DatasetHealth[] {
  const datasets = body.datasets;
  if (typeof datasets !== "object" || datasets === null) return [];
  return Object.entries(datasets as Record<string, Record<string, unknown>>).map(([name, d]) => ({
    name,
    version: str(d?.version),
    rows: num(d?.rows),
    snapshotTime: str(d?.snapshot_time),
    ageS: num(d?.age_s),
    lastResult: str(d?.last_result),
    lastSuccess: str(d?.last_success),
    lastError: str(d?.last_error),
    degradedSince: str(d?.degraded_since),
    intervalS: num(d?.refresh_interval_s),
  }));
}

export interface DatasetSummary {
  name: string;
  version: string | null;
  snapshotTime: string | null;
  ageS: number | null;
  degraded: boolean;
}

/** The per-dataset part anyone may see (the anonymous /health/deep summary, or the full body). */
export function datasetSummary(body: Record<string, unknown>): DatasetSummary[] {
  const datasets = body.datasets;
  if (typeof datasets !== "object" || datasets === null) return [];
  return Object.entries(datasets as Record<string, Record<string, unknown>>).map(([name, d]) => ({
    name,
    version: str(d?.version),
    snapshotTime: str(d?.snapshot_time),
    ageS: num(d?.age_s),
    degraded: d?.degraded === true || str(d?.degraded_since) !== null,
  }));
}

/** Nested objects -> dotted keys; lists joined with ", "; null as an em dash. Text only. */
export function flatten(value: unknown, prefix = ""): KeyValue[] {
  if (value === null || value === undefined) return [{ key: prefix, value: "—" }];
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object"))
      return [{ key: prefix, value: value.map(String).join(", ") || "—" }];
    return value.flatMap((v, i) => flatten(v, prefix ? `${prefix}[${i}]` : `[${i}]`));
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return [{ key: prefix, value: "—" }];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [{ key: prefix, value: String(value) === "" ? "—" : String(value) }];
}

export const KNOWN_SECTIONS = new Set(["status", "datasets", "degraded", "settings", "watchdog"]);

const SECTION_TITLES: Readonly<Record<string, MessageKey>> = {
  redis: "ops.redis",
  database: "ops.section.database",
  source: "ops.section.source",
  breakers: "ops.section.breakers",
  dead_threads: "ops.section.dead_threads",
  alerts: "ops.section.alerts",
  problems: "ops.section.problems",
};

/** The message key of a section's title; null for a section this build does not know (shown by name). */
export function sectionTitleKey(name: string): MessageKey | null {
  return SECTION_TITLES[name] ?? null;
}

/** Sections other than the known ones (redis, pool, breaker, alerts ... as the backend adds them). */
export function otherSections(body: Record<string, unknown>): { name: string; rows: KeyValue[] }[] {
  return Object.keys(body)
    .filter((k) => !KNOWN_SECTIONS.has(k))
    .sort()
    .map((name) => ({ name, rows: flatten(body[name]) }));
}
