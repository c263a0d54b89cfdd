/**
 * Row listings through the query contract: evaluate groups by at most three keys, so a table of
 * per-row attributes is read as several queries grouped by the dataset key plus two attributes
 * each, then joined on the key here.
 */
import type { Dataset, Filter, Query, ResultRow } from "./query";

export interface RowListingSpec {
  dataset: Dataset;
  /** The unique row key (LOTID, RESOURCEID). */
  key: string;
  /** Attribute columns wanted beside the key. */
  columns: readonly string[];
  /** Metric ids computed per row (e.g. qty), carried by the first query. */
  metrics?: readonly string[];
  filters?: readonly Filter[];
}

/** The queries that together list `columns` per key (two attributes per query). */
export function rowListingQueries(spec: RowListingSpec): Query[] {
  const chunks: string[][] = [];
  for (let i = 0; i < spec.columns.length; i += 2) chunks.push(spec.columns.slice(i, i + 2));
  if (chunks.length === 0) chunks.push([]);
  return chunks.map((chunk, i) => ({
    dataset: spec.dataset,
    filters: [...(spec.filters ?? [])],
    groupBy: [spec.key, ...chunk],
    metrics: i === 0 ? [...(spec.metrics ?? [])] : [],
  }));
}

/** Join results on `key`: rows in the order of the first result, other results' columns merged in. */
export function joinRows(results: readonly (readonly ResultRow[])[], key: string): ResultRow[] {
  const [first = [], ...others] = results;
  const rows = first.map((row) => ({ ...row }));
  const index = new Map(rows.map((row) => [row[key], row]));
  for (const result of others) {
    for (const row of result) {
      const target = index.get(row[key]);
      if (target) Object.assign(target, row);
    }
  }
  return rows;
}
