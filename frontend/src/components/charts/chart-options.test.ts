import { describe, expect, it } from "vitest";
import { barOptions, stackedBarOptions } from "./bar-options";
import { COLORS } from "./chart-theme";
import { heatmapOptions } from "./heatmap-options";
import { lineOptions } from "./line-options";
import { paretoOptions } from "./pareto-options";

type Series = { type: string; data: unknown[]; stack?: string; yAxisIndex?: number; itemStyle?: { color?: string } };
const seriesOf = (option: unknown) => (option as { series: Series[] }).series;

describe("paretoOptions", () => {
  it("draws bars in the given order and a cumulative % line on the second axis", () => {
    const option = paretoOptions({
      categories: ["A", "B", "C"],
      values: [50, 30, 20],
      color: COLORS.quality,
      labels: { value: "Qty", cumPct: "Cum %" },
    });
    const [bars, line] = seriesOf(option);
    expect(bars).toMatchObject({ type: "bar", data: [50, 30, 20], itemStyle: { color: COLORS.quality } });
    expect(line).toMatchObject({ type: "line", yAxisIndex: 1, data: [50, 80, 100] });
    expect((option as { tooltip: { renderMode: string } }).tooltip.renderMode).toBe("richText");
  });

  it("has no cumulative values when the total is zero", () => {
    const option = paretoOptions({ categories: ["A"], values: [0], color: "red", labels: { value: "Q", cumPct: "%" } });
    expect(seriesOf(option)[1]?.data).toEqual([null]);
  });
});

describe("barOptions / stackedBarOptions", () => {
  it("puts categories on the category axis and stacks when asked", () => {
    const input = {
      categories: ["x", "y"],
      series: [
        { name: "PRD", values: [1, 2], color: "#0f0" },
        { name: "SBY", values: [3, null] },
      ],
    };
    const plain = barOptions(input);
    expect((plain as { xAxis: { data: string[] } }).xAxis.data).toEqual(["x", "y"]);
    expect(seriesOf(plain).map((s) => s.stack)).toEqual([undefined, undefined]);
    expect(seriesOf(stackedBarOptions(input)).map((s) => s.stack)).toEqual(["total", "total"]);
    const horizontal = barOptions({ ...input, horizontal: true });
    expect((horizontal as { yAxis: { data: string[]; inverse: boolean } }).yAxis).toMatchObject({
      data: ["x", "y"],
      inverse: true,
    });
  });

  it("labels every category unless asked to fit them, and keeps a vertical axis name off the legend", () => {
    const input = {
      categories: ["x", "y"],
      series: [
        { name: "PRD", values: [1, 2] },
        { name: "SBY", values: [3, 4] },
      ],
    };
    type Axes = { xAxis: { axisLabel: unknown }; grid: { top: number } };
    expect((barOptions(input) as Axes).xAxis.axisLabel).toEqual({ interval: 0 });
    expect((barOptions({ ...input, fitLabels: true }) as Axes).xAxis.axisLabel).toEqual({
      interval: "auto",
      hideOverlap: true,
    });
    expect((barOptions(input) as Axes).grid.top).toBe(36);
    expect((barOptions({ ...input, valueName: "Hours" }) as Axes).grid.top).toBe(60);
    expect((barOptions({ ...input, valueName: "%", horizontal: true }) as Axes).grid.top).toBe(36);
    expect((barOptions({ ...input, series: input.series.slice(0, 1), valueName: "h" }) as Axes).grid.top).toBe(16);
  });
});

describe("lineOptions / heatmapOptions", () => {
  it("builds a percent line chart", () => {
    const option = lineOptions({
      categories: ["d1", "d2"],
      series: [{ name: "OU%", values: [10, null] }],
      percent: true,
    });
    expect((option as { yAxis: { max: number } }).yAxis.max).toBe(100);
    expect(seriesOf(option)[0]).toMatchObject({ type: "line", data: [10, null] });
  });

  it("leaves null cells out and scales to the values", () => {
    const option = heatmapOptions({
      xCategories: ["d1", "d2"],
      yCategories: ["g1"],
      cells: [
        [0, 0, 40],
        [1, 0, null],
      ],
    });
    expect(seriesOf(option)[0]?.data).toEqual([[0, 0, 40]]);
    expect((option as { visualMap: { min: number; max: number } }).visualMap).toMatchObject({ min: 40, max: 41 });
    expect((option as { yAxis: { inverse: boolean } }).yAxis.inverse).toBe(true);
    type Label = { show: boolean; formatter?: (p: { value: unknown }) => string };
    const label = (o: unknown) => (o as { series: { label: Label }[] }).series[0]?.label;
    expect(label(option)?.formatter).toBeUndefined();
    const fixed = label(heatmapOptions({ xCategories: ["d"], yCategories: ["g"], cells: [[0, 0, 53]], decimals: 1 }));
    expect(fixed?.show).toBe(true);
    expect(fixed?.formatter?.({ value: [0, 0, 53] })).toBe("53.0");
    expect(fixed?.formatter?.({ value: [0, 0, 52.66] })).toBe("52.7");
  });
});
