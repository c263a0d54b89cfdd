import { describe, expect, it } from "vitest";
import { parseUiConfig } from "./ui-config";

describe("ui config", () => {
  it("reads refresh intervals and keeps defaults for bad values", () => {
    expect(parseUiConfig({ plant_tz: "Asia/Taipei", refresh_s: { wip: 60, resource: -1 } })).toEqual({
      plantTz: "Asia/Taipei",
      refreshS: { wip: 60, resource: 300 },
      deadlineMs: { resource_history: 120_000 },
    });
    expect(parseUiConfig(null).refreshS.wip).toBe(600);
  });

  it("reads the deadline of each query-backed dataset", () => {
    const config = parseUiConfig({ deadline_ms: { resource_history: 45_000, wip: 1 } });
    expect(config.deadlineMs).toEqual({ resource_history: 45_000 });
  });
});
