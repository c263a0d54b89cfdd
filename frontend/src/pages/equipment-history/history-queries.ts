/**
 * Equipment history: the queries over the hours of the requested range. The range, groups,
 * families and flags are server parameters (the route returns only those rows), so the page has no
 * crossfilter widget; the granularity only changes the period queries, recomputed in the browser.
 */
import type { ViewQuery } from "../../app/use-core-queries";
import type { PeriodUnit } from "../../core/calendar";
import type { Query } from "../../core/query";
import { E10_STATUSES, type E10Status } from "../equipment-status/equipment-queries";
import type { PageView } from "../page-view";

export interface HistoryViewState {
  granularity: PeriodUnit;
}

export const HOURS_METRIC: Record<E10Status, string> = {
  PRD: "prd_hours",
  SBY: "sby_hours",
  UDT: "udt_hours",
  SDT: "sdt_hours",
  EGT: "egt_hours",
  NST: "nst_hours",
  OTHER: "other_hours",
};
export const RATIO_METRICS = ["ou_pct_hours", "availability_pct_hours"] as const;
export const HOURS_METRICS = ["hours", ...E10_STATUSES.map((s) => HOURS_METRIC[s])];
export const HISTORY_KPI_METRICS = [...RATIO_METRICS, ...HOURS_METRICS, "history_machines"];
export const HISTORY_HIERARCHY_METRICS = [...HOURS_METRICS, ...RATIO_METRICS];
export const PERIOD = "PERIOD";

const history = (q: Omit<Query, "dataset">): ViewQuery => ({ query: { dataset: "resource_history", ...q } });
const period = (unit: PeriodUnit) => ({ period: "TXNDATE", unit, as: PERIOD });

export function historyQueries(state: HistoryViewState): Record<string, ViewQuery> {
  return {
    kpi: history({ metrics: HISTORY_KPI_METRICS }),
    trend: history({ groupBy: [period(state.granularity)], metrics: [...RATIO_METRICS, ...HOURS_METRICS] }),
    heat: history({ groupBy: ["WORKCENTER_GROUP", period(state.granularity)], metrics: ["ou_pct_hours"] }),
    h0: history({ groupBy: ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"], metrics: HISTORY_HIERARCHY_METRICS }),
    h1: history({ groupBy: ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME"], metrics: HISTORY_HIERARCHY_METRICS }),
    h2: history({
      groupBy: ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME", "RESOURCEID"],
      metrics: HISTORY_HIERARCHY_METRICS,
    }),
    names: history({ groupBy: ["RESOURCEID", "RESOURCENAME"] }),
  };
}

/** The granularity a view of this page was made for (its trend query's period unit); null without one. */
export function viewGranularity(
  view: { queries: Partial<Record<string, ViewQuery | null>> } | null,
): PeriodUnit | null {
  const key = view?.queries.trend?.query.groupBy?.[0];
  return typeof key === "object" && key !== null && "period" in key ? key.unit : null;
}

/** The equipment history page's view in a UI state. */
export function equipmentHistoryViews(state: HistoryViewState): PageView {
  return { widgets: {}, queries: historyQueries(state) };
}
