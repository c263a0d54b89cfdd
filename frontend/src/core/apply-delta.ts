/**
 * Apply a delta snapshot (issue 14, wire format in README "Delta snapshots") to a decoded table.
 *
 * A delta is one Arrow IPC stream: B's schema, B's metadata plus `delta_base` (the version A it
 * applies to), `delta_removed` (JSON array of removed keys, ascending code points) and
 * `delta_upserts` (row count), and the rows of B that are new or changed since A (full rows,
 * ascending key). table(A) minus removed keys minus upserted keys, plus the upserted rows, in key
 * order, is table(B). Both sides are sorted by key, so the result is built in one pass: each
 * upserted and removed key is found in A by binary search, and every column is copied as runs
 * (TypedArray.set over subarrays) of A's rows and the delta's rows.
 *
 * Dictionaries: the delta's codes are mapped into A's dictionary, new values appended. A value no
 * longer used stays in the dictionary as an entry without rows, which every consumer already
 * ignores (a full load with replacement dictionaries has such entries too: suggest ranks entries
 * by their rows, group-by emits groups of rows, filters match rows). To bound the growth over many
 * deltas, a dictionary is compacted (unused entries dropped, codes remapped) once the values
 * appended since its last compaction outnumber max(COMPACT_MIN, the entries it kept then).
 *
 * The result has new column objects (and new code arrays), so every index cached per column or
 * per table (string indexes, row lists, selections, presence masks) is built afresh for it.
 */
import type { Schema } from "@uwdata/flechette";
import { compareCodePoints } from "./compare-values";
import { datasetKey, isDataset } from "./contracts";
import { CoreError, DecodeError } from "./core-error";
import { type DecodedTable, decodeTable } from "./decode-table";
import type { Column, DictionaryColumn, NumericColumn, Table, Utf8Column, Utf8Text } from "./table";

/** Metadata keys of a delta that do not belong to the table it produces. */
export const DELTA_KEYS = ["delta_base", "delta_removed", "delta_upserts"] as const;

/** Compaction threshold: appended values before a dictionary is compacted (at least). */
export const COMPACT_MIN = 1024;

export interface ApplyDeltaOptions {
  /** Key column; default: the contract key of the delta's `dataset` metadata. */
  key?: string;
}

/** The table a delta produces: its schema is the delta's (B's) schema. */
export type DeltaTable = DecodedTable;

/** Runs of the result: (source, start, length) triples, source 0 = the table, 1 = the delta. */
type Runs = number[];

/** table(A) + delta(A -> B) = table(B). Throws CoreError DELTA_BASE_MISMATCH when A is not the delta's base. */
export function applyDelta(
  table: Table,
  deltaBytes: Uint8Array | ArrayBuffer,
  options: ApplyDeltaOptions = {},
): DeltaTable {
  const delta = decodeTable(deltaBytes);
  const meta = delta.metadata;
  const base = meta.delta_base;
  if (base === undefined) throw new DecodeError("not a delta: the stream has no delta_base metadata");
  if (base !== table.version) {
    throw new CoreError("DELTA_BASE_MISMATCH", `the delta applies to version ${base}, the table is ${table.version}`);
  }
  const removed = parseRemoved(meta.delta_removed);
  if (meta.delta_upserts !== undefined && Number(meta.delta_upserts) !== delta.numRows) {
    throw new DecodeError(`delta_upserts is ${meta.delta_upserts} but the delta has ${delta.numRows} rows`);
  }
  checkSameColumns(table, delta);
  const key = options.key ?? (meta.dataset && isDataset(meta.dataset) ? datasetKey(meta.dataset) : null);
  if (!key) throw new DecodeError("the delta names no dataset with a key column");
  const keyA = keyReader(table, key);
  const keyD = keyReader(delta, key);
  const upserts = Array.from({ length: delta.numRows }, (_, i) => keyD(i));
  checkAscending(upserts, "upserted keys");
  checkAscending(removed, "delta_removed");

  const runs = planRuns(table.numRows, keyA, upserts, removed);
  const numRows = countRows(runs);
  const columns = new Map<string, Column>();
  for (const name of table.columnNames) {
    const a = table.columns.get(name) as Column;
    const d = delta.columns.get(name) as Column;
    columns.set(name, mergeColumn(a, d, runs, numRows));
  }
  const metadata = Object.fromEntries(
    Object.entries(meta).filter(([k]) => !(DELTA_KEYS as readonly string[]).includes(k)),
  );
  const schema: Schema = { ...delta.schema, metadata: new Map(Object.entries(metadata)) };
  return {
    numRows,
    columnNames: [...table.columnNames],
    columns,
    metadata,
    snapshotTime: delta.snapshotTime,
    version: metadata.version ?? null,
    skippedColumns: delta.skippedColumns,
    schema,
  };
}

function parseRemoved(text: string | undefined): string[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DecodeError("delta_removed is not JSON");
  }
  if (!Array.isArray(parsed) || parsed.some((k) => typeof k !== "string")) {
    throw new DecodeError("delta_removed must be a JSON array of strings");
  }
  return parsed as string[];
}

function checkSameColumns(table: Table, delta: Table): void {
  const same =
    table.columnNames.length === delta.columnNames.length &&
    table.columnNames.every(
      (name, i) => delta.columnNames[i] === name && delta.columns.get(name)?.kind === table.columns.get(name)?.kind,
    );
  if (!same) {
    throw new DecodeError(
      `the delta's columns (${delta.columnNames.join(", ")}) differ from the table's (${table.columnNames.join(", ")})`,
    );
  }
}

function checkAscending(keys: readonly string[], what: string): void {
  for (let i = 1; i < keys.length; i++) {
    if (compareCodePoints(keys[i - 1] as string, keys[i] as string) >= 0) {
      throw new DecodeError(`${what} are not strictly ascending at ${JSON.stringify(keys[i])}`);
    }
  }
}

/** The key of row i, read without materializing the column (a joined utf8 column is sliced in place). */
function keyReader(table: Table, key: string): (row: number) => string {
  const column = table.columns.get(key);
  if (!column) throw new DecodeError(`the key column ${key} is not in the table`);
  if (column.kind === "dictionary") {
    const { codes, dictionary } = column;
    return (row) => keyOrThrow(code(codes, row) < 0 ? null : (dictionary[code(codes, row)] ?? null), key, row);
  }
  if (column.kind !== "utf8") throw new DecodeError(`the key column ${key} is not a string column`);
  const joined = column.text?.() ?? null;
  if (joined) {
    const { text, offsets, valid } = joined;
    return (row) =>
      keyOrThrow(
        valid && !valid[row] ? null : text.slice(offsets[row] as number, offsets[row + 1] as number),
        key,
        row,
      );
  }
  const values = column.values;
  return (row) => keyOrThrow(values[row] ?? null, key, row);
}

function code(codes: Int32Array, row: number): number {
  return codes[row] ?? -1;
}

function keyOrThrow(value: string | null, key: string, row: number): string {
  if (value === null) throw new DecodeError(`${key} is null in row ${row}: keys must not be null`);
  return value;
}

/** The first row of A (sorted by key) whose key is >= `key`, searching rows [from, n). */
function lowerBound(keyA: (row: number) => string, n: number, from: number, key: string): number {
  let lo = from;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareCodePoints(keyA(mid), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The result as runs of A's rows and the delta's rows, in key order. */
function planRuns(
  n: number,
  keyA: (row: number) => string,
  upserts: readonly string[],
  removed: readonly string[],
): Runs {
  const insertAt = new Int32Array(upserts.length);
  const dropped: number[] = [];
  let from = 0;
  for (let j = 0; j < upserts.length; j++) {
    const at = lowerBound(keyA, n, from, upserts[j] as string);
    insertAt[j] = at;
    if (at < n && keyA(at) === upserts[j]) dropped.push(at);
    from = at;
  }
  from = 0;
  for (const key of removed) {
    const at = lowerBound(keyA, n, from, key);
    if (at < n && keyA(at) === key) dropped.push(at);
    from = at;
  }
  // Both lists ascend; merged and deduplicated (a key both removed and upserted is dropped once).
  dropped.sort((x, y) => x - y);
  const runs: Runs = [];
  const push = (source: number, start: number, length: number) => {
    if (length <= 0) return;
    const last = runs.length - 3;
    if (last >= 0 && runs[last] === source && (runs[last + 1] as number) + (runs[last + 2] as number) === start) {
      runs[last + 2] = (runs[last + 2] as number) + length;
    } else runs.push(source, start, length);
  };
  let d = 0;
  // A's rows [start, end) without the dropped ones.
  const copyA = (start: number, end: number) => {
    let at = start;
    while (d < dropped.length && (dropped[d] as number) < end) {
      const row = dropped[d++] as number;
      if (row < at) continue;
      push(0, at, row - at);
      at = row + 1;
    }
    push(0, at, end - at);
  };
  let a = 0;
  for (let j = 0; j < upserts.length; j++) {
    const at = insertAt[j] as number;
    copyA(a, at);
    a = Math.max(a, at);
    push(1, j, 1);
  }
  copyA(a, n);
  return runs;
}

function countRows(runs: Runs): number {
  let total = 0;
  for (let r = 0; r < runs.length; r += 3) total += runs[r + 2] as number;
  return total;
}

function mergeColumn(a: Column, d: Column, runs: Runs, numRows: number): Column {
  if (a.kind === "dictionary") return mergeDictionary(a, d as DictionaryColumn, runs, numRows);
  if (a.kind === "utf8") return mergeUtf8(a, d as Utf8Column, runs, numRows);
  return mergeNumeric(a, d as NumericColumn, runs, numRows);
}

function mergeNumeric(a: NumericColumn, d: NumericColumn, runs: Runs, numRows: number): NumericColumn {
  const values = new Float64Array(numRows);
  const valid = new Uint8Array(numRows);
  let at = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const source = runs[r] === 0 ? a : d;
    const start = runs[r + 1] as number;
    const end = start + (runs[r + 2] as number);
    values.set(source.values.subarray(start, end), at);
    valid.set(source.valid.subarray(start, end), at);
    at += end - start;
  }
  const column: NumericColumn = { kind: d.kind, values, valid };
  return "timezone" in d ? { ...column, timezone: d.timezone ?? null } : column;
}

/** Per dictionary array: value -> code (possibly shared along a line of deltas) and compaction bookkeeping. */
interface DictionaryState {
  lookup: Map<string, number>;
  /** Entries kept at the last compaction (or the first delta). */
  kept: number;
  /** Values appended since then. */
  appended: number;
}

const dictionaryStates = new WeakMap<readonly string[], DictionaryState>();

function stateOf(dictionary: readonly string[]): DictionaryState {
  let state = dictionaryStates.get(dictionary);
  if (!state) {
    state = { lookup: new Map(dictionary.map((value, k) => [value, k])), kept: dictionary.length, appended: 0 };
    dictionaryStates.set(dictionary, state);
  }
  return state;
}

/**
 * The code of `value` in `dictionary`, or -1. The lookup holds every value of every dictionary it
 * served (entries are added, never removed), so a value it lacks is in none of them; a code it
 * gives is checked, since a delta applied to a sibling table (the same base twice) may have
 * re-pointed the value at that table's code.
 */
function findCode(dictionary: readonly string[], state: DictionaryState, value: string): number {
  const k = state.lookup.get(value);
  if (k === undefined) return -1;
  return dictionary[k] === value ? k : dictionary.indexOf(value);
}

function mergeDictionary(a: DictionaryColumn, d: DictionaryColumn, runs: Runs, numRows: number): DictionaryColumn {
  const codes = new Int32Array(numRows);
  let dictionary = a.dictionary;
  let state: DictionaryState | null = null;
  const appended: string[] = [];
  const remap = new Int32Array(d.dictionary.length).fill(-2);
  const mapCode = (c: number): number => {
    if (c < 0) return -1;
    let k = remap[c] as number;
    if (k === -2) {
      const value = d.dictionary[c] as string;
      state ??= stateOf(a.dictionary);
      k = findCode(a.dictionary, state, value);
      if (k < 0) {
        k = a.dictionary.length + appended.length;
        appended.push(value);
      }
      remap[c] = k;
    }
    return k;
  };
  let at = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const start = runs[r + 1] as number;
    const length = runs[r + 2] as number;
    if (runs[r] === 0) codes.set(a.codes.subarray(start, start + length), at);
    else for (let i = 0; i < length; i++) codes[at + i] = mapCode(d.codes[start + i] ?? -1);
    at += length;
  }
  if (appended.length === 0) return { kind: "dictionary", codes, dictionary };
  const previous = state ?? stateOf(a.dictionary);
  dictionary = a.dictionary.concat(appended);
  for (let i = 0; i < appended.length; i++) previous.lookup.set(appended[i] as string, a.dictionary.length + i);
  const next: DictionaryState = {
    lookup: previous.lookup,
    kept: previous.kept,
    appended: previous.appended + appended.length,
  };
  if (next.appended > Math.max(COMPACT_MIN, next.kept)) return compactDictionary(codes, dictionary);
  dictionaryStates.set(dictionary, next);
  return { kind: "dictionary", codes, dictionary };
}

/** Drop the entries no row uses (order kept) and remap the codes in place. */
export function compactDictionary(codes: Int32Array, dictionary: readonly string[]): DictionaryColumn {
  const used = new Uint8Array(dictionary.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c >= 0) used[c] = 1;
  }
  const remap = new Int32Array(dictionary.length);
  const kept: string[] = [];
  for (let k = 0; k < dictionary.length; k++) remap[k] = used[k] ? kept.push(dictionary[k] as string) - 1 : -1;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c >= 0) codes[i] = remap[c] as number;
  }
  dictionaryStates.set(kept, { lookup: new Map(kept.map((value, k) => [value, k])), kept: kept.length, appended: 0 });
  return { kind: "dictionary", codes, dictionary: kept };
}

function mergeUtf8(a: Utf8Column, d: Utf8Column, runs: Runs, numRows: number): Utf8Column {
  const ta = a.text?.() ?? null;
  const td = ta ? (d.text?.() ?? null) : null;
  if (ta && td) {
    const joined = mergeText(ta, td, runs, numRows);
    let values: (string | null)[] | null = null;
    return {
      kind: "utf8",
      get values() {
        values ??= valuesOf(joined, numRows);
        return values;
      },
      text: () => joined,
    };
  }
  const values: (string | null)[] = new Array(numRows);
  let at = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const source = runs[r] === 0 ? a.values : d.values;
    const start = runs[r + 1] as number;
    const length = runs[r + 2] as number;
    for (let i = 0; i < length; i++) values[at + i] = source[start + i] ?? null;
    at += length;
  }
  return { kind: "utf8", values };
}

/** The joined text of the result: slices of both texts, offsets shifted run by run. */
function mergeText(ta: Utf8Text, td: Utf8Text, runs: Runs, numRows: number): Utf8Text {
  const offsets = new Int32Array(numRows + 1);
  const parts: string[] = [];
  const valid = ta.valid || td.valid ? new Uint8Array(numRows).fill(1) : null;
  let at = 0;
  let units = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const source = runs[r] === 0 ? ta : td;
    const start = runs[r + 1] as number;
    const length = runs[r + 2] as number;
    const from = source.offsets[start] as number;
    const to = source.offsets[start + length] as number;
    const shift = units - from;
    const o = source.offsets;
    for (let i = 0; i < length; i++) offsets[at + i] = (o[start + i] as number) + shift;
    if (valid && source.valid) valid.set(source.valid.subarray(start, start + length), at);
    parts.push(source.text.slice(from, to));
    units += to - from;
    at += length;
  }
  offsets[numRows] = units;
  const ascii = ta.ascii === false || td.ascii === false ? false : ta.ascii && td.ascii ? true : undefined;
  const text = parts.join("");
  return ascii === undefined ? { text, offsets, valid } : { text, offsets, valid, ascii };
}

function valuesOf({ text, offsets, valid }: Utf8Text, n: number): (string | null)[] {
  const values: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = valid && !valid[i] ? null : text.slice(offsets[i] ?? 0, offsets[i + 1] ?? 0);
  }
  return values;
}
