/** Order result rows: sort keys (nulls last), then group keys ascending; then cut to the limit. */
import { compareNullsLast } from "./compare-values";
import type { ResultRow, SortKey } from "./query";

export interface RowOrder {
  sort: readonly SortKey[];
  /** Group key column names, in groupBy order (the tie-breakers). */
  groupKeys: readonly string[];
  limit?: number | null;
}

/** A new, ordered (and limited) array of the rows; the input is left as it is. */
export function sortRows(rows: readonly ResultRow[], order: RowOrder): ResultRow[] {
  const { limit = null } = order;
  if (limit !== null && (!Number.isInteger(limit) || limit < 0)) throw new RangeError("limit must be an integer >= 0");
  return _sortRows(rows, order.sort, order.groupKeys, limit);
}

function _sortRows(
  rows: readonly ResultRow[],
  sort: readonly SortKey[],
  groupKeys: readonly string[],
  limit: number | null,
): ResultRow[] {
  const keys = [
    ...sort.map((s) => ({ by: s.by, desc: s.desc === true })),
    ...groupKeys.map((by) => ({ by, desc: false })),
  ];
  const ordered = [...rows].sort((a, b) => {
    for (const { by, desc } of keys) {
      const order = compareNullsLast(a[by], b[by], desc);
      if (order !== 0) return order;
    }
    return 0;
  });
  return limit === null ? ordered : ordered.slice(0, limit);
}
