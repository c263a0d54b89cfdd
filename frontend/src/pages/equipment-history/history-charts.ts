/** The history charts' options from the page's query results (aggregated rows only). */
import { barOptions, stackedBarOptions } from "../../components/charts/bar-options";
import { COLORS, E10_COLORS } from "../../components/charts/chart-theme";
import type { ChartOption } from "../../components/charts/chart-types";
import { heatmapOptions } from "../../components/charts/heatmap-options";
import { lineOptions } from "../../components/charts/line-options";
import { isoWeek, type PeriodUnit, parseIsoDate } from "../../core/calendar";
import type { ResultRow } from "../../core/query";
import { E10_STATUSES } from "../equipment-status/equipment-queries";
import { HOURS_METRIC, PERIOD } from "./history-queries";

const num = (v: unknown) => (typeof v === "number" ? v : null);
const groupName = (v: unknown, unmapped: string) => (typeof v === "string" ? v : unmapped);

/** A period key ("YYYY-MM-DD" of its first day) as shown: the day, "2026-W02", "2026-01", "2026". */
export function periodLabel(key: unknown, unit: PeriodUnit): string {
  const text = typeof key === "string" ? key : "";
  if (unit === "month") return text.slice(0, 7);
  if (unit === "year") return text.slice(0, 4);
  const days = parseIsoDate(text);
  if (unit === "week" && days !== null) {
    const { year, week } = isoWeek(days);
    return `${year}-W${String(week).padStart(2, "0")}`;
  }
  return text;
}

export function trendOptions(
  rows: readonly ResultRow[],
  unit: PeriodUnit,
  names: { ou: string; availability: string },
): ChartOption {
  return lineOptions({
    categories: rows.map((r) => periodLabel(r[PERIOD], unit)),
    series: [
      { name: names.ou, values: rows.map((r) => num(r.ou_pct_hours)), color: COLORS.run },
      { name: names.availability, values: rows.map((r) => num(r.availability_pct_hours)), color: COLORS.queue },
    ],
    percent: true,
  });
}

export function hoursOptions(rows: readonly ResultRow[], unit: PeriodUnit, valueName: string): ChartOption {
  return stackedBarOptions({
    categories: rows.map((r) => periodLabel(r[PERIOD], unit)),
    series: E10_STATUSES.map((s) => ({
      name: s,
      color: E10_COLORS[s],
      values: rows.map((r) => num(r[HOURS_METRIC[s]]) ?? 0),
    })),
    valueName,
    // 90 days are 90 bars: the dates are labelled as far as they fit, as on the trend chart.
    fitLabels: true,
  });
}

export function groupOuOptions(groups: readonly ResultRow[], unmapped: string, name: string): ChartOption {
  return barOptions({
    categories: groups.map((g) => groupName(g.WORKCENTER_GROUP, unmapped)),
    series: [{ name, values: groups.map((g) => num(g.ou_pct_hours)), color: COLORS.accent }],
    valueName: "%",
    horizontal: true,
  });
}

/**
 * OU% per workcenter group (rows, in the groups' order) and period (columns, in calendar order);
 * cell values are rounded to the displayed 0.1 (the chart shows them as labels).
 */
export function heatOptions(
  groups: readonly ResultRow[],
  cells: readonly ResultRow[],
  periods: readonly ResultRow[],
  unit: PeriodUnit,
  unmapped: string,
): ChartOption {
  const y = groups.map((g) => groupName(g.WORKCENTER_GROUP, unmapped));
  const yIndex = new Map(groups.map((g, i) => [g.WORKCENTER_GROUP ?? null, i]));
  const xIndex = new Map(periods.map((p, i) => [p[PERIOD], i]));
  return heatmapOptions({
    xCategories: periods.map((p) => periodLabel(p[PERIOD], unit)),
    yCategories: y,
    cells: cells.flatMap((c) => {
      const xi = xIndex.get(c[PERIOD] ?? null);
      const yi = yIndex.get(c.WORKCENTER_GROUP ?? null);
      const value = num(c.ou_pct_hours);
      const shown = value === null ? null : Math.round(value * 10) / 10;
      return xi === undefined || yi === undefined ? [] : [[xi, yi, shown] as const];
    }),
    min: 0,
    max: 100,
    decimals: 1,
  });
}
