import { describe, expect, it } from "vitest";
import { heatOptions, hoursOptions, periodLabel } from "./history-charts";

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
    // the first group (lowest sequence) is the top row, as in the groups' bar chart
    expect(option.yAxis).toMatchObject({ data: ["DB", "(none)"], inverse: true });
    expect((option.series as { data: unknown[] }[])[0]?.data).toEqual([[1, 1, 10]]);
  });

  it("label the stacked hours' periods as far as they fit, the axis name below the legend", () => {
    const rows = Array.from({ length: 90 }, (_, d) => ({ PERIOD: `2026-01-${String((d % 28) + 1).padStart(2, "0")}` }));
    const option = hoursOptions(rows, "day", "Hours") as {
      xAxis: { data: string[]; axisLabel: { interval: unknown; hideOverlap?: boolean } };
      yAxis: { name: string };
      grid: { top: number };
      legend: { top: number };
    };
    expect(option.xAxis.data).toHaveLength(90);
    expect(option.xAxis.axisLabel).toEqual({ interval: "auto", hideOverlap: true });
    expect(option.yAxis.name).toBe("Hours");
    // the legend's row is 0..24 px; the axis name is drawn about 15 px above the grid's top
    expect(option.legend.top).toBe(0);
    expect(option.grid.top - 15).toBeGreaterThanOrEqual(24 + 16);
  });
});
