/** Browser settings from GET /api/v1/ui-config, with the documented defaults when unavailable. */
import type { FetchClient } from "../net/fetch-client";

export interface UiConfig {
  plantTz: string;
  refreshS: { wip: number; resource: number };
}

export const DEFAULT_UI_CONFIG: UiConfig = { plantTz: "Asia/Taipei", refreshS: { wip: 600, resource: 300 } };

interface UiConfigBody {
  plant_tz?: unknown;
  refresh_s?: { wip?: unknown; resource?: unknown };
}

const seconds = (value: unknown, fallback: number) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;

/** Parse the endpoint's body; anything missing or malformed keeps its default. */
export function parseUiConfig(body: unknown): UiConfig {
  const b = (typeof body === "object" && body !== null ? body : {}) as UiConfigBody;
  return {
    plantTz: typeof b.plant_tz === "string" ? b.plant_tz : DEFAULT_UI_CONFIG.plantTz,
    refreshS: {
      wip: seconds(b.refresh_s?.wip, DEFAULT_UI_CONFIG.refreshS.wip),
      resource: seconds(b.refresh_s?.resource, DEFAULT_UI_CONFIG.refreshS.resource),
    },
  };
}

export async function loadUiConfig(client: FetchClient): Promise<UiConfig> {
  try {
    return parseUiConfig((await client.getJson<unknown>("/api/v1/ui-config", { deadlineMs: 10_000 })).data);
  } catch {
    return DEFAULT_UI_CONFIG;
  }
}
