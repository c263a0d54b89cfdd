/**
 * The measured workload, in the query contract's JSON form (contracts/README.md): the WIP overview's
 * full aggregation, its four linked widgets, and the filter bar's autocomplete.
 */
import type { Filter, Query } from "../../frontend/src/core/query";

export type Row = Record<string, string | number | boolean | null>;
export type Rows = Row[];

export interface Suggestion {
  value: string;
  count: number;
}

/** Autocomplete as the filter bar asks for it (core `suggest`, contains, 12 values). */
export interface SuggestCase {
  field: string;
  text: string;
}

export const SUGGEST_LIMIT = 12;

/** Rule 1: DUMMY lots are left out by default. */
export const NOT_DUMMY: Filter = { field: "IS_DUMMY", op: "eq", value: false };

const wip = (q: Omit<Query, "dataset">): Query => ({ dataset: "wip", ...q });

function paretoOf(type: "quality" | "non_quality", filters: Filter[]): Query {
  return wip({
    filters: [...filters, { field: "HOLD_TYPE", op: "eq", value: type }],
    groupBy: ["HOLDREASONNAME"],
    metrics: ["lots", "qty"],
    sort: [{ by: "qty", desc: true }],
  });
}

/** The linked widgets' queries; their filters come from the crossfilter ("all but own"). */
export const WIDGET_QUERIES: Record<string, Query> = {
  status: wip({ groupBy: ["WIP_STATUS", "HOLD_TYPE"], metrics: ["lots", "qty"] }),
  matrix: wip({ groupBy: ["WORKCENTER_GROUP", "PACKAGE_LEF"], metrics: ["qty"] }),
  quality: paretoOf("quality", []),
  nonQuality: paretoOf("non_quality", []),
};

/** Full aggregation of the overview: KPI total plus the four widgets, with the default filter. */
export const OVERVIEW_QUERIES: Record<string, Query> = {
  kpi: wip({ filters: [NOT_DUMMY], metrics: ["lots", "qty"] }),
  status: wip({ filters: [NOT_DUMMY], groupBy: ["WIP_STATUS", "HOLD_TYPE"], metrics: ["lots", "qty"] }),
  matrix: wip({ filters: [NOT_DUMMY], groupBy: ["WORKCENTER_GROUP", "PACKAGE_LEF"], metrics: ["qty"] }),
  quality: paretoOf("quality", [NOT_DUMMY]),
  nonQuality: paretoOf("non_quality", [NOT_DUMMY]),
};

/** Widget filters before the measured updates (the dummy rule is a widget, as on the page). */
export const BASE_WIDGETS: Record<string, Filter[]> = { dummy: [NOT_DUMMY] };

/** The widget whose selection changes in the cross-filter update (a click on matrix columns). */
export const CHANGED_WIDGET = "matrix";

export function packageSelection(packages: string[]): Filter[] {
  return [{ field: "PACKAGE_LEF", op: "in", values: packages }];
}

/** Filters that apply to `widget`: every widget's filters but its own. */
export function filtersExcept(widgets: Record<string, Filter[]>, widget: string): Filter[] {
  return Object.entries(widgets).flatMap(([name, filters]) => (name === widget ? [] : filters));
}

/** The filter bar's widget name for a field (as in frontend/src/core/filter-model.ts). */
export function fieldWidget(field: string): string {
  return `f.${field}`;
}
