/** evaluate(table, query): the query contract over a decoded table -> {rows, total}. */
import { aggregateSelection, type WhereCache } from "./aggregate";
import { groupSelection } from "./group-by";
import type { QueryResult, ResultRow } from "./query";
import { type Selection, selectRows } from "./selection";
import { sharedSums } from "./shared-sums";
import { sortRows } from "./sort-rows";
import { type NumericColumn, requireColumn, type Table } from "./table";
import { type ValidQuery, validateQuery } from "./validate-query";

export interface EvaluateOptions {
  /** Rows to consider before the query's filters, as a row mask (1 = considered). */
  mask?: Uint8Array | null;
  /** Rows to consider before the query's filters, as a selection (e.g. a crossfilter view). */
  selection?: Selection | null;
}

/** Validate the query against the contract, then evaluate it; throws QueryError (INVALID_QUERY). */
export function evaluate(table: Table, query: unknown, options: EvaluateOptions = {}): QueryResult {
  const valid = validateQuery(query);
  for (const field of referencedFields(valid)) requireColumn(table, field);
  if (options.mask && options.mask.length !== table.numRows) throw new RangeError("mask length differs from the table");
  if (options.mask && options.selection) throw new RangeError("give a mask or a selection, not both");
  return _evaluate(table, valid, options.mask ?? options.selection ?? null);
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

/** The column of the query's first plain sum or mean (no `where`), summed in the grouping loop. */
export function fusableSum(table: Table, query: ValidQuery): NumericColumn | null {
  for (const m of query.metrics) {
    if ((m.agg === "sum" || m.agg === "mean") && m.field && !m.where?.length) {
      const column = requireColumn(table, m.field);
      return column.kind === "dictionary" || column.kind === "utf8" ? null : column;
    }
  }
  return null;
}

function _evaluate(table: Table, query: ValidQuery, base: Uint8Array | Selection | null): QueryResult {
  const selection = selectRows(table, query.filters, base);
  const grouping = groupSelection(table, query.groupBy, selection, { sum: fusableSum(table, query) });
  const cache: WhereCache = new Map();
  const shared = sharedSums(table, selection, grouping, query.metrics);
  const results = query.metrics.map((m) => aggregateSelection(table, selection, grouping, m, cache, shared));
  const rows: ResultRow[] = [];
  for (let g = 0; g < grouping.groupCount; g++) {
    const row: ResultRow = {};
    query.groupBy.forEach((spec, k) => {
      row[spec.name] = grouping.keys[k]?.[g] ?? null;
    });
    query.metrics.forEach((m, k) => {
      row[m.id] = results[k]?.values[g] ?? null;
    });
    rows.push(row);
  }
  const total: Record<string, number | null> = {};
  query.metrics.forEach((m, k) => {
    total[m.id] = results[k]?.total ?? null;
  });
  const ordered = sortRows(rows, { sort: query.sort, groupKeys: query.groupBy.map((g) => g.name), limit: query.limit });
  return { rows: ordered, total };
}
