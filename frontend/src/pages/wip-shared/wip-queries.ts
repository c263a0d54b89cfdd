/** The WIP pages' crossfilter widgets and queries (contract JSON), shared by overview and detail. */

import type { ViewQuery } from "../../app/use-core-queries";
import { widgetsOf } from "../../core/filter-model";
import type { Filter, Query } from "../../core/query";
import type { PageView } from "../page-view";

export const WIP_FILTER_FIELDS = ["WORKORDER", "LOTID", "PACKAGE_LEF", "PJ_TYPE"] as const;

export const STATUS_KEYS = ["RUN", "QUEUE", "quality", "non_quality"] as const;
export type StatusKey = (typeof STATUS_KEYS)[number];

export function isStatusKey(value: unknown): value is StatusKey {
  return typeof value === "string" && (STATUS_KEYS as readonly string[]).includes(value);
}

/** The lots a status card stands for (the same `where` as its metrics). */
export function statusFilters(key: StatusKey | null): Filter[] {
  if (key === "RUN" || key === "QUEUE") return [{ field: "WIP_STATUS", op: "eq", value: key }];
  if (key === "quality" || key === "non_quality") return [{ field: "HOLD_TYPE", op: "eq", value: key }];
  return [];
}

/** Rule 1: DUMMY lots are left out unless the user includes them. */
export function dummyFilters(includeDummy: boolean): Filter[] {
  return includeDummy ? [] : [{ field: "IS_DUMMY", op: "eq", value: false }];
}

/** A workcenter group, or the lots with no group (null). */
export function groupFilters(group: string | null | undefined): Filter[] {
  if (group === undefined) return [];
  return [{ field: "WORKCENTER_GROUP", op: "in", values: [group] }];
}

export interface WipViewState {
  filters: readonly Filter[];
  status: StatusKey | null;
  includeDummy: boolean;
  group?: string | null;
}

export function wipWidgets(state: WipViewState): Record<string, Filter[]> {
  return {
    ...widgetsOf(state.filters),
    dummy: dummyFilters(state.includeDummy),
    status: statusFilters(state.status),
    ...(state.group !== undefined ? { group: groupFilters(state.group) } : {}),
  };
}

export const STATUS_METRICS = [
  "run_lots",
  "run_qty",
  "queue_lots",
  "queue_qty",
  "quality_hold_lots",
  "quality_hold_qty",
  "non_quality_hold_lots",
  "non_quality_hold_qty",
] as const;

/** Metric ids of a status card's lots and QTY. */
export function statusMetricIds(key: StatusKey): { lots: string; qty: string } {
  const prefix = { RUN: "run", QUEUE: "queue", quality: "quality_hold", non_quality: "non_quality_hold" }[key];
  return { lots: `${prefix}_lots`, qty: `${prefix}_qty` };
}

const wip = (q: Omit<Query, "dataset">): Query => ({ dataset: "wip", ...q });

/** Status cards ignore their own selection, so every card stays visible and switchable. */
export const STATUS_CARDS_QUERY: ViewQuery = {
  query: wip({ metrics: [...STATUS_METRICS] }),
  scope: { except: "status" },
};

export function overviewQueries(): Record<string, ViewQuery> {
  const paretoOf = (type: "quality" | "non_quality"): ViewQuery => ({
    query: wip({
      filters: [{ field: "HOLD_TYPE", op: "eq", value: type }],
      groupBy: ["HOLDREASONNAME"],
      metrics: ["lots", "qty"],
      sort: [{ by: "qty", desc: true }],
    }),
  });
  return {
    kpi: { query: wip({ metrics: ["lots", "qty"] }) },
    status: STATUS_CARDS_QUERY,
    groups: { query: wip({ groupBy: ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"], metrics: ["lots", "qty"] }) },
    packages: { query: wip({ groupBy: ["PACKAGE_LEF"], metrics: ["qty"], sort: [{ by: "qty", desc: true }] }) },
    cells: { query: wip({ groupBy: ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP", "PACKAGE_LEF"], metrics: ["qty"] }) },
    quality: paretoOf("quality"),
    nonQuality: paretoOf("non_quality"),
  };
}

/** The WIP overview page's view in a UI state. */
export function wipOverviewViews(state: WipViewState): PageView {
  const { filters, status, includeDummy } = state;
  return { widgets: wipWidgets({ filters, status, includeDummy }), queries: overviewQueries() };
}
