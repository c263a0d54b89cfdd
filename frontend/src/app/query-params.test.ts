import { describe, expect, it } from "vitest";
import { normalizeParams, queryUrl } from "./query-params";

describe("query params", () => {
  it("normalize order, duplicates, flags and empty values", () => {
    const a = normalizeParams({ end: "2026-01-07", start: "2026-01-01", families: ["B", "A", "B"], is_key: true });
    const b = normalizeParams({ is_key: true, families: ["A", "B"], start: "2026-01-01", end: "2026-01-07" });
    expect(a).toEqual(b);
    expect(a).toEqual([
      ["end", "2026-01-07"],
      ["families", "A,B"],
      ["is_key", "true"],
      ["start", "2026-01-01"],
    ]);
    expect(normalizeParams({ families: [], workcenter_groups: [" "], is_monitor: null, x: undefined })).toEqual([]);
  });

  it("build the dataset URL with encoded values", () => {
    expect(queryUrl("resource_history", { start: "2026-01-01", workcenter_groups: ["焊接", "DB"] })).toBe(
      "/api/v1/datasets/resource_history?start=2026-01-01&workcenter_groups=DB%2C%E7%84%8A%E6%8E%A5",
    );
    expect(queryUrl("resource_history", {})).toBe("/api/v1/datasets/resource_history");
  });
});
