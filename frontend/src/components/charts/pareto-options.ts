/** Pareto chart options: bars = QTY by reason (in the given order), line = cumulative % of QTY. */
import { formatNumber, formatPercent } from "../../core/format";
import { pareto } from "../../core/pareto";
import { COLORS, FONT_FAMILY, SAFE_TOOLTIP } from "./chart-theme";
import type { ChartOption } from "./chart-types";

export interface ParetoInput {
  categories: readonly string[];
  values: readonly (number | null)[];
  color: string;
  labels: { value: string; cumPct: string };
}

/** Rows already ordered by value desc; the cumulative share comes from the core `pareto`. */
export function paretoOptions(input: ParetoInput): ChartOption {
  const cum = pareto(input.values);
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    animation: false,
    grid: { left: 56, right: 48, top: 28, bottom: 72, containLabel: false },
    tooltip: { ...SAFE_TOOLTIP, trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, left: "center", data: [input.labels.value, input.labels.cumPct] },
    xAxis: {
      type: "category",
      data: [...input.categories],
      axisLabel: { interval: 0, rotate: input.categories.length > 4 ? 30 : 0, width: 96, overflow: "truncate" },
    },
    yAxis: [
      { type: "value", name: input.labels.value, splitLine: { lineStyle: { color: COLORS.grid } } },
      { type: "value", min: 0, max: 100, splitLine: { show: false }, axisLabel: { formatter: "{value}%" } },
    ],
    series: [
      {
        type: "bar",
        name: input.labels.value,
        data: [...input.values],
        itemStyle: { color: input.color },
        barMaxWidth: 48,
        tooltip: { valueFormatter: (v) => formatNumber(typeof v === "number" ? v : null, 0) },
      },
      {
        type: "line",
        name: input.labels.cumPct,
        yAxisIndex: 1,
        data: cum,
        tooltip: { valueFormatter: (v) => formatPercent(typeof v === "number" ? v : null, 1) },
        itemStyle: { color: COLORS.line },
        lineStyle: { color: COLORS.line, width: 2 },
        symbolSize: 6,
      },
    ],
  };
}
