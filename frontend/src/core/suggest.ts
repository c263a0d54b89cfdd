/**
 * Autocomplete: distinct values of a string column matching a text, ranked by row count.
 *
 * Runs on the column's string index (string-index.ts, built on first use), and the ranking never
 * sorts all matches:
 * - utf8 column whose values ascend in row order (the server ships WIP rows sorted by LOTID): every
 *   count is 1 and row order is the ranking, so the search (indexOf over the lower-cased text) stops
 *   after `limit` matching rows;
 * - utf8 column of distinct values in any order: the `limit` smallest matching values, by order keys;
 * - dictionary column, or utf8 column with repeated values: trigram signatures skip most
 *   non-matching values, each matching value is counted over its own rows (CSR), the top `limit`
 *   kept by partial selection (counts first, strings only on ties).
 */
import { QueryError } from "./core-error";
import {
  compareEntries,
  entryMatcher,
  entryValue,
  entryVerifier,
  type MatchMode,
  orderKeysOf,
  rowsOf,
  type StringIndex,
  scanEntries,
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
  const needle = text.toLowerCase();
  const ranked = index.rowEntries
    ? topCounted(index, entryTest(index, needle, mode), limit, mask ?? null)
    : index.sorted
      ? firstRows(index, needle, mode, limit, mask ?? null)
      : smallestRows(index, needle, mode, limit, mask ?? null);
  return ranked.entries.map((k, i) => ({ value: entryValue(index, k), count: ranked.counts[i] ?? 1 }));
}

interface Ranked {
  entries: number[];
  /** Count per entry of `entries` (1 when absent: distinct values). */
  counts: number[];
}

/** Sorted distinct values: the first `limit` matching rows in row order are the answer. */
function firstRows(
  index: StringIndex,
  needle: string,
  mode: MatchMode,
  limit: number,
  mask: Uint8Array | null,
): Ranked {
  const { present } = index;
  const entries: number[] = [];
  scanEntries(index, needle, mode, (k) => {
    if ((mask && !mask[k]) || (present && !present[k])) return true;
    return entries.push(k) < limit;
  });
  return { entries, counts: [] };
}

/** Distinct values in any order: the `limit` smallest matching rows, compared by order keys first. */
function smallestRows(
  index: StringIndex,
  needle: string,
  mode: MatchMode,
  limit: number,
  mask: Uint8Array | null,
): Ranked {
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
  scanEntries(index, needle, mode, (k) => {
    if ((mask && !mask[k]) || (present && !present[k])) return true;
    if (!heap.full() || before(k, heap.worst())) heap.offer(k);
    return true;
  });
  return { entries: heap.ranked(), counts: [] };
}

/** Which entries match: the hits of one search of the text (contiguous index), else the signatures. */
interface EntryTest {
  matches(k: number): boolean;
  /** The matching entries, when known up front. */
  readonly hits: Int32Array | null;
}

function entryTest(index: StringIndex, needle: string, mode: MatchMode): EntryTest {
  if (!index.contiguous) {
    const { a, qa, b, qb, verify } = entryMatcher(index, needle, mode);
    return { matches: (k) => ((a[k] ?? 0) & qa) === qa && ((b[k] ?? 0) & qb) === qb && verify(k), hits: null };
  }
  // One search of the text while the hits are few (an eighth of the entries at most): then
  // topCounted counts them directly. Past that, entries are tested one by one as they are visited.
  const found = new Int32Array(index.size >> 3);
  let count = 0;
  scanEntries(index, needle, mode, (k) => {
    if (count === found.length) return false;
    found[count++] = k;
    return true;
  });
  if (count < found.length) {
    const hit = new Uint8Array(index.size);
    for (let j = 0; j < count; j++) hit[found[j] as number] = 1;
    return { matches: (k) => hit[k] === 1, hits: found.subarray(0, count) };
  }
  return { matches: entryVerifier(index, needle, mode), hits: null };
}

/**
 * Values with rows (dictionary codes or repeated utf8 values): visit values by row count, descending,
 * count each match under the mask, and stop once no further value can reach the kept ones (its count
 * under any mask is at most its row count). Few matching values (known up front) are counted directly.
 */
function topCounted(index: StringIndex, test: EntryTest, limit: number, mask: Uint8Array | null): Ranked {
  if (!hasRowLists(index)) return countedByRows(index, test, limit, mask);
  const { matches, hits } = test;
  const { offsets, rows, byCount } = rowsOf(index);
  const counts = new Int32Array(index.size);
  const before = (x: number, y: number) => {
    const cx = counts[x] ?? 0;
    const cy = counts[y] ?? 0;
    return cx !== cy ? cx > cy : compareEntries(index, x, y) < 0;
  };
  const heap = new WorstFirstHeap(Math.min(limit, index.size), before);
  let floor = 0;
  const direct = hits !== null;
  const visits = direct ? hits : byCount;
  for (let j = 0; j < visits.length; j++) {
    const k = visits[j] ?? 0;
    const from = offsets[k] ?? 0;
    const to = offsets[k + 1] ?? 0;
    if (to - from < floor || to === from) {
      if (direct) continue;
      break;
    }
    if (!direct && !matches(k)) continue;
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

const answered = new WeakSet<StringIndex>();

/** The index's row lists exist, or it answered once already (then make them: the next queries use them). */
function hasRowLists(index: StringIndex): boolean {
  if (answered.has(index)) return true;
  answered.add(index);
  return false;
}

/**
 * The first query on a column: one pass over the rows counts the matching values under the mask
 * (cheaper than making the row lists, which the following queries use to count only matching rows).
 */
function countedByRows(index: StringIndex, test: EntryTest, limit: number, mask: Uint8Array | null): Ranked {
  const { matches, hits } = test;
  const rowEntries = index.rowEntries ?? new Int32Array(0);
  const hit = new Uint8Array(index.size);
  if (hits) for (let j = 0; j < hits.length; j++) hit[hits[j] as number] = 1;
  else for (let k = 0; k < index.size; k++) hit[k] = matches(k) ? 1 : 0;
  const counts = new Int32Array(index.size);
  for (let i = 0; i < rowEntries.length; i++) {
    const k = rowEntries[i] as number;
    if (k >= 0 && hit[k] && (!mask || mask[i])) counts[k] = (counts[k] as number) + 1;
  }
  const before = (x: number, y: number) => {
    const cx = counts[x] ?? 0;
    const cy = counts[y] ?? 0;
    return cx !== cy ? cx > cy : compareEntries(index, x, y) < 0;
  };
  const heap = new WorstFirstHeap(Math.min(limit, index.size), before);
  for (let k = 0; k < index.size; k++) {
    if (counts[k] && (!heap.full() || before(k, heap.worst()))) heap.offer(k);
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
