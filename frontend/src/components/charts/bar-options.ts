/** Bar and stacked-bar chart options over categories and one or more series. */
import { COLORS, FONT_FAMILY, SAFE_TOOLTIP } from "./chart-theme";
import type { ChartOption, SeriesInput } from "./chart-types";

export interface BarInput {
  categories: readonly string[];
  series: readonly SeriesInput[];
  horizontal?: boolean;
  /** Stack every series on one bar per category. */
  stacked?: boolean;
  valueName?: string;
  /**
   * Label only as many categories as fit (ECharts' automatic interval, overlaps hidden), e.g. the
   * days of a long range; by default every category is labelled (group names).
   */
  fitLabels?: boolean;
}

/** The height of the legend's row (ECharts' default item size and padding). */
const LEGEND_ROW = 24;

export function barOptions(input: BarInput): ChartOption {
  const axisLabel = input.fitLabels ? { interval: "auto" as const, hideOverlap: true } : { interval: 0 };
  const category = { type: "category" as const, data: [...input.categories], axisLabel };
  const value = { type: "value" as const, name: input.valueName, splitLine: { lineStyle: { color: COLORS.grid } } };
  const legend = input.series.length > 1;
  // A vertical value axis's name is drawn above its top end: one row lower than the legend.
  const top = legend ? 36 + (!input.horizontal && input.valueName ? LEGEND_ROW : 0) : 16;
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    animation: false,
    grid: { left: input.horizontal ? 120 : 56, right: 24, top, bottom: 40 },
    tooltip: { ...SAFE_TOOLTIP, trigger: "axis", axisPointer: { type: "shadow" } },
    ...(legend ? { legend: { top: 0, data: input.series.map((s) => s.name) } } : {}),
    xAxis: input.horizontal ? value : category,
    yAxis: input.horizontal ? { ...category, inverse: true } : value,
    series: input.series.map((s) => ({
      type: "bar" as const,
      name: s.name,
      data: [...s.values],
      ...(input.stacked ? { stack: "total" } : {}),
      ...(s.color ? { itemStyle: { color: s.color } } : {}),
      barMaxWidth: 40,
    })),
  };
}

/** Stacked bars (e.g. status hours per day). */
export function stackedBarOptions(input: Omit<BarInput, "stacked">): ChartOption {
  return barOptions({ ...input, stacked: true });
}
