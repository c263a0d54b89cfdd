/**
 * Filters -> the selected rows as an ascending list of row positions (null = every row).
 *
 * The kernels after it (grouping, metrics) loop over this list only, so a selective filter makes
 * the whole query cheap. A selective `eq`/`in`/`is_null` on a dictionary column starts from that
 * column's row index (postings) instead of scanning the table; the other filters are then tested
 * on the candidate rows only. Otherwise the filters are applied as masks and the passing rows
 * collected.
 *
 * Selections are immutable and cached per table (or per base selection) and filter list, so the
 * widgets of a page that share the page's filters, and the crossfilter views that share the same
 * other-widget filters, compute them once. A table is immutable, so a cached selection never goes
 * stale; a new snapshot is a new table.
 */
import { type DictionaryPostings, postingsOf } from "./column-index";
import { applyPredicate, codeMatches, type Predicate, predicateFor, rowTest } from "./filter-mask";
import type { Filter } from "./query";
import { type Column, requireColumn, type Table } from "./table";

export interface Selection {
  /** Selected row positions in ascending order; null means all `numRows` rows. */
  readonly rows: Int32Array | null;
  /** Number of selected rows. */
  readonly count: number;
}

/** A driver is used when its candidate rows are at most this share of the rows to filter. */
const DRIVER_SHARE = 1 / 2;
/** A driver's postings are merged when it matches at most this many codes. */
const MAX_MERGED_SLOTS = 16;
/** Selections kept per table or base selection (least recently used dropped first). */
const CACHE_SIZE = 8;

const cache = new WeakMap<object, Map<string, Selection>>();

/**
 * The rows passing `base` (a row mask or a selection, when given) and every filter, ascending.
 * Throws QueryError for a filter the column cannot take (checked before any cache lookup).
 */
export function selectRows(
  table: Table,
  filters: readonly Filter[],
  base: Uint8Array | Selection | null = null,
): Selection {
  const n = table.numRows;
  if (base instanceof Uint8Array && base.length !== n) throw new RangeError("base mask length differs from the table");
  const columns = filters.map((f) => requireColumn(table, f.field));
  const predicates = filters.map((f, i) => predicateFor(f, columns[i] as Column));
  if (filters.length === 0) {
    if (!base) return { rows: null, count: n };
    if (!(base instanceof Uint8Array)) return base;
  }
  const owner: object = base ?? table;
  let entries = cache.get(owner);
  if (!entries) {
    entries = new Map();
    cache.set(owner, entries);
  }
  const key = JSON.stringify(filters);
  let selection = entries.get(key);
  if (selection) {
    entries.delete(key);
  } else {
    selection = compute(n, columns, predicates, base);
    if (entries.size >= CACHE_SIZE) entries.delete(entries.keys().next().value as string);
  }
  entries.set(key, selection);
  return selection;
}

function compute(
  n: number,
  columns: readonly Column[],
  predicates: readonly Predicate[],
  base: Uint8Array | Selection | null,
): Selection {
  const baseSelection = base instanceof Uint8Array ? maskToSelection(base) : base;
  const scope = baseSelection ? baseSelection.count : n;
  const driver = pickDriver(columns, predicates, scope);
  if (driver) return fromDriver(n, driver, columns, predicates, baseSelection);
  if (baseSelection?.rows) return fromBaseRows(baseSelection.rows, columns, predicates);
  const mask = new Uint8Array(n).fill(1);
  predicates.forEach((p, i) => {
    applyPredicate(columns[i] as Column, p, mask);
  });
  return maskToSelection(mask);
}

/** Drop the selections cached for a table (benchmarks measure the uncached path with it). */
export function forgetSelections(table: Table): void {
  cache.delete(table);
}

/** The selection of a row mask (1 = selected). */
export function maskToSelection(mask: Uint8Array): Selection {
  const count = countOnes(mask);
  if (count === mask.length) return { rows: null, count };
  return { rows: collectRows(mask, new Int32Array(count)), count };
}

const maskCache = new WeakMap<Selection, Uint8Array>();

/** The selection as a row mask of `n` rows (made once per selection; do not modify it). */
export function selectionMask(selection: Selection, n: number): Uint8Array {
  let mask = maskCache.get(selection);
  if (!mask) {
    mask = new Uint8Array(n);
    if (selection.rows) scatterOnes(selection.rows, mask);
    else mask.fill(1);
    maskCache.set(selection, mask);
  }
  return mask;
}

// Hot loops live in small functions of their own: V8 then optimizes each whole function instead of
// on-stack-replacing one loop of a bigger function and deoptimizing on the code after it.

function countOnes(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i] as number;
  return count;
}

function collectRows(mask: Uint8Array, rows: Int32Array): Int32Array {
  let k = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) rows[k++] = i;
  }
  return rows;
}

function scatterOnes(rows: Int32Array, mask: Uint8Array): void {
  for (let k = 0; k < rows.length; k++) mask[rows[k] as number] = 1;
}

interface Driver {
  index: number;
  postings: DictionaryPostings;
  /** Postings slots (code + 1; 0 is null) whose rows pass the driver's filter. */
  slots: number[];
  size: number;
}

/** The most selective eq/in/is_null filter on a dictionary column, when it is selective enough. */
function pickDriver(columns: readonly Column[], predicates: readonly Predicate[], scope: number): Driver | null {
  let best: Driver | null = null;
  columns.forEach((column, index) => {
    const predicate = predicates[index] as Predicate;
    if (column.kind !== "dictionary" || !predicate.selective) return;
    const match = codeMatches(column, predicate);
    const postings = postingsOf(column);
    const slots: number[] = [];
    let size = 0;
    if (predicate.nullMatch) {
      slots.push(0);
      size += postings.sizeOf(0);
    }
    for (let code = 0; code < match.length; code++) {
      if (!match[code] || postings.sizeOf(code + 1) === 0) continue;
      slots.push(code + 1);
      size += postings.sizeOf(code + 1);
    }
    if (slots.length > MAX_MERGED_SLOTS) return;
    if (size <= scope * DRIVER_SHARE && (!best || size < best.size)) best = { index, postings, slots, size };
  });
  return best;
}

function fromDriver(
  n: number,
  driver: Driver,
  columns: readonly Column[],
  predicates: readonly Predicate[],
  base: Selection | null,
): Selection {
  const candidates = driver.postings.rowsOf(driver.slots);
  const tests = predicates.flatMap((p, i) => (i === driver.index ? [] : [rowTest(columns[i] as Column, p)]));
  const inBase = base?.rows ? selectionMask(base, n) : null;
  if (!inBase && tests.length === 0) return { rows: candidates, count: candidates.length };
  const rows = new Int32Array(candidates.length);
  let count = 0;
  for (let k = 0; k < candidates.length; k++) {
    const row = candidates[k] as number;
    if (inBase && !inBase[row]) continue;
    if (passesAll(tests, row)) rows[count++] = row;
  }
  return { rows: rows.slice(0, count), count };
}

function fromBaseRows(baseRows: Int32Array, columns: readonly Column[], predicates: readonly Predicate[]): Selection {
  const tests = predicates.map((p, i) => rowTest(columns[i] as Column, p));
  const rows = new Int32Array(baseRows.length);
  let count = 0;
  for (let k = 0; k < baseRows.length; k++) {
    const row = baseRows[k] as number;
    if (passesAll(tests, row)) rows[count++] = row;
  }
  return { rows: rows.slice(0, count), count };
}

function passesAll(tests: readonly ((row: number) => boolean)[], row: number): boolean {
  for (let t = 0; t < tests.length; t++) {
    if (!(tests[t] as (row: number) => boolean)(row)) return false;
  }
  return true;
}
