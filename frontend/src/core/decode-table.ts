/**
 * Arrow IPC stream bytes -> the columnar Table the kernels read.
 *
 * Lazy: decodeTable parses the stream's messages and makes views over the buffers (no copy);
 * each column is converted to the Table's arrays (codes Int32Array, values Float64Array, strings)
 * on first use of its data, and the dictionaries' strings are decoded then too, one TextDecoder
 * call per dictionary batch. Streams with types or features outside the snapshot contract
 * (compression, nested or view types, large offsets, half floats, non-ms timestamps) go through
 * flechette's tableFromIPC, still converted lazily.
 */
/// <reference path="./flechette-ipc.d.ts" />
import { DateUnit, type Schema, TimeUnit, Type, tableFromIPC } from "@uwdata/flechette";
import { decodeIPC } from "@uwdata/flechette/src/decode/decode-ipc.js";
import { DecodeError } from "./core-error";
import { rememberDictionaryText } from "./string-index";
import type { Column, DictionaryColumn, NumericColumn, Table, Utf8Column, Utf8Text } from "./table";

interface ArrowBatch {
  readonly length: number;
  readonly nullCount: number;
  readonly validity?: Uint8Array | null;
  readonly values?: ArrayLike<number> & ArrayBufferView;
  readonly offsets?: unknown;
  readonly dictionary?: ArrowColumn;
  value(index: number): unknown;
}

interface ArrowType {
  typeId: number;
  bitWidth?: number;
  unit?: number;
  precision?: number;
  timezone?: string | null;
  dictionary?: ArrowType;
  indices?: ArrowType;
  id?: number;
  values?: TypedArrayConstructor;
  offsets?: TypedArrayConstructor;
}

interface ArrowColumn {
  readonly type: ArrowType;
  readonly length: number;
  readonly data: readonly ArrowBatch[];
  cache(): readonly unknown[];
  toArray(): ArrayLike<unknown>;
}

interface Parsed {
  numRows: number;
  names: string[];
  columns: ArrowColumn[];
  metadata: Record<string, string>;
  /** The stream's Arrow schema (flechette's shape: encodeTable writes it back). */
  schema: Schema;
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
  let parsed: Parsed;
  try {
    parsed = readStream(aligned) ?? readWithFlechette(aligned);
  } catch (error) {
    throw new DecodeError(error instanceof Error ? error.message : String(error));
  }
  return _decodeTable(parsed);
}

function _decodeTable({ numRows, names, columns, metadata, schema }: Parsed): DecodedTable {
  const decoded = { names: [] as string[], columns: new Map<string, Column>(), skipped: [] as string[] };
  names.forEach((name, i) => {
    const column = lazyColumn(columns[i] as ArrowColumn, numRows);
    if (column) {
      decoded.names.push(name);
      decoded.columns.set(name, column);
    } else {
      decoded.skipped.push(name);
    }
  });
  const parsed = metadata.snapshot_time ? Date.parse(metadata.snapshot_time) : Number.NaN;
  return {
    numRows,
    columnNames: decoded.names,
    columns: decoded.columns,
    metadata,
    snapshotTime: Number.isNaN(parsed) ? null : parsed,
    version: metadata.version ?? null,
    skippedColumns: decoded.skipped,
    schema,
  };
}

function readWithFlechette(bytes: Uint8Array | ArrayBuffer): Parsed {
  const arrow = tableFromIPC(bytes);
  return {
    numRows: arrow.numRows,
    names: arrow.schema.fields.map((field) => field.name),
    columns: arrow.children as unknown as ArrowColumn[],
    metadata: Object.fromEntries(arrow.schema.metadata ?? []),
    schema: arrow.schema,
  };
}

// ---------------------------------------------------------------------------------------------------
// The stream read directly (flechette's message parser, our own buffer views)

type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayLike<number> & ArrayBufferView;
  readonly BYTES_PER_ELEMENT: number;
};

interface IpcBatch {
  length: number;
  nodes: { length: number; nullCount: number }[];
  regions: { offset: number; length: number }[];
  compression?: unknown;
  body?: Uint8Array;
}

interface IpcData {
  schema?: { fields: { name: string; type: ArrowType }[]; metadata?: Map<string, string> | null };
  dictionaries: { id: number; data: IpcBatch; isDelta: boolean; body?: Uint8Array }[];
  records: IpcBatch[];
  dictsBeforeRecord?: number[];
}

/** Types read here; anything else makes the whole stream go through flechette. */
function directType(type: ArrowType): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Bool:
    case Type.Date:
    case Type.Utf8:
      return true;
    case Type.Float:
      return type.bitWidth !== 16 && type.precision !== 0;
    case Type.Timestamp:
      return type.unit === TimeUnit.MILLISECOND;
    case Type.Dictionary:
      return type.dictionary?.typeId === Type.Utf8 && type.indices?.typeId === Type.Int;
    default:
      return false;
  }
}

/** The stream's columns as views over its buffers, or null when flechette must read it. */
function readStream(bytes: Uint8Array | ArrayBuffer): Parsed | null {
  const source = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (source.length >= 6 && String.fromCharCode(...source.subarray(0, 6)) === "ARROW1") return null;
  const data = decodeIPC(source) as IpcData;
  const fields = data.schema?.fields;
  if (!fields?.every((f) => directType(f.type))) return null;
  const compressed = (b: IpcBatch) => b.compression !== null && b.compression !== undefined;
  if (data.records.some(compressed) || data.dictionaries.some((d) => compressed(d.data))) return null;
  const valueTypes = new Map<number, ArrowType>();
  for (const f of fields) if (f.type.typeId === Type.Dictionary) valueTypes.set(f.type.id ?? 0, f.type);
  const current = new Map<number, LazyDictionary>();
  const apply = ({ id, data: batch, isDelta, body }: IpcData["dictionaries"][number]) => {
    const type = valueTypes.get(id)?.dictionary;
    if (!type) throw new Error(`dictionary batch ${id} has no field`);
    const read = bufferReader({ ...batch, body });
    const values = readBatch(type, read, current);
    const existing = current.get(id);
    if (isDelta && !existing) throw new Error("Delta update can not be first dictionary batch.");
    current.set(id, new LazyDictionary(type, isDelta && existing ? [...existing.data, values] : [values]));
  };
  const chunks: ArrowBatch[][] = fields.map(() => []);
  let numRows = 0;
  let applied = 0;
  data.records.forEach((record, i) => {
    const before = data.dictsBeforeRecord?.[i] ?? data.dictionaries.length;
    while (applied < before) apply(data.dictionaries[applied++] as IpcData["dictionaries"][number]);
    const read = bufferReader(record);
    fields.forEach((f, k) => {
      chunks[k]?.push(readBatch(f.type, read, current));
    });
    numRows += record.length;
  });
  while (applied < data.dictionaries.length) apply(data.dictionaries[applied++] as IpcData["dictionaries"][number]);
  return {
    numRows,
    names: fields.map((f) => f.name),
    columns: fields.map((f, k) => new DirectColumn(f.type, chunks[k] ?? [])),
    metadata: Object.fromEntries(data.schema?.metadata ?? []),
    schema: data.schema as unknown as Schema,
  };
}

interface BufferReader {
  node(): { length: number; nullCount: number };
  buffer<T extends ArrayLike<number> & ArrayBufferView>(type?: TypedArrayConstructor): T;
}

/** Field nodes and buffers of one batch in order, as views (bounds checked). */
function bufferReader(batch: IpcBatch): BufferReader {
  const body = batch.body ?? new Uint8Array(0);
  let node = 0;
  let region = 0;
  return {
    node() {
      const n = batch.nodes[node++];
      if (!n) throw new Error("record batch has fewer field nodes than the schema");
      return { length: Number(n.length), nullCount: Number(n.nullCount) };
    },
    buffer<T extends ArrayLike<number> & ArrayBufferView>(type?: TypedArrayConstructor): T {
      const r = batch.regions[region++];
      if (!r) throw new Error("record batch has fewer buffers than the schema");
      const offset = Number(r.offset);
      const length = Number(r.length);
      if (offset < 0 || length < 0 || offset + length > body.length) throw new Error("buffer outside the message body");
      const Kind = type ?? (Uint8Array as unknown as TypedArrayConstructor);
      return new Kind(body.buffer, body.byteOffset + offset, Math.floor(length / Kind.BYTES_PER_ELEMENT)) as T;
    },
  };
}

function readBatch(type: ArrowType, read: BufferReader, dictionaries: Map<number, LazyDictionary>): ArrowBatch {
  const { length, nullCount } = read.node();
  const bits = read.buffer<Uint8Array>();
  const validity = nullCount > 0 && bits.length > 0 ? bits : null;
  if (type.typeId === Type.Utf8) {
    const offsets = read.buffer<Int32Array>(Int32Array as unknown as TypedArrayConstructor);
    const values = read.buffer<Uint8Array>();
    return new DirectBatch(type, length, nullCount, validity, values, offsets);
  }
  if (type.typeId === Type.Dictionary) {
    const values = read.buffer(type.indices?.values);
    const batch = new DirectBatch(type, length, nullCount, validity, values, null);
    const dictionary = dictionaries.get(type.id ?? 0);
    if (!dictionary) throw new Error(`no dictionary batch for dictionary ${type.id}`);
    batch.dictionary = dictionary;
    return batch;
  }
  const values = read.buffer(type.typeId === Type.Bool ? undefined : type.values);
  return new DirectBatch(type, length, nullCount, validity, values, null);
}

let lenientDecoder: Utf8Decoder | null = null;

class DirectBatch implements ArrowBatch {
  dictionary?: ArrowColumn;
  constructor(
    readonly type: ArrowType,
    readonly length: number,
    readonly nullCount: number,
    readonly validity: Uint8Array | null,
    readonly values: ArrayLike<number> & ArrayBufferView,
    readonly offsets: Int32Array | null,
  ) {}

  /** One value (the slow paths: 64-bit integers, strings that do not decode as one). */
  value(i: number): unknown {
    if (!isValid(this, i)) return null;
    const { typeId } = this.type;
    if (typeId === Type.Bool) return (((this.values[i >> 3] as number) >> (i & 7)) & 1) === 1;
    if (typeId === Type.Utf8) {
      const offsets = this.offsets as Int32Array;
      const bytes = (this.values as Uint8Array).subarray(offsets[i] ?? 0, offsets[i + 1] ?? 0);
      lenientDecoder ??= new (globalThis as unknown as { TextDecoder: DecoderConstructor }).TextDecoder("utf-8");
      return lenientDecoder.decode(bytes);
    }
    return Number((this.values as unknown as ArrayLike<number | bigint>)[i]);
  }
}

class DirectColumn implements ArrowColumn {
  readonly length: number;
  private values: readonly unknown[] | null = null;
  constructor(
    readonly type: ArrowType,
    readonly data: readonly ArrowBatch[],
  ) {
    this.length = data.reduce((n, b) => n + b.length, 0);
  }

  cache(): readonly unknown[] {
    this.values ??= this.toArray();
    return this.values;
  }

  toArray(): unknown[] {
    const out: unknown[] = new Array(this.length);
    let row = 0;
    for (const batch of this.data) for (let i = 0; i < batch.length; i++) out[row++] = batch.value(i);
    return out;
  }
}

/** A dictionary's value batches; the strings are decoded on first use (one call per batch). */
class LazyDictionary extends DirectColumn {
  private strings: readonly unknown[] | null = null;
  /** The values as one text (null when they do not decode at once), made with `cache()`. */
  joined: Utf8Text | null = null;

  override cache(): readonly unknown[] {
    if (!this.strings) {
      this.joined = concatUtf8(this);
      this.strings = this.joined ? valuesOf(this.joined, this.length) : super.cache();
    }
    return this.strings;
  }
}

// ---------------------------------------------------------------------------------------------------
// Columns, converted on first use

/** A Table column whose arrays are made when first read; null for a type the core does not read. */
function lazyColumn(column: ArrowColumn, numRows: number): Column | null {
  const { typeId } = column.type;
  if (typeId === Type.Dictionary) {
    if (!STRING_TYPES.has(column.type.dictionary?.typeId ?? -1)) return null;
    return lazyDictionary(column, numRows);
  }
  if (STRING_TYPES.has(typeId)) return lazyUtf8(column);
  const decode = numericDecoder(column, numRows);
  if (!decode) return null;
  let decoded: NumericParts | null = null;
  const get = () => {
    decoded ??= decode();
    return decoded;
  };
  const kind = typeId === Type.Date ? "date" : numericKind(typeId);
  const out: NumericColumn = {
    kind,
    get values() {
      return get().values;
    },
    get valid() {
      return get().valid;
    },
    ...(typeId === Type.Timestamp ? { timezone: column.type.timezone ?? null } : {}),
  };
  return out;
}

function numericKind(typeId: number): NumericColumn["kind"] {
  if (typeId === Type.Float) return "float";
  if (typeId === Type.Bool) return "bool";
  if (typeId === Type.Timestamp) return "timestamp";
  return "int";
}

interface NumericParts {
  values: Float64Array;
  valid: Uint8Array;
}

function numericDecoder(column: ArrowColumn, numRows: number): (() => NumericParts) | null {
  const { typeId } = column.type;
  if (typeId === Type.Int) return () => decodeNumeric(column, numRows, "int", () => readNumber);
  if (typeId === Type.Float) return () => decodeNumeric(column, numRows, "float", () => readNumber);
  if (typeId === Type.Bool) return () => decodeNumeric(column, numRows, "bool", () => readBool);
  if (typeId === Type.Date) return () => decodeDate(column, numRows);
  if (typeId === Type.Timestamp) {
    const reader = column.type.unit === TimeUnit.MILLISECOND ? millisecondReader : () => readNumber;
    return () => decodeNumeric(column, numRows, "timestamp", reader);
  }
  return null;
}

function lazyDictionary(column: ArrowColumn, numRows: number): DictionaryColumn {
  let decoded: { codes: Int32Array; dictionary: string[] } | null = null;
  const get = () => {
    if (!decoded) {
      decoded = decodeDictionary(column, numRows);
      if (!decoded) throw new DecodeError("a dictionary column has malformed batches or non-string values");
    }
    return decoded;
  };
  return {
    kind: "dictionary",
    get codes() {
      return get().codes;
    },
    get dictionary() {
      return get().dictionary;
    },
  };
}

/** Strings are materialized on first use: most queries never touch the identifier columns. */
function lazyUtf8(column: ArrowColumn): Utf8Column {
  let text: Utf8Text | null | undefined;
  let values: (string | null)[] | null = null;
  const getText = () => {
    if (text === undefined) text = concatUtf8(column);
    return text;
  };
  const out: Utf8Column = {
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
  const bytes = rowBytesOf(column);
  if (bytes) rowBytes.set(out, bytes);
  return out;
}

/**
 * A decoded utf8 column's values as their UTF-8 bytes, compared without decoding the column (UTF-8
 * byte order is code-point order): a delta finds its keys in a freshly loaded table this way.
 */
export interface Utf8RowBytes {
  /** Row `row`'s value against `key` (UTF-8): negative when the value is smaller; null for a null row. */
  compare(row: number, key: Uint8Array): number | null;
}

const rowBytes = new WeakMap<Utf8Column, Utf8RowBytes>();

/** The row bytes of a utf8 column made by decodeTable (null for any other column). */
export function utf8RowBytes(column: Column): Utf8RowBytes | null {
  return column.kind === "utf8" ? (rowBytes.get(column) ?? null) : null;
}

function rowBytesOf(column: ArrowColumn): Utf8RowBytes | null {
  const batches = column.data;
  if (!batches.every((b) => b.values instanceof Uint8Array && b.offsets instanceof Int32Array)) return null;
  const only = batches.length === 1 ? (batches[0] as ArrowBatch) : null;
  if (only && !hasNulls(only)) {
    // One batch without nulls (a snapshot as the server writes it): the arrays held directly.
    const bytes = only.values as Uint8Array;
    const offsets = only.offsets as Int32Array;
    const rows = only.length;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let lastKey: Uint8Array | null = null;
    let keyView = view;
    return {
      compare(row, key) {
        if (row < 0 || row >= rows) return null;
        if (key !== lastKey) {
          lastKey = key;
          keyView = new DataView(key.buffer, key.byteOffset, key.byteLength);
        }
        const s = offsets[row] as number;
        const length = (offsets[row + 1] as number) - s;
        const n = Math.min(length, key.length);
        let k = 0;
        // four bytes at a time: the first differing big-endian word orders as its first differing byte
        for (; k + 4 <= n; k += 4) {
          const x = view.getUint32(s + k);
          const y = keyView.getUint32(k);
          if (x !== y) return x < y ? -1 : 1;
        }
        for (; k < n; k++) {
          const x = bytes[s + k] as number;
          const y = key[k] as number;
          if (x !== y) return x < y ? -1 : 1;
        }
        return length === key.length ? 0 : length < key.length ? -1 : 1;
      },
    };
  }
  const starts = new Int32Array(batches.length + 1);
  batches.forEach((b, i) => {
    starts[i + 1] = (starts[i] as number) + b.length;
  });
  return {
    compare(row, key) {
      let lo = 0;
      let hi = batches.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if ((starts[mid] as number) <= row) lo = mid;
        else hi = mid - 1;
      }
      const batch = batches[lo] as ArrowBatch;
      const i = row - (starts[lo] as number);
      if (i < 0 || i >= batch.length || !isValid(batch, i)) return null;
      const bytes = batch.values as Uint8Array;
      const offsets = batch.offsets as Int32Array;
      const s = offsets[i] as number;
      const length = (offsets[i + 1] as number) - s;
      const n = Math.min(length, key.length);
      for (let k = 0; k < n; k++) {
        const x = bytes[s + k] as number;
        const y = key[k] as number;
        if (x !== y) return x < y ? -1 : 1;
      }
      return length === key.length ? 0 : length < key.length ? -1 : 1;
    },
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
  const order: ByteOrder = { ascending: true, bytes: null, start: 0, end: 0 };
  for (const batch of column.data) {
    const { values: bytes, offsets: raw, length } = batch;
    if (length === 0) continue;
    if (!(bytes instanceof Uint8Array) || !(raw instanceof Int32Array) || raw.length < length + 1) return null;
    if (order.ascending) followByteOrder(order, batch, bytes, raw, length);
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
  return { text: parts.join(""), offsets, valid, ascii, ascending: order.ascending };
}

/** Do the non-null values strictly ascend? Checked on the UTF-8 bytes (their order is code-point order). */
interface ByteOrder {
  ascending: boolean;
  /** The last non-null value seen: bytes[start..end). */
  bytes: Uint8Array | null;
  start: number;
  end: number;
}

function followByteOrder(order: ByteOrder, batch: ArrowBatch, bytes: Uint8Array, raw: Int32Array, length: number) {
  const checkNulls = hasNulls(batch);
  let previous = order.bytes;
  let ps = order.start;
  let pe = order.end;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Without nulls, rows 1.. are checked by a tight loop; row 0 (against the previous batch) here.
  const last = checkNulls ? length : Math.min(length, 1);
  for (let i = 0; i < last; i++) {
    if (checkNulls && !isValid(batch, i)) continue;
    const s = raw[i] as number;
    const e = raw[i + 1] as number;
    if (previous !== null) {
      // strictly greater: the first differing byte is greater, or the previous value is a proper prefix
      let a = ps;
      let b = s;
      if (previous === bytes) {
        // the common prefix 4 bytes at a time (same buffer: one view)
        while (a + 4 <= pe && b + 4 <= e && view.getInt32(a) === view.getInt32(b)) {
          a += 4;
          b += 4;
        }
      }
      while (a < pe && b < e && previous[a] === bytes[b]) {
        a++;
        b++;
      }
      const greater = a < pe ? b < e && (bytes[b] as number) > (previous[a] as number) : b < e;
      if (!greater) {
        order.ascending = false;
        return;
      }
    }
    previous = bytes;
    ps = s;
    pe = e;
  }
  if (last < length) {
    if (!ascendsWithoutNulls(bytes, view, raw, length)) {
      order.ascending = false;
      return;
    }
    previous = bytes;
    ps = raw[length - 1] as number;
    pe = raw[length] as number;
  }
  order.bytes = previous;
  order.start = ps;
  order.end = pe;
}

/**
 * Rows 0..length-1 of a batch without nulls strictly ascend (byte order). Four bytes at a time:
 * the first differing big-endian word decides, as its first differing byte would.
 */
function ascendsWithoutNulls(bytes: Uint8Array, view: DataView, raw: Int32Array, length: number): boolean {
  let ps = raw[0] as number;
  let pe = raw[1] as number;
  for (let i = 1; i < length; i++) {
    const s = raw[i] as number;
    const e = raw[i + 1] as number;
    let a = ps;
    let b = s;
    let decided = false;
    while (a + 4 <= pe && b + 4 <= e) {
      const x = view.getUint32(a);
      const y = view.getUint32(b);
      if (x !== y) {
        if (y < x) return false;
        decided = true;
        break;
      }
      a += 4;
      b += 4;
    }
    if (!decided) {
      while (a < pe && b < e && bytes[a] === bytes[b]) {
        a++;
        b++;
      }
      if (!(a < pe ? b < e && (bytes[b] as number) > (bytes[a] as number) : b < e)) return false;
    }
    ps = s;
    pe = e;
  }
  return true;
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

function decodeDictionary(column: ArrowColumn, numRows: number): { codes: Int32Array; dictionary: string[] } | null {
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
      const values = source.cache();
      const joined = source instanceof LazyDictionary ? source.joined : null;
      const fresh = unifyDictionary(values, unified, joined?.valid ? undefined : joined?.ascending);
      if (!fresh) return null;
      remaps.set(source, fresh);
      remap = fresh;
    }
    const raw = batch.values as IndexArray;
    const validity = hasNulls(batch) ? (batch.validity as Uint8Array) : null;
    remapCodes(raw, batch.length, remap, validity, codes, row);
    row += batch.length;
  }
  // One dictionary taken as it is: the string index can search its decoded text without joining it again.
  const [source] = remaps.keys();
  const [only] = remaps.values();
  if (remaps.size === 1 && only && isIdentity(only) && source instanceof LazyDictionary && source.joined) {
    if (!source.joined.valid && only.length === dictionary.length) rememberDictionaryText(dictionary, source.joined);
  }
  return { codes, dictionary };
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
  if (isIdentity(remap) && isIndexArray(raw) && inRange(raw, length, remap.length)) {
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

/** Signed dictionary indices of any width (the server ships the narrowest: int8, int16 or int32). */
type IndexArray = Int8Array | Int16Array | Int32Array;

function isIndexArray(raw: ArrayLike<number>): raw is IndexArray {
  return raw instanceof Int32Array || raw instanceof Int16Array || raw instanceof Int8Array;
}

/** Every index of the batch points into the dictionary (a malformed stream takes the checked path). */
function inRange(raw: IndexArray, length: number, size: number): boolean {
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

/**
 * Map one batch dictionary onto the column's unified dictionary; null for non-string values.
 * `ascending`: known to be non-null strings that strictly ascend (checked on their bytes), else undefined.
 */
function unifyDictionary(values: readonly unknown[], unified: Unified, ascending?: boolean) {
  const remap = new Int32Array(values.length);
  const { out } = unified;
  // The first dictionary of a column, when its strings strictly ascend (the server sorts every
  // dictionary by code point): distinct, codes as they are.
  if (out.length === 0 && (ascending ?? strictlyAscending(values))) {
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
function decodeDate(column: ArrowColumn, numRows: number): NumericParts {
  if (column.type.unit === DateUnit.DAY) return decodeNumeric(column, numRows, "date", () => readStored);
  const { values, valid } = decodeNumeric(column, numRows, "timestamp", millisecondReader);
  for (let i = 0; i < numRows; i++) values[i] = Math.floor((values[i] as number) / 86_400_000);
  return { values, valid };
}

function decodeNumeric(
  column: ArrowColumn,
  numRows: number,
  kind: "int" | "float" | "bool" | "timestamp" | "date",
  readerFor: (batch: ArrowBatch) => ReadValue,
): NumericParts {
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
  return { values, valid };
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
