/** Arrow IPC stream bytes -> the columnar Table the kernels read (decoded with flechette). */
import { DateUnit, type Schema, TimeUnit, Type, tableFromIPC } from "@uwdata/flechette";
import { DecodeError } from "./core-error";
import type { Column, Table, Utf8Column, Utf8Text } from "./table";

interface ArrowBatch {
  readonly length: number;
  readonly nullCount: number;
  readonly validity?: Uint8Array | null;
  readonly values?: ArrayLike<number> & ArrayBufferView;
  readonly offsets?: unknown;
  readonly dictionary?: ArrowColumn;
  at(index: number): unknown;
  value(index: number): unknown;
}

interface ArrowColumn {
  readonly type: { typeId: number; bitWidth?: number; unit?: number; timezone?: string | null };
  readonly length: number;
  readonly data: readonly ArrowBatch[];
  cache(): readonly unknown[];
  toArray(): ArrayLike<unknown>;
}

interface DecodedColumns {
  names: string[];
  columns: Map<string, Column>;
  skipped: string[];
}

const STRING_TYPES: ReadonlySet<number> = new Set([Type.Utf8, Type.LargeUtf8, Type.Utf8View]);

/** A decoded table with the columns it could not read and the stream's Arrow schema (for re-encoding). */
export type DecodedTable = Table & { skippedColumns: string[]; schema: Schema };

/** Decode IPC stream bytes (one or more record batches, any dictionary batches) into a Table. */
export function decodeTable(bytes: Uint8Array | ArrayBuffer): DecodedTable {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw new DecodeError("expected the IPC bytes as a Uint8Array or ArrayBuffer");
  }
  // Typed-array views over the body need an 8-byte aligned start.
  const aligned = bytes instanceof Uint8Array && bytes.byteOffset % 8 !== 0 ? bytes.slice() : bytes;
  let arrow: ReturnType<typeof tableFromIPC>;
  try {
    arrow = tableFromIPC(aligned);
  } catch (error) {
    throw new DecodeError(error instanceof Error ? error.message : String(error));
  }
  return _decodeTable(arrow);
}

function _decodeTable(arrow: ReturnType<typeof tableFromIPC>): DecodedTable {
  const numRows = arrow.numRows;
  const decoded: DecodedColumns = { names: [], columns: new Map(), skipped: [] };
  arrow.schema.fields.forEach((field, i) => {
    const column = decodeColumn(arrow.children[i] as unknown as ArrowColumn, numRows);
    if (column) {
      decoded.names.push(field.name);
      decoded.columns.set(field.name, column);
    } else {
      decoded.skipped.push(field.name);
    }
  });
  const metadata = Object.fromEntries(arrow.schema.metadata ?? []);
  const parsed = metadata.snapshot_time ? Date.parse(metadata.snapshot_time) : Number.NaN;
  return {
    numRows,
    columnNames: decoded.names,
    columns: decoded.columns,
    metadata,
    snapshotTime: Number.isNaN(parsed) ? null : parsed,
    version: metadata.version ?? null,
    skippedColumns: decoded.skipped,
    schema: arrow.schema,
  };
}

function decodeColumn(column: ArrowColumn, numRows: number): Column | null {
  const { typeId } = column.type;
  if (typeId === Type.Dictionary) return decodeDictionary(column, numRows);
  if (STRING_TYPES.has(typeId)) return lazyUtf8(column);
  if (typeId === Type.Int) return decodeNumeric(column, numRows, "int", () => readNumber);
  if (typeId === Type.Float) return decodeNumeric(column, numRows, "float", () => readNumber);
  if (typeId === Type.Bool) return decodeNumeric(column, numRows, "bool", () => readBool);
  if (typeId === Type.Date) return decodeDate(column, numRows);
  if (typeId === Type.Timestamp) {
    const reader = column.type.unit === TimeUnit.MILLISECOND ? millisecondReader : () => readNumber;
    return { ...decodeNumeric(column, numRows, "timestamp", reader), timezone: column.type.timezone ?? null };
  }
  return null;
}

/** Strings are materialized on first use: most queries never touch the identifier columns. */
function lazyUtf8(column: ArrowColumn): Utf8Column {
  let text: Utf8Text | null | undefined;
  let values: (string | null)[] | null = null;
  const getText = () => {
    if (text === undefined) text = concatUtf8(column);
    return text;
  };
  return {
    kind: "utf8",
    get values() {
      if (!values) {
        const joined = getText();
        values = joined ? valuesOf(joined, column.length) : (Array.from(column.toArray()) as (string | null)[]);
      }
      return values;
    },
    text: getText,
  };
}

interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
type DecoderConstructor = new (label: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => Utf8Decoder;

let strictDecoder: Utf8Decoder | null | undefined;

/** A decoder that throws on malformed UTF-8 and keeps a leading BOM (it is data); null without TextDecoder. */
function utf8Decoder(): Utf8Decoder | null {
  if (strictDecoder === undefined) {
    const Decoder = (globalThis as { TextDecoder?: DecoderConstructor }).TextDecoder;
    strictDecoder = Decoder ? new Decoder("utf-8", { fatal: true, ignoreBOM: true }) : null;
  }
  return strictDecoder;
}

/**
 * The whole column as one string, one TextDecoder call per batch over its value bytes (instead of
 * one per value). Null when the batches are not 32-bit-offset utf8, the bytes are not valid UTF-8, or
 * a value boundary splits a character: the caller then decodes value by value.
 */
function concatUtf8(column: ArrowColumn): Utf8Text | null {
  const decoder = utf8Decoder();
  if (!decoder) return null;
  const n = column.length;
  const offsets = new Int32Array(n + 1);
  const parts: string[] = [];
  let valid: Uint8Array | null = null;
  let row = 0;
  let units = 0;
  let ascii = true;
  for (const batch of column.data) {
    const { values: bytes, offsets: raw, length } = batch;
    if (length === 0) continue;
    if (!(bytes instanceof Uint8Array) || !(raw instanceof Int32Array) || raw.length < length + 1) return null;
    const start = raw[0] ?? 0;
    const end = raw[length] ?? 0;
    if (start < 0 || end < start || end > bytes.length) return null;
    const chunk = bytes.subarray(start, end);
    let decoded: string;
    try {
      decoded = decoder.decode(chunk);
    } catch {
      return null;
    }
    // Valid UTF-8 decodes to fewer UTF-16 units than bytes iff it has a non-ASCII character.
    const isAscii = decoded.length === chunk.length;
    ascii &&= isAscii;
    const ok = isAscii
      ? asciiOffsets(raw, length, offsets, row, units - start)
      : utf16Offsets(bytes, raw, length, offsets, row, units);
    if (!ok) return null;
    if (batch.nullCount && batch.validity && batch.validity.length > 0) {
      valid ??= new Uint8Array(n).fill(1);
      for (let i = 0; i < length; i++) if (!isValid(batch, i)) valid[row + i] = 0;
    }
    parts.push(decoded);
    units += decoded.length;
    row += length;
  }
  if (row !== n) return null;
  offsets[n] = units;
  return { text: parts.join(""), offsets, valid, ascii };
}

/** All bytes ASCII (as many UTF-16 units as bytes): offsets are the byte offsets, shifted. */
function asciiOffsets(raw: Int32Array, length: number, out: Int32Array, row: number, shift: number): boolean {
  let previous = raw[0] ?? 0;
  for (let i = 0; i < length; i++) {
    const offset = raw[i] ?? 0;
    if (offset < previous) return false;
    out[row + i] = offset + shift;
    previous = offset;
  }
  return (raw[length] ?? 0) >= previous;
}

/** Valid UTF-8 with multi-byte characters: count UTF-16 units (a 4-byte character is 2) up to each offset. */
function utf16Offsets(
  bytes: Uint8Array,
  raw: Int32Array,
  length: number,
  out: Int32Array,
  row: number,
  units: number,
): boolean {
  const end = raw[length] ?? 0;
  let p = raw[0] ?? 0;
  let u = units;
  for (let i = 0; i <= length; i++) {
    const offset = raw[i] ?? 0;
    if (offset < p) return false;
    for (; p < offset; p++) {
      const b = bytes[p] ?? 0;
      if ((b & 0xc0) !== 0x80) u += b >= 0xf0 ? 2 : 1;
    }
    // A value must not start inside a character (then decoding it alone would differ).
    if (offset < end && ((bytes[offset] ?? 0) & 0xc0) === 0x80) return false;
    if (i < length) out[row + i] = u;
  }
  return true;
}

/** The `values` array of a joined column: substrings, null where the row is null. */
function valuesOf({ text, offsets, valid }: Utf8Text, n: number): (string | null)[] {
  const values: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = valid && !valid[i] ? null : text.slice(offsets[i] ?? 0, offsets[i + 1] ?? 0);
  }
  return values;
}

function isValid(batch: ArrowBatch, i: number): boolean {
  const validity = batch.validity;
  if (!batch.nullCount || !validity || validity.length === 0) return true;
  return (((validity[i >> 3] ?? 0) >> (i & 7)) & 1) === 1;
}

function decodeDictionary(column: ArrowColumn, numRows: number): Column | null {
  const codes = new Int32Array(numRows);
  const dictionary: string[] = [];
  const unified: Unified = { out: dictionary, codes: null };
  const remaps = new Map<ArrowColumn, Int32Array>();
  let row = 0;
  for (const batch of column.data) {
    const source = batch.dictionary;
    if (!source || !batch.values) return null;
    let remap = remaps.get(source);
    if (!remap) {
      const fresh = unifyDictionary(source.cache(), unified);
      if (!fresh) return null;
      remaps.set(source, fresh);
      remap = fresh;
    }
    const raw = batch.values as Int32Array;
    const validity = hasNulls(batch) ? (batch.validity as Uint8Array) : null;
    remapCodes(raw, batch.length, remap, validity, codes, row);
    row += batch.length;
  }
  return { kind: "dictionary", codes, dictionary };
}

/** Hot loops in functions of their own (see core/selection.ts): codes through the remap, nulls -1. */
function remapCodes(
  raw: ArrayLike<number>,
  length: number,
  remap: Int32Array,
  validity: Uint8Array | null,
  codes: Int32Array,
  start: number,
): void {
  if (isIdentity(remap) && raw instanceof Int32Array && inRange(raw, length, remap.length)) {
    // Codes as they are (an ascending first dictionary): a copy, then -1 under the nulls.
    codes.set(raw.length === length ? raw : raw.subarray(0, length), start);
    if (validity) {
      for (let i = 0; i < length; i++) if (!(((validity[i >> 3] as number) >> (i & 7)) & 1)) codes[start + i] = -1;
    }
  } else if (validity) {
    for (let i = 0; i < length; i++) {
      codes[start + i] = ((validity[i >> 3] as number) >> (i & 7)) & 1 ? (remap[raw[i] as number] ?? -1) : -1;
    }
  } else {
    for (let i = 0; i < length; i++) codes[start + i] = remap[raw[i] as number] ?? -1;
  }
}

const identities = new WeakSet<Int32Array>();

/** Every index of the batch points into the dictionary (a malformed stream takes the checked path). */
function inRange(raw: Int32Array, length: number, size: number): boolean {
  let bad = 0;
  for (let i = 0; i < length; i++) bad |= (raw[i] as number) >>> 0 >= size ? 1 : 0;
  return bad === 0;
}

/** Is the remap k -> k (made so by unifyDictionary)? */
function isIdentity(remap: Int32Array): boolean {
  return identities.has(remap);
}

function hasNulls(batch: ArrowBatch): boolean {
  return Boolean(batch.nullCount && batch.validity && batch.validity.length > 0);
}

/** Copy a batch's plain numbers; `valid` from the validity bitmap, 0 in `values` under nulls. */
function copyNumbers(
  source: ArrayLike<number> & ArrayBufferView,
  length: number,
  validity: Uint8Array | null,
  values: Float64Array,
  valid: Uint8Array,
  start: number,
): void {
  const typed = source as unknown as Int32Array;
  values.set(typed.length === length ? typed : typed.subarray(0, length), start);
  if (!validity) {
    valid.fill(1, start, start + length);
    return;
  }
  for (let i = 0; i < length; i++) {
    const bit = ((validity[i >> 3] as number) >> (i & 7)) & 1;
    valid[start + i] = bit;
    if (!bit) values[start + i] = 0;
  }
}

/** Bit-packed booleans as 0/1. */
function copyBits(
  bits: Uint8Array,
  length: number,
  validity: Uint8Array | null,
  values: Float64Array,
  valid: Uint8Array,
  start: number,
): void {
  for (let i = 0; i < length; i++) {
    const ok = validity ? ((validity[i >> 3] as number) >> (i & 7)) & 1 : 1;
    valid[start + i] = ok;
    values[start + i] = ok ? ((bits[i >> 3] as number) >> (i & 7)) & 1 : 0;
  }
}

/** int64 epoch ms as two int32 halves: exact below 2^53, no BigInt per row. */
function copyMilliseconds(
  source: ArrayBufferView,
  length: number,
  validity: Uint8Array | null,
  values: Float64Array,
  valid: Uint8Array,
  start: number,
): void {
  const words = new Int32Array(source.buffer, source.byteOffset, source.byteLength / 4);
  for (let i = 0; i < length; i++) {
    const ok = validity ? ((validity[i >> 3] as number) >> (i & 7)) & 1 : 1;
    valid[start + i] = ok;
    values[start + i] = ok ? (words[2 * i + 1] as number) * 4294967296 + ((words[2 * i] as number) >>> 0) : 0;
  }
}

/** A column's dictionary unified over its batches: the distinct strings and, once needed, their codes. */
interface Unified {
  out: string[];
  codes: Map<string, number> | null;
}

/** Map one batch dictionary onto the column's unified dictionary; null for non-string values. */
function unifyDictionary(values: readonly unknown[], unified: Unified) {
  const remap = new Int32Array(values.length);
  const { out } = unified;
  // The first dictionary of a column, when its strings strictly ascend (the server sends rows sorted
  // by key, so e.g. WORKORDER's dictionary of first appearances does): distinct, codes as they are.
  if (out.length === 0 && strictlyAscending(values)) {
    for (let k = 0; k < values.length; k++) {
      out.push(values[k] as string);
      remap[k] = k;
    }
    identities.add(remap);
    return remap;
  }
  if (!unified.codes) unified.codes = new Map(out.map((value, code) => [value, code]));
  const codes = unified.codes;
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (value === null || value === undefined) {
      remap[k] = -1;
      continue;
    }
    if (typeof value !== "string") return null;
    let code = codes.get(value);
    if (code === undefined) {
      code = out.length;
      codes.set(value, code);
      out.push(value);
    }
    remap[k] = code;
  }
  return remap;
}

/** All strings, each greater than the one before (UTF-16 order: any strict order proves them distinct). */
function strictlyAscending(values: readonly unknown[]): boolean {
  let previous: string | null = null;
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (typeof value !== "string" || (previous !== null && !(previous < value))) return false;
    previous = value;
  }
  return true;
}

type ReadValue = (batch: ArrowBatch, i: number) => number;

/** date32 as epoch days; date64 (epoch ms, whole days) divided down to days. */
function decodeDate(column: ArrowColumn, numRows: number): Column {
  if (column.type.unit === DateUnit.DAY) return decodeNumeric(column, numRows, "date", () => readStored);
  const { values, valid } = decodeNumeric(column, numRows, "timestamp", millisecondReader);
  for (let i = 0; i < numRows; i++) values[i] = Math.floor((values[i] as number) / 86_400_000);
  return { kind: "date", values, valid };
}

function decodeNumeric(
  column: ArrowColumn,
  numRows: number,
  kind: "int" | "float" | "bool" | "timestamp" | "date",
  readerFor: (batch: ArrowBatch) => ReadValue,
) {
  const values = new Float64Array(numRows);
  const valid = new Uint8Array(numRows);
  const milliseconds = kind === "timestamp" && column.type.unit === TimeUnit.MILLISECOND;
  let row = 0;
  for (const batch of column.data) {
    const validity = hasNulls(batch) ? (batch.validity as Uint8Array) : null;
    const source = batch.values;
    const direct = kind === "int" || kind === "float" || kind === "date" ? typedNumbers(source) : undefined;
    if (direct && source) copyNumbers(source, batch.length, validity, values, valid, row);
    else if (kind === "bool" && source instanceof Uint8Array)
      copyBits(source, batch.length, validity, values, valid, row);
    else if (milliseconds && source instanceof BigInt64Array)
      copyMilliseconds(source, batch.length, validity, values, valid, row);
    else {
      const reader = readerFor(batch);
      for (let i = 0; i < batch.length; i++) {
        if (!validity || isValid(batch, i)) {
          valid[row + i] = 1;
          values[row + i] = reader(batch, i);
        }
      }
    }
    row += batch.length;
  }
  return { kind, values, valid };
}

/** The batch's value buffer when it holds plain numbers (not 64-bit integers, read as BigInt). */
function typedNumbers(values: ArrowBatch["values"]): ArrayLike<number> | undefined {
  if (!values || values instanceof BigInt64Array || values instanceof BigUint64Array) return undefined;
  return values;
}

function readNumber(batch: ArrowBatch, i: number): number {
  return Number(batch.value(i));
}

/** The stored number itself (flechette's `value` turns a date32 into epoch ms). */
function readStored(batch: ArrowBatch, i: number): number {
  return Number(batch.values?.[i] ?? 0);
}

function readBool(batch: ArrowBatch, i: number): number {
  return batch.value(i) ? 1 : 0;
}

/** int64 epoch ms read as two int32 halves: exact below 2^53 and avoids BigInt per row. */
function millisecondReader(batch: ArrowBatch): ReadValue {
  const source = batch.values;
  if (!source) return readNumber;
  const words = new Int32Array(source.buffer, source.byteOffset, source.byteLength / 4);
  return (_batch, i) => (words[2 * i + 1] ?? 0) * 4294967296 + ((words[2 * i] ?? 0) >>> 0);
}
