/** Stacked bars of machines per E10 status for each workcenter group (from the hierarchy's group rows). */

import { stackedBarOptions } from "../../components/charts/bar-options";
import { E10_COLORS } from "../../components/charts/chart-theme";
import type { ChartOption } from "../../components/charts/chart-types";
import type { ResultRow } from "../../core/query";
import { E10_STATUSES, STATUS_METRIC } from "./equipment-queries";

export function statusByGroupOptions(groups: readonly ResultRow[], unmapped: string, valueName: string): ChartOption {
  return stackedBarOptions({
    categories: groups.map((g) => (typeof g.WORKCENTER_GROUP === "string" ? g.WORKCENTER_GROUP : unmapped)),
    series: E10_STATUSES.map((s) => ({
      name: s,
      color: E10_COLORS[s],
      values: groups.map((g) => (typeof g[STATUS_METRIC[s]] === "number" ? (g[STATUS_METRIC[s]] as number) : 0)),
    })),
    valueName,
  });
}
