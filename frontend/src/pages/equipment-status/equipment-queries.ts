/** Equipment status: widgets (filters, flags, categories, the matrix cell) and the queries. */
import type { ViewQuery } from "../../app/use-core-queries";
import { widgetsOf } from "../../core/filter-model";
import { rowListingQueries } from "../../core/join-rows";
import type { Filter, Query } from "../../core/query";
import type { PageView } from "../page-view";

export const EQ_FILTER_FIELDS = ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME", "LOCATIONNAME"] as const;
export const E10_STATUSES = ["PRD", "SBY", "UDT", "SDT", "EGT", "NST", "OTHER"] as const;
export type E10Status = (typeof E10_STATUSES)[number];
export const CATEGORIES = ["productive", "standby", "down", "engineering", "not_scheduled", "other"] as const;
export const FLAGS = [
  { key: "prod", field: "PJ_ISPRODUCTION", label: "eq.flag.production" },
  { key: "key", field: "PJ_ISKEY", label: "eq.flag.key" },
  { key: "mon", field: "PJ_ISMONITOR", label: "eq.flag.monitor" },
] as const;
export type FlagKey = (typeof FLAGS)[number]["key"];

export const STATUS_METRIC: Record<E10Status, string> = {
  PRD: "prd_machines",
  SBY: "sby_machines",
  UDT: "udt_machines",
  SDT: "sdt_machines",
  EGT: "egt_machines",
  NST: "nst_machines",
  OTHER: "other_machines",
};
export const HIERARCHY_METRICS = ["machines", ...E10_STATUSES.map((s) => STATUS_METRIC[s]), "ou_pct"];

/** A clicked matrix cell: the node (group, family, machine) and the status column (null = total). */
export interface CellSelection {
  group: string | null;
  family?: string | null;
  machine?: string;
  status: E10Status | null;
}

export function isE10(value: unknown): value is E10Status {
  return typeof value === "string" && (E10_STATUSES as readonly string[]).includes(value);
}

export function encodeCell(cell: CellSelection): string {
  return JSON.stringify({ g: cell.group, f: cell.family, m: cell.machine, s: cell.status });
}

export function decodeCell(text: string | undefined): CellSelection | null {
  if (!text) return null;
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const { g, f, m, s } = raw;
    const nullableString = (v: unknown) => v === null || typeof v === "string";
    if (typeof raw !== "object" || raw === null || !nullableString(g)) return null;
    if (Object.hasOwn(raw, "f") && !nullableString(f)) return null;
    if (Object.hasOwn(raw, "m") && typeof m !== "string") return null;
    if (!(s === null || s === undefined || isE10(s))) return null;
    return {
      group: g as string | null,
      ...(Object.hasOwn(raw, "f") ? { family: f as string | null } : {}),
      ...(typeof m === "string" ? { machine: m } : {}),
      status: (s ?? null) as E10Status | null,
    };
  } catch {
    return null;
  }
}

export function cellFilters(cell: CellSelection | null): Filter[] {
  if (!cell) return [];
  const filters: Filter[] = [{ field: "WORKCENTER_GROUP", op: "in", values: [cell.group] }];
  if (cell.family !== undefined) filters.push({ field: "RESOURCEFAMILYNAME", op: "in", values: [cell.family] });
  if (cell.machine !== undefined) filters.push({ field: "RESOURCEID", op: "eq", value: cell.machine });
  if (cell.status) filters.push({ field: "STATUS_E10", op: "eq", value: cell.status });
  return filters;
}

export interface EquipmentViewState {
  filters: readonly Filter[];
  flags: readonly FlagKey[];
  categories: readonly string[];
  cell: CellSelection | null;
}

export function equipmentWidgets(state: EquipmentViewState): Record<string, Filter[]> {
  return {
    ...widgetsOf(state.filters),
    flags: FLAGS.filter((f) => state.flags.includes(f.key)).map((f) => ({ field: f.field, op: "eq", value: true })),
    category: state.categories.length ? [{ field: "STATUS_CATEGORY", op: "in", values: [...state.categories] }] : [],
    cell: cellFilters(state.cell),
  };
}

const resource = (q: Omit<Query, "dataset">): Query => ({ dataset: "resource", ...q });
const EXCEPT_CELL = { except: "cell" } as const;

export const KPI_METRICS = [
  "machines",
  "ou_pct",
  "availability_pct",
  ...E10_STATUSES.map((s) => STATUS_METRIC[s]),
  "machines_with_job",
  "machines_with_lots",
];

export const MACHINE_LISTING = rowListingQueries({
  dataset: "resource",
  key: "RESOURCEID",
  columns: [
    "RESOURCENAME",
    "STATUS_E10",
    "WORKCENTER_GROUP",
    "RESOURCEFAMILYNAME",
    "EQUIPMENTASSETSSTATUSREASON",
    "LOCATIONNAME",
    "JOBORDER",
    "JOBSTATUS",
  ],
  metrics: ["lots_on_machines", "trackin_qty", "machines_with_job"],
});

/** KPIs and the hierarchy ignore the matrix cell (it filters the machine list only). */
export function equipmentQueries(): Record<string, ViewQuery> {
  const out: Record<string, ViewQuery> = {
    kpi: { query: resource({ metrics: KPI_METRICS }), scope: EXCEPT_CELL },
    h0: {
      query: resource({ groupBy: ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"], metrics: HIERARCHY_METRICS }),
      scope: EXCEPT_CELL,
    },
    h1: {
      query: resource({ groupBy: ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME"], metrics: HIERARCHY_METRICS }),
      scope: EXCEPT_CELL,
    },
    h2: {
      query: resource({
        groupBy: ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME", "RESOURCEID"],
        metrics: HIERARCHY_METRICS,
      }),
      scope: EXCEPT_CELL,
    },
    names: { query: resource({ groupBy: ["RESOURCEID", "RESOURCENAME"] }), scope: EXCEPT_CELL },
  };
  MACHINE_LISTING.forEach((query, i) => {
    out[`m${i}`] = { query };
  });
  return out;
}

/** The equipment status page's view in a UI state. */
export function equipmentStatusViews(state: EquipmentViewState): PageView {
  return { widgets: equipmentWidgets(state), queries: equipmentQueries() };
}
