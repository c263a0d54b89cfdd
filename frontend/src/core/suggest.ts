/**
 * Autocomplete: distinct values of a string column matching a text, ranked by row count.
 *
 * Runs on the column's string index (string-index.ts, built on first use): trigram signatures skip
 * most non-matching values, and the ranking never sorts all matches:
 * - utf8 column whose values ascend in row order (the server ships WIP rows sorted by LOTID): every
 *   count is 1 and row order is the ranking, so the scan stops after `limit` matching rows;
 * - utf8 column of distinct values in any order: the `limit` smallest matching values, by order keys;
 * - dictionary column, or utf8 column with repeated values: each matching value counted over its own
 *   rows (CSR), the top `limit` kept by partial selection (counts first, strings only on ties).
 */
import { QueryError } from "./core-error";
import {
  compareEntries,
  type EntryMatcher,
  entryMatcher,
  entryValue,
  orderKeysOf,
  rowsOf,
  type StringIndex,
  stringIndexOf,
} from "./string-index";
import { requireColumn, type Table } from "./table";

export interface SuggestRequest {
  field: string;
  /** Matched case-insensitively (toLowerCase on both sides); empty matches every value. */
  text: string;
  mode?: "prefix" | "contains";
  limit?: number;
}

export interface Suggestion {
  value: string;
  count: number;
}

/** Distinct non-null values matching `text` among the masked rows: count desc, then code point. */
export function suggest(table: Table, request: SuggestRequest, mask?: Uint8Array | null): Suggestion[] {
  const { field, text, mode = "prefix", limit = 10 } = request;
  if (typeof text !== "string") throw new QueryError("suggest.text: must be a string");
  if (mode !== "prefix" && mode !== "contains") throw new QueryError("suggest.mode: must be prefix or contains");
  if (!Number.isInteger(limit) || limit < 0) throw new QueryError("suggest.limit: must be an integer >= 0");
  if (mask && mask.length !== table.numRows) throw new RangeError("mask length differs from the table");
  const column = requireColumn(table, field);
  if (column.kind !== "dictionary" && column.kind !== "utf8")
    throw new QueryError(`suggest.field: ${field} is not a string column`);
  if (limit === 0) return [];
  const index = stringIndexOf(column);
  const matcher = entryMatcher(index, text.toLowerCase(), mode);
  const ranked = index.rowEntries
    ? topCounted(index, matcher, limit, mask ?? null)
    : index.sorted
      ? firstRows(index, matcher, limit, mask ?? null)
      : smallestRows(index, matcher, limit, mask ?? null);
  return ranked.entries.map((k, i) => ({ value: entryValue(index, k), count: ranked.counts[i] ?? 1 }));
}

interface Ranked {
  entries: number[];
  /** Count per entry of `entries` (1 when absent: distinct values). */
  counts: number[];
}

/** Sorted distinct values: the first `limit` matching rows in row order are the answer. */
function firstRows(index: StringIndex, matcher: EntryMatcher, limit: number, mask: Uint8Array | null): Ranked {
  const { a, qa, b, qb, verify } = matcher;
  const { present, size } = index;
  const entries: number[] = [];
  for (let k = 0; k < size; k++) {
    if (((a[k] ?? 0) & qa) !== qa || ((b[k] ?? 0) & qb) !== qb) continue;
    if ((mask && !mask[k]) || (present && !present[k]) || !verify(k)) continue;
    if (entries.push(k) >= limit) break;
  }
  return { entries, counts: [] };
}

/** Distinct values in any order: the `limit` smallest matching rows, compared by order keys first. */
function smallestRows(index: StringIndex, matcher: EntryMatcher, limit: number, mask: Uint8Array | null): Ranked {
  const { a, qa, b, qb, verify } = matcher;
  const { present, size } = index;
  const { high, low } = orderKeysOf(index);
  const before = (a: number, b: number) => {
    const ha = high[a] ?? 0;
    const hb = high[b] ?? 0;
    if (ha !== hb) return ha < hb;
    const la = low[a] ?? 0;
    const lb = low[b] ?? 0;
    return la !== lb ? la < lb : compareEntries(index, a, b) < 0;
  };
  const heap = new WorstFirstHeap(Math.min(limit, size), before);
  for (let k = 0; k < size; k++) {
    if (((a[k] ?? 0) & qa) !== qa || ((b[k] ?? 0) & qb) !== qb) continue;
    if ((mask && !mask[k]) || (present && !present[k])) continue;
    if (heap.full() && !before(k, heap.worst())) continue;
    if (verify(k)) heap.offer(k);
  }
  return { entries: heap.ranked(), counts: [] };
}

/**
 * Values with rows (dictionary codes or repeated utf8 values): visit values by row count, descending,
 * count each match under the mask, and stop once no further value can reach the kept ones (its count
 * under any mask is at most its row count).
 */
function topCounted(index: StringIndex, matcher: EntryMatcher, limit: number, mask: Uint8Array | null): Ranked {
  const { a, qa, b, qb, verify } = matcher;
  const { offsets, rows, byCount } = rowsOf(index);
  const counts = new Int32Array(index.size);
  const before = (x: number, y: number) => {
    const cx = counts[x] ?? 0;
    const cy = counts[y] ?? 0;
    return cx !== cy ? cx > cy : compareEntries(index, x, y) < 0;
  };
  const heap = new WorstFirstHeap(Math.min(limit, index.size), before);
  let floor = 0;
  for (let j = 0; j < byCount.length; j++) {
    const k = byCount[j] ?? 0;
    const from = offsets[k] ?? 0;
    const to = offsets[k + 1] ?? 0;
    if (to - from < floor || to === from) break;
    if (((a[k] ?? 0) & qa) !== qa || ((b[k] ?? 0) & qb) !== qb || !verify(k)) continue;
    let count = to - from;
    if (mask) {
      count = 0;
      for (let r = from; r < to; r++) count += mask[rows[r] ?? 0] ? 1 : 0;
    }
    if (count === 0 || count < floor) continue;
    counts[k] = count;
    heap.offer(k);
    if (heap.full()) floor = counts[heap.worst()] ?? 0;
  }
  const entries = heap.ranked();
  return { entries, counts: entries.map((k) => counts[k] ?? 0) };
}

/** The best `capacity` items offered so far under `before`, the worst one at the root. */
class WorstFirstHeap {
  private readonly items: Int32Array;
  private length = 0;

  constructor(
    private readonly capacity: number,
    private readonly before: (a: number, b: number) => boolean,
  ) {
    this.items = new Int32Array(capacity);
  }

  full(): boolean {
    return this.length === this.capacity;
  }

  worst(): number {
    return this.items[0] ?? -1;
  }

  /** Keep `item` if it ranks before the worst kept one (or there is room). */
  offer(item: number): void {
    const { items, before } = this;
    if (this.length < this.capacity) {
      let i = this.length++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const above = items[parent] ?? 0;
        if (!before(above, item)) break;
        items[i] = above;
        i = parent;
      }
      items[i] = item;
      return;
    }
    if (this.capacity === 0 || !before(item, items[0] ?? 0)) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.length) break;
      const right = left + 1;
      let child = left;
      if (right < this.length && before(items[left] ?? 0, items[right] ?? 0)) child = right;
      const below = items[child] ?? 0;
      if (!before(item, below)) break;
      items[i] = below;
      i = child;
    }
    items[i] = item;
  }

  /** The kept items, best first. */
  ranked(): number[] {
    const { before } = this;
    return Array.from(this.items.subarray(0, this.length)).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }
}
