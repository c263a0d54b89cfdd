/**
 * Apply a delta snapshot (issue 14; wire format: the README's `?since=` API section) to a decoded table.
 *
 * A delta is one Arrow IPC stream: B's schema, B's metadata plus `delta_base` (the version A it
 * applies to), `delta_removed` (JSON array of removed keys, ascending code points) and
 * `delta_upserts` (row count), and the rows of B that are new or changed since A (full rows,
 * ascending key). table(A) minus removed keys minus upserted keys, plus the upserted rows, in key
 * order, is table(B). Both sides are sorted by key: each upserted and removed key is found in A by
 * a galloping binary search, which gives B as runs of A's rows and the delta's rows. A's keys are
 * compared where they are: on the UTF-8 bytes of a freshly decoded table, through the runs of a
 * table an earlier delta made, else on the joined key text; so no poll joins the whole key column. Each column is then copied run by run (TypedArray.set over long
 * runs) when it is first read, so applying costs the delta's decode and the key search, and a query
 * pays only for the columns it reads (see MAX_CHAIN).
 *
 * Dictionaries: the delta's codes are mapped into A's dictionary (one scan of it per column and
 * delta), new values appended. A value no longer used stays in the dictionary as an entry without
 * rows, which every consumer already ignores (a full load with replacement dictionaries has such entries too: suggest ranks entries
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
import { type DecodedTable, decodeTable, utf8RowBytes } from "./decode-table";
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
  const keyA = rowComparator(table, key);
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
    columns.set(name, mergeColumn(a, d, runs, numRows, name === key ? key : null));
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
  return columnKeyReader(column, key);
}

function columnKeyReader(column: Column, key: string): (row: number) => string {
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

/** Code-point order of row `row`'s key against `key` (negative: the row's key is smaller). */
type CompareRow = (row: number, key: string) => number;

/**
 * Compares A's keys in place, without materializing A's key column when it can: a column decodeTable
 * made is compared on its UTF-8 bytes, a column an earlier delta made through its runs (so a
 * chain of deltas never joins the key text); otherwise on the joined text, without a substring
 * per probe.
 */
function rowComparator(table: Table, key: string): CompareRow {
  const column = table.columns.get(key);
  if (!column) throw new DecodeError(`the key column ${key} is not in the table`);
  return columnComparator(column, key);
}

function columnComparator(column: Column, key: string): CompareRow {
  const merged = column.kind === "utf8" ? mergedProbes.get(column) : undefined;
  if (merged) return merged();
  const bytes = utf8RowBytes(column);
  const encode = utf8Encoder();
  if (bytes && encode) {
    let textual: CompareRow | null = null;
    let last: string | null = null;
    let encoded: Uint8Array = new Uint8Array(0);
    return (row, other) => {
      if (other !== last) {
        // a key with a lone surrogate has no UTF-8 form: compared on the text
        if (!wellFormed(other)) {
          textual ??= textComparator(column, key);
          return textual(row, other);
        }
        last = other;
        encoded = encode(other);
      }
      const order = bytes.compare(row, encoded);
      return order === null ? (keyOrThrow(null, key, row) as never) : order;
    };
  }
  return textComparator(column, key);
}

function textComparator(column: Column, key: string): CompareRow {
  const joined = column.kind === "utf8" ? (column.text?.() ?? null) : null;
  if (!joined) {
    const keyOf = columnKeyReader(column, key);
    return (row, other) => compareCodePoints(keyOf(row), other);
  }
  const { text, offsets, valid } = joined;
  return (row, other) => {
    if (valid && !valid[row]) keyOrThrow(null, key, row);
    return compareRange(text, offsets[row] as number, offsets[row + 1] as number, other);
  };
}

type Encode = (text: string) => Uint8Array;
let encoder: Encode | null | undefined;

/** TextEncoder's encode (null where there is none: keys are then compared on the text). */
function utf8Encoder(): Encode | null {
  if (encoder === undefined) {
    const Encoder = (globalThis as { TextEncoder?: new () => { encode(text: string): Uint8Array } }).TextEncoder;
    const instance = Encoder ? new Encoder() : null;
    encoder = instance ? (text) => instance.encode(text) : null;
  }
  return encoder;
}

/** No lone surrogate (such a string has no UTF-8 form). */
function wellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * The comparator of a key column merged by a delta whose text is not joined yet: row -> (run,
 * source row) -> the comparator of A's or the delta's column. Dropped once the text is joined.
 */
const mergedProbes = new WeakMap<Column, () => CompareRow>();

function mergedComparator(a: Column, d: Column, runs: Runs, key: string): CompareRow {
  // Each row's source row: A's row, or -(the delta's row + 1) (4 bytes a row, made in one pass).
  const numRows = countRows(runs);
  const source = new Int32Array(numRows);
  let at = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const start = runs[r + 1] as number;
    const length = runs[r + 2] as number;
    if (runs[r] === 0) for (let i = 0; i < length; i++) source[at + i] = start + i;
    else for (let i = 0; i < length; i++) source[at + i] = -(start + i) - 1;
    at += length;
  }
  const fromA = columnComparator(a, key);
  const fromD = columnComparator(d, key);
  return (row, other) => {
    const from = source[row] as number;
    return from >= 0 ? fromA(from, other) : fromD(-from - 1, other);
  };
}

/** compareCodePoints(text.slice(start, end), key) without the slice. */
function compareRange(text: string, start: number, end: number, key: string): number {
  const length = end - start;
  const n = Math.min(length, key.length);
  for (let i = 0; i < n; i++) {
    let x = text.charCodeAt(start + i);
    let y = key.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return length === key.length ? 0 : length < key.length ? -1 : 1;
}

function code(codes: Int32Array, row: number): number {
  return codes[row] ?? -1;
}

function keyOrThrow(value: string | null, key: string, row: number): string {
  if (value === null) throw new DecodeError(`${key} is null in row ${row}: keys must not be null`);
  return value;
}

/**
 * The first row of A (sorted by key) whose key is >= `key`, searching rows [from, n). Galloping
 * from `from` (the previous key's row): keys of one delta are near each other in A, so the probes
 * stay in memory the previous search just read.
 */
function lowerBound(keyA: CompareRow, n: number, from: number, key: string): number {
  let lo = from;
  let step = 1;
  let hi = from;
  while (hi < n && keyA(hi, key) < 0) {
    lo = hi + 1;
    hi = from + step;
    step *= 2;
  }
  hi = Math.min(hi, n);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyA(mid, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The result as runs of A's rows and the delta's rows, in key order. */
function planRuns(n: number, keyA: CompareRow, upserts: readonly string[], removed: readonly string[]): Runs {
  const insertAt = new Int32Array(upserts.length);
  const dropped: number[] = [];
  let from = 0;
  for (let j = 0; j < upserts.length; j++) {
    const at = lowerBound(keyA, n, from, upserts[j] as string);
    insertAt[j] = at;
    if (at < n && keyA(at, upserts[j] as string) === 0) dropped.push(at);
    from = at;
  }
  from = 0;
  for (const key of removed) {
    const at = lowerBound(keyA, n, from, key);
    if (at < n && keyA(at, key) === 0) dropped.push(at);
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

/**
 * Columns are merged on first use (a getter materializes them, like decodeTable's lazy strings):
 * applying a delta costs the delta's decode and the key search, and each column is copied once a
 * query reads it. A column left unread over several deltas would chain them; the chain is cut at
 * MAX_CHAIN by materializing the base column when the next delta comes.
 */
export const MAX_CHAIN = 4;

interface Pending {
  depth: number;
  force(): void;
}

const pendingColumns = new WeakMap<Column, Pending>();

/** A getter of `compute()`, run once; its inputs (the closure) are released afterwards. */
function once<T>(compute: () => T, column: () => Column): () => T {
  let value: T | undefined;
  let pending: (() => T) | null = compute;
  return () => {
    if (pending) {
      value = pending();
      pending = null;
      pendingColumns.delete(column());
    }
    return value as T;
  };
}

/** Register a lazy column over `a`; returns the chain depth, after cutting a chain that is too long. */
function chain(a: Column, column: Column, force: () => void): void {
  let before = pendingColumns.get(a);
  if (before && before.depth >= MAX_CHAIN) {
    before.force();
    before = undefined;
  }
  pendingColumns.set(column, { depth: (before?.depth ?? 0) + 1, force });
}

function mergeColumn(a: Column, d: Column, runs: Runs, numRows: number, key: string | null): Column {
  if (a.kind === "dictionary") return mergeDictionary(a, d as DictionaryColumn, runs, numRows);
  if (a.kind === "utf8") return mergeUtf8(a, d as Utf8Column, runs, numRows, key);
  return mergeNumeric(a, d as NumericColumn, runs, numRows);
}

/** Runs shorter than this are copied element by element (a subarray per run costs more). */
const SHORT_RUN = 256;

type Numbers = Float64Array | Int32Array | Uint8Array;

/** Copy each run of `fromA` / `fromD` into a new array of `numRows` elements. */
function copyRuns<T extends Numbers>(out: T, fromA: T, fromD: T, runs: Runs): T {
  let at = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const source = runs[r] === 0 ? fromA : fromD;
    const start = runs[r + 1] as number;
    const length = runs[r + 2] as number;
    if (length >= SHORT_RUN) out.set(source.subarray(start, start + length) as never, at);
    else for (let i = 0; i < length; i++) out[at + i] = source[start + i] as number;
    at += length;
  }
  return out;
}

function mergeNumeric(a: NumericColumn, d: NumericColumn, runs: Runs, numRows: number): NumericColumn {
  const merged = once(
    () => ({
      values: copyRuns(new Float64Array(numRows), a.values, d.values, runs),
      valid: copyRuns(new Uint8Array(numRows), a.valid, d.valid, runs),
    }),
    () => column,
  );
  const column: NumericColumn = {
    kind: d.kind,
    get values() {
      return merged().values;
    },
    get valid() {
      return merged().valid;
    },
    ...("timezone" in d ? { timezone: d.timezone ?? null } : {}),
  };
  chain(a, column, merged);
  return column;
}

/** Per dictionary array made by a delta: entries kept at the last compaction (or the first delta), values appended since. */
interface Growth {
  kept: number;
  appended: number;
}

const growth = new WeakMap<readonly string[], Growth>();

function mergeDictionary(a: DictionaryColumn, d: DictionaryColumn, runs: Runs, numRows: number): DictionaryColumn {
  const merged = once(
    () => mergeCodes(a, d, runs, numRows),
    () => column,
  );
  const column: DictionaryColumn = {
    kind: "dictionary",
    get codes() {
      return merged().codes;
    },
    get dictionary() {
      return merged().dictionary;
    },
  };
  chain(a, column, merged);
  return column;
}

function mergeCodes(
  a: DictionaryColumn,
  d: DictionaryColumn,
  runs: Runs,
  numRows: number,
): { codes: Int32Array; dictionary: readonly string[] } {
  const base = a.dictionary;
  const fromD = d.codes;
  // The delta's values its rows use, found in A's dictionary by one pass over it (no lookup table
  // of A's dictionary is kept: building one for a large dictionary costs more than the scan).
  const wanted = new Map<string, number>();
  for (let i = 0; i < fromD.length; i++) {
    const c = fromD[i] as number;
    if (c >= 0 && !wanted.has(d.dictionary[c] as string)) wanted.set(d.dictionary[c] as string, -1);
  }
  let missing = wanted.size;
  for (let k = 0; k < base.length && missing > 0; k++) {
    if (wanted.get(base[k] as string) === -1) {
      wanted.set(base[k] as string, k);
      missing--;
    }
  }
  const appended: string[] = [];
  for (const [value, k] of wanted) if (k < 0) wanted.set(value, base.length + appended.push(value) - 1);
  const mapped = new Int32Array(fromD.length);
  for (let i = 0; i < fromD.length; i++) {
    const c = fromD[i] as number;
    mapped[i] = c < 0 ? -1 : (wanted.get(d.dictionary[c] as string) as number);
  }
  const codes = copyRuns(new Int32Array(numRows), a.codes, mapped, runs);
  if (appended.length === 0) return { codes, dictionary: base };
  const dictionary = base.concat(appended);
  const before = growth.get(base) ?? { kept: base.length, appended: 0 };
  const after = { kept: before.kept, appended: before.appended + appended.length };
  if (after.appended > Math.max(COMPACT_MIN, after.kept)) return compactDictionary(codes, dictionary);
  growth.set(dictionary, after);
  return { codes, dictionary };
}

/** Drop the entries no row uses (order kept) and remap the codes in place. */
export function compactDictionary(
  codes: Int32Array,
  dictionary: readonly string[],
): { codes: Int32Array; dictionary: readonly string[] } {
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
  growth.set(kept, { kept: kept.length, appended: 0 });
  return { codes, dictionary: kept };
}

function mergeUtf8(a: Utf8Column, d: Utf8Column, runs: Runs, numRows: number, key: string | null): Utf8Column {
  const joined = once(
    (): Utf8Text | null => {
      mergedProbes.delete(column);
      const ta = a.text?.() ?? null;
      const td = ta ? (d.text?.() ?? null) : null;
      return ta && td ? mergeText(ta, td, runs, numRows, key !== null) : null;
    },
    () => column,
  );
  let values: (string | null)[] | null = null;
  const column: Utf8Column = {
    kind: "utf8",
    get values() {
      if (!values) {
        const text = joined();
        values = text ? valuesOf(text, numRows) : mergeValues(a.values, d.values, runs, numRows);
      }
      return values;
    },
    text: joined,
  };
  if (key !== null) {
    // The next delta finds its keys through the runs; the comparator is made when first asked for.
    let made: CompareRow | null = null;
    mergedProbes.set(column, () => {
      made ??= mergedComparator(a, d, runs, key);
      return made;
    });
  }
  chain(a, column, joined);
  return column;
}

function mergeValues(
  fromA: readonly (string | null)[],
  fromD: readonly (string | null)[],
  runs: Runs,
  numRows: number,
): (string | null)[] {
  const values: (string | null)[] = new Array(numRows);
  let at = 0;
  for (let r = 0; r < runs.length; r += 3) {
    const source = runs[r] === 0 ? fromA : fromD;
    const start = runs[r + 1] as number;
    const length = runs[r + 2] as number;
    for (let i = 0; i < length; i++) values[at + i] = source[start + i] ?? null;
    at += length;
  }
  return values;
}

/** The joined text of the result: slices of both texts, offsets shifted run by run. */
function mergeText(ta: Utf8Text, td: Utf8Text, runs: Runs, numRows: number, key: boolean): Utf8Text {
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
  const out: { -readonly [K in keyof Utf8Text]: Utf8Text[K] } = { text, offsets, valid };
  if (ascii !== undefined) out.ascii = ascii;
  // runs interleave two strictly ascending lists by key (the key column): the result ascends too
  if (key && ta.ascending === true && td.ascending === true) out.ascending = true;
  return out;
}

function valuesOf({ text, offsets, valid }: Utf8Text, n: number): (string | null)[] {
  const values: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = valid && !valid[i] ? null : text.slice(offsets[i] ?? 0, offsets[i + 1] ?? 0);
  }
  return values;
}
