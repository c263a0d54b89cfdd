/** Browser settings from GET /api/v1/ui-config, with the documented defaults when unavailable. */
import { DATASETS, isSnapshotDataset, SNAPSHOT_DATASETS } from "../core/contracts";
import type { Dataset, SnapshotDataset } from "../core/query";
import type { FetchClient } from "../net/fetch-client";

export interface UiConfig {
  plantTz: string;
  /** Poll interval per snapshot dataset, in seconds. */
  refreshS: Record<SnapshotDataset, number>;
  /** Request deadline per query-backed dataset, in ms (longer than the server's worst case). */
  deadlineMs: Partial<Record<Dataset, number>>;
}

const DEFAULT_PLANT_TZ = "Asia/Taipei";
const DEFAULT_REFRESH_S: Partial<Record<SnapshotDataset, number>> = { wip: 600, resource: 300 };
const FALLBACK_REFRESH_S = 300;
export const FALLBACK_DEADLINE_MS = 120_000;

interface UiConfigBody {
  plant_tz?: unknown;
  refresh_s?: Record<string, unknown>;
  deadline_ms?: Record<string, unknown>;
}

const positive = (value: unknown, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;

/** Parse the endpoint's body; anything missing or malformed keeps its default. */
export function parseUiConfig(body: unknown): UiConfig {
  const b = (typeof body === "object" && body !== null ? body : {}) as UiConfigBody;
  const given = typeof b.refresh_s === "object" && b.refresh_s !== null ? b.refresh_s : {};
  const refreshS = Object.fromEntries(
    SNAPSHOT_DATASETS.map((d) => [d, positive(given[d], DEFAULT_REFRESH_S[d] ?? FALLBACK_REFRESH_S)]),
  ) as Record<SnapshotDataset, number>;
  const deadlines = typeof b.deadline_ms === "object" && b.deadline_ms !== null ? b.deadline_ms : {};
  const deadlineMs: Partial<Record<Dataset, number>> = {};
  for (const d of DATASETS) if (!isSnapshotDataset(d)) deadlineMs[d] = positive(deadlines[d], FALLBACK_DEADLINE_MS);
  return { plantTz: typeof b.plant_tz === "string" ? b.plant_tz : DEFAULT_PLANT_TZ, refreshS, deadlineMs };
}

export const DEFAULT_UI_CONFIG: UiConfig = parseUiConfig(null);

export async function loadUiConfig(client: FetchClient): Promise<UiConfig> {
  try {
    return parseUiConfig((await client.getJson<unknown>("/api/v1/ui-config", { deadlineMs: 10_000 })).data);
  } catch {
    return DEFAULT_UI_CONFIG;
  }
}
