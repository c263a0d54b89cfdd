/** Line chart options (trends over a category axis such as dates). */
import { COLORS, FONT_FAMILY, SAFE_TOOLTIP } from "./chart-theme";
import type { ChartOption, SeriesInput } from "./chart-types";

export interface LineInput {
  categories: readonly string[];
  series: readonly SeriesInput[];
  /** Percent axis fixed to 0..100. */
  percent?: boolean;
}

export function lineOptions(input: LineInput): ChartOption {
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    animation: false,
    grid: { left: 56, right: 24, top: 36, bottom: 40 },
    tooltip: { ...SAFE_TOOLTIP, trigger: "axis" },
    legend: { top: 0, data: input.series.map((s) => s.name) },
    xAxis: { type: "category", data: [...input.categories], boundaryGap: false },
    yAxis: {
      type: "value",
      ...(input.percent ? { min: 0, max: 100, axisLabel: { formatter: "{value}%" } } : {}),
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: input.series.map((s) => ({
      type: "line" as const,
      name: s.name,
      data: [...s.values],
      connectNulls: false,
      symbolSize: 5,
      ...(s.color ? { itemStyle: { color: s.color }, lineStyle: { color: s.color } } : {}),
    })),
  };
}
