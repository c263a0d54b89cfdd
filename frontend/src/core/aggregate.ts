/** Metric values per group: count, sum, mean, min, max, count_distinct and ratio, with `where`. */
import type { AggregateSpec, MetricSpec } from "./contracts";
import { QueryError } from "./core-error";
import { filterMask } from "./filter-mask";
import type { Filter } from "./query";
import { type Column, type NumericColumn, requireColumn, type Table } from "./table";

export interface GroupAssignment {
  /** Group id per row; -1 for rows that take no part. */
  groupIds: Int32Array;
  groupCount: number;
}

/** Where-masks shared by the metrics of one evaluation, keyed by their filters' JSON. */
export type WhereCache = Map<string, Uint8Array>;

type Values = (number | null)[];

/** One metric over every group: numbers, null for an empty sum/mean/min/max or a ratio over 0. */
export function aggregateMetric(
  table: Table,
  groups: GroupAssignment,
  metric: MetricSpec,
  cache: WhereCache = new Map(),
): Values {
  if (groups.groupIds.length !== table.numRows) throw new RangeError("group ids length differs from the table");
  const where = metric.where ?? [];
  if (metric.agg !== "ratio") return aggregatePart(table, groups, { ...metric, agg: metric.agg }, where, cache);
  const { numerator, denominator } = metric;
  if (!numerator || !denominator) throw new QueryError(`metric ${metric.id}: ratio needs numerator and denominator`);
  const num = aggregatePart(table, groups, numerator, where, cache);
  const den = aggregatePart(table, groups, denominator, where, cache);
  const scale = metric.scale ?? 1;
  return num.map((n, g) => {
    const d = den[g] ?? null;
    return n === null || d === null || d === 0 ? null : (n / d) * scale;
  });
}

function aggregatePart(
  table: Table,
  groups: GroupAssignment,
  part: AggregateSpec,
  outerWhere: readonly Filter[],
  cache: WhereCache,
): Values {
  const where = [...outerWhere, ...(part.where ?? [])];
  const ids = where.length ? restrict(groups.groupIds, whereMask(table, where, cache)) : groups.groupIds;
  const n = groups.groupCount;
  if (!part.field) {
    if (part.agg !== "count") throw new QueryError(`${part.agg} needs a field`);
    return countRows(ids, n);
  }
  const column = requireColumn(table, part.field);
  if (part.agg === "count") return countValues(column, ids, n);
  if (part.agg === "count_distinct") return countDistinct(column, ids, n);
  if (column.kind === "dictionary" || column.kind === "utf8") {
    throw new QueryError(`${part.agg} of ${part.field}: not a numeric column`);
  }
  return part.agg === "min" || part.agg === "max"
    ? extreme(column, ids, n, part.agg)
    : sumOrMean(column, ids, n, part.agg === "mean");
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

function restrict(groupIds: Int32Array, mask: Uint8Array): Int32Array {
  const out = new Int32Array(groupIds.length);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] ? (groupIds[i] ?? -1) : -1;
  return out;
}

function countRows(ids: Int32Array, n: number): Values {
  const counts = new Float64Array(n);
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i] ?? -1;
    if (g >= 0) counts[g] = (counts[g] ?? 0) + 1;
  }
  return Array.from(counts);
}

function isPresent(column: Column, i: number): boolean {
  if (column.kind === "dictionary") return (column.codes[i] ?? -1) >= 0;
  if (column.kind === "utf8") return column.values[i] != null;
  return column.valid[i] === 1;
}

function countValues(column: Column, ids: Int32Array, n: number): Values {
  const counts = new Float64Array(n);
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i] ?? -1;
    if (g >= 0 && isPresent(column, i)) counts[g] = (counts[g] ?? 0) + 1;
  }
  return Array.from(counts);
}

/** Sums accumulate in row order in float64 (integers stay exact below 2^53). */
function sumOrMean(column: NumericColumn, ids: Int32Array, n: number, mean: boolean): Values {
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  const { values, valid } = column;
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i] ?? -1;
    if (g >= 0 && valid[i]) {
      sums[g] = (sums[g] ?? 0) + (values[i] ?? 0);
      counts[g] = (counts[g] ?? 0) + 1;
    }
  }
  return Array.from(sums, (s, g) => {
    const count = counts[g] ?? 0;
    if (count === 0) return null;
    return mean ? s / count : s;
  });
}

function extreme(column: NumericColumn, ids: Int32Array, n: number, kind: "min" | "max"): Values {
  const out: Values = new Array(n).fill(null);
  const { values, valid } = column;
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i] ?? -1;
    if (g < 0 || !valid[i]) continue;
    const v = values[i] ?? 0;
    const current = out[g] ?? null;
    if (current === null || (kind === "min" ? v < current : v > current)) out[g] = v;
  }
  return out;
}

function countDistinct(column: Column, ids: Int32Array, n: number): Values {
  const sets: Set<unknown>[] = Array.from({ length: n }, () => new Set());
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i] ?? -1;
    if (g < 0 || !isPresent(column, i)) continue;
    sets[g]?.add(column.kind === "dictionary" ? column.codes[i] : column.values[i]);
  }
  return sets.map((s) => s.size);
}
