/**
 * Indexes derived from a column alone (never from a query), built on first use and kept as long
 * as the column: rows per code (a dictionary column's postings, the string index's rows per
 * entry), and group codes for columns that are not dictionary-encoded.
 */
import type { DictionaryColumn, NumericColumn, Scalar, Utf8Column } from "./table";

/** Rows of each code of a per-row code array, ascending: slot 0 is -1 (null), slot code + 1 is code. */
export interface RowLists {
  /** offsets[s]..offsets[s + 1] are slot s's rows in `rows`. */
  readonly offsets: Int32Array;
  readonly rows: Int32Array;
}

const rowListsCache = new WeakMap<Int32Array, RowLists>();

/**
 * The row lists of `codes` (each in 0..codeCount-1, or -1), made once per code array: dictionary
 * postings and the string index's rows per entry share it when they read the same codes.
 */
export function rowListsOf(codes: Int32Array, codeCount: number): RowLists {
  let lists = rowListsCache.get(codes);
  if (!lists) {
    lists = buildRowLists(codes, codeCount + 1);
    rowListsCache.set(codes, lists);
  }
  return lists;
}

function buildRowLists(codes: Int32Array, slots: number): RowLists {
  const n = codes.length;
  const offsets = new Int32Array(slots + 1);
  for (let i = 0; i < n; i++) {
    const slot = (codes[i] as number) + 2;
    offsets[slot] = (offsets[slot] as number) + 1;
  }
  for (let s = 1; s <= slots; s++) offsets[s] = (offsets[s] as number) + (offsets[s - 1] as number);
  const fill = offsets.slice(0, slots);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const slot = (codes[i] as number) + 1;
    const at = fill[slot] as number;
    rows[at] = i;
    fill[slot] = at + 1;
  }
  return { offsets, rows };
}

/** A dictionary column's row lists (slot 0 null, slot code + 1 code) with the selection's helpers. */
export interface DictionaryPostings extends RowLists {
  sizeOf(slot: number): number;
  /** Rows of the given slots, ascending (a view for one slot, a merged copy for several). */
  rowsOf(slots: readonly number[]): Int32Array;
}

export function postingsOf(column: DictionaryColumn): DictionaryPostings {
  const { offsets, rows } = rowListsOf(column.codes, column.dictionary.length);
  const slice = (slot: number) => rows.subarray(offsets[slot], offsets[slot + 1]);
  return {
    offsets,
    rows,
    sizeOf: (slot) => (offsets[slot + 1] as number) - (offsets[slot] as number),
    rowsOf: (slots) => {
      // Each slot's rows are ascending; the merged list must be too (row order is summation order).
      let merged: Int32Array = rows.subarray(0, 0);
      for (const slot of slots) merged = mergeAscending(merged, slice(slot));
      return merged;
    },
  };
}

/** The union of two ascending, disjoint row lists, ascending. */
function mergeAscending(a: Int32Array, b: Int32Array): Int32Array {
  if (a.length === 0) return b;
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x < y) {
      out[k++] = x;
      i++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}

/** Per-row group codes of a column (code 0 is null) and the value of each code. */
export interface ValueCodes {
  readonly codes: Int32Array;
  readonly values: readonly Scalar[];
}

const valueCodesCache = new WeakMap<Utf8Column | NumericColumn, ValueCodes>();

/** Codes in order of first appearance, for utf8, bool, int, float and timestamp columns. */
export function valueCodesOf(column: Utf8Column | NumericColumn): ValueCodes {
  let cached = valueCodesCache.get(column);
  if (!cached) {
    cached = column.kind === "utf8" ? utf8Codes(column.values) : numericCodes(column);
    valueCodesCache.set(column, cached);
  }
  return cached;
}

function utf8Codes(values: readonly (string | null)[]): ValueCodes {
  const codes = new Int32Array(values.length);
  const index = new Map<string, number>();
  const out: Scalar[] = [null];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    let code = index.get(value);
    if (code === undefined) {
      code = out.push(value) - 1;
      index.set(value, code);
    }
    codes[i] = code;
  }
  return { codes, values: out };
}

function numericCodes(column: NumericColumn): ValueCodes {
  const { values, valid } = column;
  const codes = new Int32Array(values.length);
  const out: Scalar[] = [null];
  if (column.kind === "bool") {
    out.push(false, true);
    for (let i = 0; i < values.length; i++) codes[i] = valid[i] ? (values[i] as number) + 1 : 0;
    return { codes, values: out };
  }
  const index = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    if (!valid[i]) continue;
    const value = values[i] as number;
    let code = index.get(value);
    if (code === undefined) {
      code = out.push(value) - 1;
      index.set(value, code);
    }
    codes[i] = code;
  }
  return { codes, values: out };
}
