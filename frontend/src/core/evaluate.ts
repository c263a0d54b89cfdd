/** evaluate(table, query): the query contract over a decoded table -> {rows, total}. */
import { aggregateMetric, type WhereCache } from "./aggregate";
import { filterMask } from "./filter-mask";
import { groupBy } from "./group-by";
import type { QueryResult, ResultRow } from "./query";
import { sortRows } from "./sort-rows";
import { requireColumn, type Table } from "./table";
import { type ValidQuery, validateQuery } from "./validate-query";

export interface EvaluateOptions {
  /** Rows to consider before the query's filters (e.g. a crossfilter "all but own" mask). */
  mask?: Uint8Array | null;
}

/** Validate the query against the contract, then evaluate it; throws QueryError (INVALID_QUERY). */
export function evaluate(table: Table, query: unknown, options: EvaluateOptions = {}): QueryResult {
  const valid = validateQuery(query);
  for (const field of referencedFields(valid)) requireColumn(table, field);
  if (options.mask && options.mask.length !== table.numRows) throw new RangeError("mask length differs from the table");
  return _evaluate(table, valid, options.mask ?? null);
}

/** Every field the query reads: filters, group keys, metric fields and metric `where` filters. */
export function referencedFields(query: ValidQuery): Set<string> {
  const fields = new Set<string>([...query.filters.map((f) => f.field), ...query.groupBy.map((g) => g.field)]);
  for (const m of query.metrics) {
    for (const part of [m, m.numerator, m.denominator]) {
      if (part?.field) fields.add(part.field);
      for (const f of part?.where ?? []) fields.add(f.field);
    }
  }
  return fields;
}

function _evaluate(table: Table, query: ValidQuery, base: Uint8Array | null): QueryResult {
  const mask = filterMask(table, query.filters, base);
  const grouping = groupBy(table, query.groupBy, mask);
  const cache: WhereCache = new Map();
  const values = query.metrics.map((m) => aggregateMetric(table, grouping, m, cache));
  const rows: ResultRow[] = [];
  for (let g = 0; g < grouping.groupCount; g++) {
    const row: ResultRow = {};
    query.groupBy.forEach((spec, k) => {
      row[spec.name] = grouping.keys[k]?.[g] ?? null;
    });
    query.metrics.forEach((m, k) => {
      row[m.id] = values[k]?.[g] ?? null;
    });
    rows.push(row);
  }
  const totalIds = new Int32Array(mask.length);
  for (let i = 0; i < mask.length; i++) totalIds[i] = mask[i] ? 0 : -1;
  const total: Record<string, number | null> = {};
  for (const m of query.metrics) {
    total[m.id] = aggregateMetric(table, { groupIds: totalIds, groupCount: 1 }, m, cache)[0] ?? null;
  }
  const ordered = sortRows(rows, { sort: query.sort, groupKeys: query.groupBy.map((g) => g.name), limit: query.limit });
  return { rows: ordered, total };
}
