/** Heatmap options: a value per (x, y) cell, e.g. OU% per workcenter group and date. */
import { FONT_FAMILY, SAFE_TOOLTIP } from "./chart-theme";
import type { ChartOption } from "./chart-types";

export interface HeatmapInput {
  xCategories: readonly string[];
  yCategories: readonly string[];
  /** [x index, y index, value]; a null value leaves the cell empty. */
  cells: readonly (readonly [number, number, number | null])[];
  min?: number;
  max?: number;
  /** Decimals of the cell labels (every label alike, "53.0" beside "52.7"); as ECharts prints them when absent. */
  decimals?: number;
}

export function heatmapOptions(input: HeatmapInput): ChartOption {
  const values = input.cells.map((c) => c[2]).filter((v): v is number => v !== null);
  const min = input.min ?? (values.length ? Math.min(...values) : 0);
  const max = input.max ?? (values.length ? Math.max(...values) : 1);
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    animation: false,
    // The visual map's end labels stand above its bar: room for them below the x axis labels.
    grid: { left: 120, right: 24, top: 16, bottom: 88 },
    tooltip: { ...SAFE_TOOLTIP, trigger: "item" },
    xAxis: { type: "category", data: [...input.xCategories], splitArea: { show: true } },
    // Rows read top to bottom in the given order (as horizontal bars do), not from the x axis up.
    yAxis: { type: "category", data: [...input.yCategories], splitArea: { show: true }, inverse: true },
    visualMap: {
      min,
      max: max > min ? max : min + 1,
      calculable: true,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      inRange: { color: ["#fee2e2", "#fde68a", "#bbf7d0", "#16a34a"] },
    },
    series: [
      {
        type: "heatmap",
        data: input.cells.filter((c) => c[2] !== null).map((c) => [c[0], c[1], c[2]]),
        label: {
          show: input.cells.length <= 200,
          ...(input.decimals === undefined ? {} : { formatter: cellLabel(input.decimals) }),
        },
      },
    ],
  };
}

/** A cell's label: its value (the third item of [x, y, value]) with a fixed number of decimals. */
function cellLabel(decimals: number): (params: { value?: unknown }) => string {
  return ({ value }) => {
    const v = Array.isArray(value) ? value[2] : value;
    return typeof v === "number" ? v.toFixed(decimals) : "";
  };
}
