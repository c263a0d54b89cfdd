import { describe, expect, it } from "vitest";
import { heatOptions, periodLabel } from "./history-charts";

describe("history charts", () => {
  it("label periods by their unit", () => {
    expect(periodLabel("2026-12-28", "week")).toBe("2026-W53");
    expect(periodLabel("2026-01-05", "week")).toBe("2026-W02");
    expect(periodLabel("2026-01-01", "month")).toBe("2026-01");
    expect(periodLabel("2026-01-01", "year")).toBe("2026");
    expect(periodLabel("2026-01-03", "day")).toBe("2026-01-03");
  });

  it("place heatmap cells by group order and period", () => {
    const option = heatOptions(
      [{ WORKCENTER_GROUP: "DB" }, { WORKCENTER_GROUP: null }],
      [
        { WORKCENTER_GROUP: null, PERIOD: "2026-01-02", ou_pct_hours: 10.04 },
        { WORKCENTER_GROUP: "DB", PERIOD: "2026-01-01", ou_pct_hours: null },
      ],
      [{ PERIOD: "2026-01-01" }, { PERIOD: "2026-01-02" }],
      "day",
      "(none)",
    );
    expect((option.yAxis as { data: string[] }).data).toEqual(["DB", "(none)"]);
    expect((option.series as { data: unknown[] }[])[0]?.data).toEqual([[1, 1, 10]]);
  });
});
