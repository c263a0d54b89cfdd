/** Hold detail: widgets for the reason, the distributions' selections, and the queries. */
import type { ViewQuery } from "../../app/use-core-queries";
import { widgetsOf } from "../../core/filter-model";
import { rowListingQueries } from "../../core/join-rows";
import type { Filter, Query, QueryResult } from "../../core/query";
import type { PageView } from "../page-view";
import { dummyFilters } from "../wip-shared/wip-queries";

/** Hold duration buckets in hours: [0, 24), [24, 72), [72, 168), 168+ (rule 4). */
export const HOLD_EDGES = [24, 72, 168] as const;
export const BUCKET_COUNT = HOLD_EDGES.length + 1;

export const DIST = { group: "d.group", package: "d.package", bucket: "d.bucket" } as const;

export interface HoldViewState {
  filters: readonly Filter[];
  includeDummy: boolean;
  /** The hold reason; null = lots held without a reason; undefined = every reason. */
  reason?: string | null;
  group?: string | null;
  pkg?: string | null;
  bucket?: number | null;
}

/** The lots of one duration bucket (the same half-open ranges as the bucket grouping). */
export function bucketFilters(index: number | null | undefined): Filter[] {
  if (index === null || index === undefined || index < 0 || index >= BUCKET_COUNT) return [];
  const min = index === 0 ? undefined : HOLD_EDGES[index - 1];
  const max = index === BUCKET_COUNT - 1 ? undefined : HOLD_EDGES[index];
  return [
    {
      field: "HOLD_HOURS",
      op: "between",
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
    },
  ];
}

export function reasonFilters(reason: string | null): Filter[] {
  return reason === null
    ? [{ field: "HOLDREASONNAME", op: "is_null" }]
    : [{ field: "HOLDREASONNAME", op: "eq", value: reason }];
}

const valueFilter = (field: string, value: string | null | undefined): Filter[] =>
  value === undefined ? [] : [{ field, op: "in", values: [value] }];

export function holdWidgets(state: HoldViewState): Record<string, Filter[]> {
  return {
    ...widgetsOf(state.filters),
    dummy: dummyFilters(state.includeDummy),
    hold: [{ field: "WIP_STATUS", op: "eq", value: "HOLD" }],
    reason: state.reason === undefined ? [] : reasonFilters(state.reason),
    [DIST.group]: valueFilter("WORKCENTER_GROUP", state.group),
    [DIST.package]: valueFilter("PACKAGE_LEF", state.pkg),
    [DIST.bucket]: bucketFilters(state.bucket),
  };
}

const wip = (q: Omit<Query, "dataset">): Query => ({ dataset: "wip", ...q });

export const HELD_LOT_LISTING = rowListingQueries({
  dataset: "wip",
  key: "LOTID",
  columns: ["WORKCENTER_GROUP", "SPECNAME", "PACKAGE_LEF", "EQUIPMENTNAME", "CURRENTHOLDTIME", "HOLD_TYPE"],
  metrics: ["qty", "max_hold_hours"],
});

export function holdQueries(): Record<string, ViewQuery> {
  const out: Record<string, ViewQuery> = {
    summary: { query: wip({ metrics: ["lots", "qty", "avg_hold_hours", "max_hold_hours", "workcenter_groups"] }) },
    byGroup: {
      query: wip({ groupBy: ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"], metrics: ["lots", "qty"] }),
      scope: { except: DIST.group },
    },
    byPackage: {
      query: wip({ groupBy: ["PACKAGE_LEF"], metrics: ["lots", "qty"], sort: [{ by: "qty", desc: true }] }),
      scope: { except: DIST.package },
    },
    byBucket: {
      query: wip({
        groupBy: [{ bucket: "HOLD_HOURS", edges: [...HOLD_EDGES], as: "BUCKET" }],
        metrics: ["lots", "qty"],
      }),
      scope: { except: DIST.bucket },
    },
  };
  HELD_LOT_LISTING.forEach((query, i) => {
    out[`l${i}`] = { query };
  });
  return out;
}

/** The reasons to choose from: held lots by hold type and reason, QTY desc. */
export const REASON_CHOICES: ViewQuery = {
  query: wip({
    filters: [{ field: "WIP_STATUS", op: "eq", value: "HOLD" }],
    groupBy: ["HOLD_TYPE", "HOLDREASONNAME"],
    metrics: ["lots", "qty"],
    sort: [{ by: "qty", desc: true }],
  }),
};

/** The hold detail page's view: the reason choices until a reason is chosen, then its details. */
export function holdDetailViews(state: HoldViewState): PageView {
  if (state.reason === undefined) {
    const { filters, includeDummy } = state;
    return { widgets: holdWidgets({ filters, includeDummy }), queries: { reasons: REASON_CHOICES } };
  }
  return { widgets: holdWidgets(state), queries: holdQueries() };
}

export interface BucketRow {
  index: number | null;
  lots: number;
  qty: number;
}

/** All four buckets, empty ones as 0; a null bucket (no hold time) only when it has lots. */
export function bucketRows(result: QueryResult | undefined): BucketRow[] {
  const found = new Map<number | null, { lots: number; qty: number }>();
  for (const row of result?.rows ?? []) {
    const index = typeof row.BUCKET === "number" ? row.BUCKET : null;
    found.set(index, { lots: Number(row.lots ?? 0), qty: Number(row.qty ?? 0) });
  }
  const rows: BucketRow[] = Array.from({ length: BUCKET_COUNT }, (_, index) => ({
    index,
    ...(found.get(index) ?? { lots: 0, qty: 0 }),
  }));
  const missing = found.get(null);
  if (missing && missing.lots > 0) rows.push({ index: null, ...missing });
  return rows;
}
