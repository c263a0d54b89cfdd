import { describe, expect, it } from "vitest";
import { parseUiConfig } from "./ui-config";

describe("ui config", () => {
  it("reads refresh intervals and keeps defaults for bad values", () => {
    expect(parseUiConfig({ plant_tz: "Asia/Taipei", refresh_s: { wip: 60, resource: -1 } })).toEqual({
      plantTz: "Asia/Taipei",
      refreshS: { wip: 60, resource: 300 },
    });
    expect(parseUiConfig(null).refreshS.wip).toBe(600);
  });
});
