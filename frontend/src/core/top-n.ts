/** Top N rows plus one "other" row folding the rest, for charts that cannot show every group. */
import type { ResultRow } from "./query";

export interface TopNOptions {
  n: number;
  /** Columns added up into the other row (additive metrics: counts, sums); others become null. */
  sumKeys: readonly string[];
  /** The other row's group key values, e.g. {WORKCENTER_GROUP: "Other"}. */
  other: ResultRow;
}

export interface TopNResult {
  rows: ResultRow[];
  /** The appended other row (also the last of `rows`), null when there were at most N rows. */
  otherRow: ResultRow | null;
}

/** The first N of the ordered rows, and an other row only when there are more than N. */
export function topN(rows: readonly ResultRow[], options: TopNOptions): TopNResult {
  const { n, sumKeys, other } = options;
  if (!Number.isInteger(n) || n < 0) throw new RangeError("n must be an integer >= 0");
  if (rows.length <= n) return { rows: [...rows], otherRow: null };
  const rest = rows.slice(n);
  const otherRow: ResultRow = {};
  for (const key of Object.keys(rest[0] ?? {})) otherRow[key] = null;
  Object.assign(otherRow, other);
  for (const key of sumKeys) {
    let sum: number | null = null;
    for (const row of rest) {
      const v = row[key];
      if (typeof v === "number") sum = (sum ?? 0) + v;
    }
    otherRow[key] = sum;
  }
  return { rows: [...rows.slice(0, n), otherRow], otherRow };
}
