/** Metric values per group: count, sum, mean, min, max, count_distinct and ratio, with `where`. */
import type { AggregateSpec, MetricSpec } from "./contracts";
import { QueryError } from "./core-error";
import { filterMask } from "./filter-mask";
import type { SelectionGrouping } from "./group-by";
import type { Filter } from "./query";
import type { Selection } from "./selection";
import { type Column, type NumericColumn, requireColumn, type Table } from "./table";

export interface GroupAssignment {
  /** Group id per row; -1 for rows that take no part. */
  groupIds: Int32Array;
  groupCount: number;
}

/** Where-masks shared by the metrics of one evaluation, keyed by their filters' JSON. */
export type WhereCache = Map<string, Uint8Array>;

/** One sum/mean part's per-group sums and non-null counts, and both over all selected rows. */
export interface PartSums {
  sums: Float64Array;
  counts: Float64Array;
  total: number;
  totalCount: number;
}

/** Part sums computed ahead for the metrics of one evaluation (shared-sums.ts), keyed by partKey. */
export type SharedSums = ReadonlyMap<string, PartSums>;

/** One aggregate of a metric: the metric itself, or a ratio's numerator or denominator. */
export interface MetricPart {
  agg: AggregateSpec["agg"];
  field: string | undefined;
  /** The metric's `where` and the part's own, ANDed. */
  filters: Filter[];
}

/** The parts a metric aggregates (a ratio's numerator and denominator, else the metric itself). */
export function metricParts(metric: MetricSpec): MetricPart[] {
  const outer = metric.where ?? [];
  if (metric.agg !== "ratio") return [{ agg: metric.agg, field: metric.field, filters: [...outer] }];
  const { numerator, denominator } = metric;
  if (!numerator || !denominator) throw new QueryError(`metric ${metric.id}: ratio needs numerator and denominator`);
  return [numerator, denominator].map((p) => ({ agg: p.agg, field: p.field, filters: [...outer, ...(p.where ?? [])] }));
}

/** The key of a sum or mean part in SharedSums: its field and filters. */
export function partKey(field: string, filters: readonly Filter[]): string {
  return `${field}\u0000${JSON.stringify(filters)}`;
}

type Values = (number | null)[];

/** A metric's value per group and over all selected rows (the result's `total`). */
export interface MetricResult {
  values: Values;
  total: number | null;
}

/**
 * One metric over every group of a selection. Sums accumulate in row order in float64 (integers
 * stay exact below 2^53); the total is accumulated in the same pass, also in row order.
 */
export function aggregateSelection(
  table: Table,
  selection: Selection,
  grouping: SelectionGrouping,
  metric: MetricSpec,
  cache: WhereCache = new Map(),
  shared: SharedSums | null = null,
): MetricResult {
  const context: Context = { table, selection, grouping, cache, shared };
  const parts = metricParts(metric);
  if (metric.agg !== "ratio") return aggregatePart(context, parts[0] as MetricPart);
  const num = aggregatePart(context, parts[0] as MetricPart);
  const den = aggregatePart(context, parts[1] as MetricPart);
  const scale = metric.scale ?? 1;
  const ratio = (n: number | null, d: number | null) => (n === null || d === null || d === 0 ? null : (n / d) * scale);
  return { values: num.values.map((n, g) => ratio(n, den.values[g] ?? null)), total: ratio(num.total, den.total) };
}

/** One metric per group given group ids per row (-1 = not taking part). */
export function aggregateMetric(
  table: Table,
  groups: GroupAssignment,
  metric: MetricSpec,
  cache: WhereCache = new Map(),
): Values {
  if (groups.groupIds.length !== table.numRows) throw new RangeError("group ids length differs from the table");
  const ids = groups.groupIds;
  let count = 0;
  for (let i = 0; i < ids.length; i++) if ((ids[i] as number) >= 0) count++;
  const rows = new Int32Array(count);
  const gid = new Int32Array(count);
  const rowCounts = new Float64Array(groups.groupCount);
  for (let i = 0, k = 0; i < ids.length; i++) {
    const g = ids[i] as number;
    if (g < 0) continue;
    rows[k] = i;
    gid[k++] = g;
    rowCounts[g] = (rowCounts[g] as number) + 1;
  }
  const grouping: SelectionGrouping = { gid, groupCount: groups.groupCount, keys: [], rowCounts, fused: null };
  return aggregateSelection(table, { rows, count }, grouping, metric, cache).values;
}

interface Context {
  table: Table;
  selection: Selection;
  grouping: SelectionGrouping;
  cache: WhereCache;
  shared?: SharedSums | null;
}

function aggregatePart(context: Context, part: MetricPart): MetricResult {
  const { table } = context;
  const { filters } = part;
  if ((part.agg === "sum" || part.agg === "mean") && part.field) {
    const known = context.shared?.get(partKey(part.field, filters));
    if (known) return sumResult(known, part.agg === "mean");
  }
  const where = filters.length ? whereMask(table, filters, context.cache) : null;
  if (!part.field) {
    if (part.agg !== "count") throw new QueryError(`${part.agg} needs a field`);
    return countRows(context, where);
  }
  const column = requireColumn(table, part.field);
  if (part.agg === "count") return countValues(context, column, where);
  if (part.agg === "count_distinct") return countDistinct(context, column, where);
  if (column.kind === "dictionary" || column.kind === "utf8") {
    throw new QueryError(`${part.agg} of ${part.field}: not a numeric column`);
  }
  return part.agg === "min" || part.agg === "max"
    ? extreme(context, column, where, part.agg)
    : sumOrMean(context, column, where, part.agg === "mean");
}

function whereMask(table: Table, where: readonly Filter[], cache: WhereCache): Uint8Array {
  const key = JSON.stringify(where);
  let mask = cache.get(key);
  if (!mask) {
    mask = filterMask(table, where);
    cache.set(key, mask);
  }
  return mask;
}

function sumOf(values: ArrayLike<number>): number {
  let total = 0;
  for (let g = 0; g < values.length; g++) total += values[g] as number;
  return total;
}

function countRows({ selection, grouping }: Context, where: Uint8Array | null): MetricResult {
  if (!where) return { values: Array.from(grouping.rowCounts), total: selection.count };
  const counts = new Float64Array(grouping.groupCount);
  const { rows, count } = selection;
  const { gid } = grouping;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    if (where[i]) {
      const g = gid ? (gid[j] as number) : 0;
      counts[g] = (counts[g] as number) + 1;
    }
  }
  return { values: Array.from(counts), total: sumOf(counts) };
}

/** 1 where the row has a value, per row of the table (made once per column). */
const presenceCache = new WeakMap<Column, Uint8Array>();

function presence(column: Column): Uint8Array {
  if (column.kind !== "dictionary" && column.kind !== "utf8") return column.valid;
  let present = presenceCache.get(column);
  if (!present) {
    if (column.kind === "dictionary") {
      const { codes } = column;
      present = new Uint8Array(codes.length);
      for (let i = 0; i < codes.length; i++) present[i] = (codes[i] as number) >= 0 ? 1 : 0;
    } else {
      const { values } = column;
      present = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) present[i] = values[i] == null ? 0 : 1;
    }
    presenceCache.set(column, present);
  }
  return present;
}

function countValues({ selection, grouping }: Context, column: Column, where: Uint8Array | null): MetricResult {
  const present = presence(column);
  const counts = new Float64Array(grouping.groupCount);
  const { rows, count } = selection;
  const { gid } = grouping;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    if (present[i] && (!where || where[i])) {
      const g = gid ? (gid[j] as number) : 0;
      counts[g] = (counts[g] as number) + 1;
    }
  }
  return { values: Array.from(counts), total: sumOf(counts) };
}

function sumOrMean(
  { selection, grouping }: Context,
  column: NumericColumn,
  where: Uint8Array | null,
  mean: boolean,
): MetricResult {
  const n = grouping.groupCount;
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  const { values, valid } = column;
  const { rows, count } = selection;
  const { gid, fused } = grouping;
  // Summed by the grouping loop already.
  if (fused && fused.column === column && !where) return sumResult(fused, mean);
  // totals[0] = sum in row order, totals[1] = count.
  const totals = new Float64Array(2);
  sumRows(rows, count, gid, values, valid, where, sums, counts, totals);
  return sumResult({ sums, counts, total: totals[0] as number, totalCount: totals[1] as number }, mean);
}

/** Sums (or means) per group and in total; null where no value was summed. */
function sumResult(part: PartSums, mean: boolean): MetricResult {
  const value = (sum: number, c: number) => (c === 0 ? null : mean ? sum / c : sum);
  return {
    values: Array.from(part.sums, (s, g) => value(s, part.counts[g] as number)),
    total: value(part.total, part.totalCount),
  };
}

/** Sums and counts of the non-null values per group (and over all rows), in row order. */
function sumRows(
  rows: Int32Array | null,
  count: number,
  gid: Int32Array | null,
  values: Float64Array,
  valid: Uint8Array,
  where: Uint8Array | null,
  sums: Float64Array,
  counts: Float64Array,
  totals: Float64Array,
): void {
  let total = 0;
  let totalCount = 0;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    if (valid[i] && (!where || where[i])) {
      const g = gid ? (gid[j] as number) : 0;
      const v = values[i] as number;
      sums[g] = (sums[g] as number) + v;
      counts[g] = (counts[g] as number) + 1;
      total += v;
      totalCount++;
    }
  }
  totals[0] = total;
  totals[1] = totalCount;
}

function extreme(
  { selection, grouping }: Context,
  column: NumericColumn,
  where: Uint8Array | null,
  kind: "min" | "max",
): MetricResult {
  const n = grouping.groupCount;
  const best = new Float64Array(n);
  const seen = new Uint8Array(n);
  const { values, valid } = column;
  const { rows, count } = selection;
  const { gid } = grouping;
  const isMin = kind === "min";
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    if (!valid[i] || (where && !where[i])) continue;
    const g = gid ? (gid[j] as number) : 0;
    const v = values[i] as number;
    if (!seen[g] || (isMin ? v < (best[g] as number) : v > (best[g] as number))) {
      best[g] = v;
      seen[g] = 1;
    }
  }
  const out: Values = Array.from(best, (v, g) => (seen[g] ? v : null));
  let total: number | null = null;
  for (const v of out) {
    if (v !== null && (total === null || (isMin ? v < total : v > total))) total = v;
  }
  return { values: out, total };
}

function countDistinct({ selection, grouping }: Context, column: Column, where: Uint8Array | null): MetricResult {
  const sets: Set<unknown>[] = Array.from({ length: grouping.groupCount }, () => new Set());
  const all = new Set<unknown>();
  const present = presence(column);
  const read: (i: number) => unknown =
    column.kind === "dictionary"
      ? (i) => column.codes[i]
      : column.kind === "utf8"
        ? (i) => column.values[i]
        : (i) => column.values[i];
  const { rows, count } = selection;
  const { gid } = grouping;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    if (!present[i] || (where && !where[i])) continue;
    const value = read(i);
    sets[gid ? (gid[j] as number) : 0]?.add(value);
    all.add(value);
  }
  return { values: sets.map((s) => s.size), total: all.size };
}
