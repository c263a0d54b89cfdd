/**
 * Table -> Arrow IPC stream bytes with a given Arrow schema (the schema of the load the table came
 * from), so that a table kept up to date by deltas can be stored again as one IPC stream that
 * decodes (decodeTable) to an equal table.
 *
 * One record batch; each dictionary column one dictionary batch holding only the values its rows
 * use. Column types are the schema's, except where the data no longer fits them: dictionary
 * indices and int8 / int16 integers (the server's narrow wire widths) are widened when the values
 * outgrew them, and large/view strings and half floats are
 * written as utf8 and float64 (decodeTable reads all of them the same way). Columns the table does
 * not carry (the ones decodeTable skipped) are left out of the schema.
 */
import {
  type DataType,
  DateUnit,
  type Field,
  float64,
  int32,
  Precision,
  type Schema,
  TimeUnit,
  Type,
  tableToIPC,
  utf8,
} from "@uwdata/flechette";
import { DecodeError } from "./core-error";
import type { Column, DictionaryColumn, NumericColumn, Table, Utf8Column } from "./table";

type Buffer =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** The parts of a flechette batch and column the IPC encoder reads. */
interface BatchLike {
  type: DataType;
  length: number;
  nullCount: number;
  validity: Uint8Array;
  values: Buffer;
  offsets?: Int32Array;
  dictionary?: ColumnLike;
}

interface ColumnLike {
  type: DataType;
  length: number;
  data: BatchLike[];
}

const DAY_MS = 86_400_000;
const TWO_32 = 4294967296;
const EMPTY = new Uint8Array(0);

/** The table as an IPC stream with `schema`'s fields and the table's metadata. */
export function encodeTable(table: Table, schema: Schema): Uint8Array {
  const fields: Field[] = [];
  const children: ColumnLike[] = [];
  for (const field of schema.fields) {
    const column = table.columns.get(field.name);
    if (!column) continue;
    const encoded = encodeColumn(field.type, column, table.numRows, field.name);
    fields.push(encoded.type === field.type ? field : { ...field, type: encoded.type });
    children.push(encoded);
  }
  const out: Schema = { ...schema, fields, metadata: new Map(Object.entries(table.metadata)) };
  // tableToIPC reads `schema` and `children` only; plain objects stand in for flechette's classes.
  const bytes = tableToIPC({ schema: out, children } as unknown as Parameters<typeof tableToIPC>[0], {
    format: "stream",
  });
  if (!bytes) throw new DecodeError("the IPC encoder returned no bytes");
  return bytes;
}

function encodeColumn(type: DataType, column: Column, n: number, name: string): ColumnLike {
  const mismatch = () =>
    new DecodeError(`column ${name}: a ${column.kind} column cannot be written as Arrow type ${type.typeId}`);
  switch (type.typeId) {
    case Type.Dictionary:
      if (column.kind !== "dictionary") throw mismatch();
      return encodeDictionary(type, column, n);
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      if (column.kind !== "utf8") throw mismatch();
      return single(encodeUtf8(type.typeId === Type.Utf8 ? type : utf8(), column, n));
    case Type.Int:
    case Type.Float:
    case Type.Bool:
    case Type.Date:
    case Type.Timestamp:
      if (column.kind === "dictionary" || column.kind === "utf8") throw mismatch();
      return single(encodeNumeric(type, column, n));
    default:
      throw mismatch();
  }
}

function single(batch: BatchLike): ColumnLike {
  return { type: batch.type, length: batch.length, data: [batch] };
}

/** Validity bitmap (empty when nothing is null) and the null count. */
function bitmap(valid: ArrayLike<number> | null, n: number): { validity: Uint8Array; nullCount: number } {
  if (!valid) return { validity: EMPTY, nullCount: 0 };
  const validity = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (valid[i]) validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
    else nullCount++;
  }
  return nullCount ? { validity, nullCount } : { validity: EMPTY, nullCount: 0 };
}

function encodeNumeric(type: DataType, column: NumericColumn, n: number): BatchLike {
  const { values, valid } = column;
  const { validity, nullCount } = bitmap(valid, n);
  const batch = (t: DataType, buffer: Buffer): BatchLike => ({
    type: t,
    length: n,
    nullCount,
    validity,
    values: buffer,
  });
  switch (type.typeId) {
    case Type.Bool: {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (valid[i] && values[i]) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
      return batch(type, bits);
    }
    case Type.Float:
      return type.precision === Precision.SINGLE
        ? batch(type, Float32Array.from(values))
        : batch(type.precision === Precision.DOUBLE ? type : float64(), values.slice());
    case Type.Int: {
      if (type.bitWidth === 64) return batch(type, int64Words(values, valid, 1));
      // A narrow width (the server's wire width for the load or delta) the merged values outgrew: int32.
      const wide = holds(type, values, valid) ? type : int32();
      return batch(wide, intArray(wide, values));
    }
    case Type.Date:
      return type.unit === DateUnit.DAY
        ? batch(type, Int32Array.from(values))
        : batch(type, int64Words(values, valid, DAY_MS));
    case Type.Timestamp:
      return batch(type, int64Words(values, valid, timestampScale(type.unit)));
    default:
      throw new DecodeError(`unsupported Arrow type ${type.typeId}`);
  }
}

/** Does the integer type hold every present value? */
function holds(
  type: { bitWidth: number; signed: boolean },
  values: ArrayLike<number>,
  valid: ArrayLike<number>,
): boolean {
  const { bitWidth, signed } = type;
  if (bitWidth >= 32) return true;
  const low = signed ? -(2 ** (bitWidth - 1)) : 0;
  const high = signed ? 2 ** (bitWidth - 1) - 1 : 2 ** bitWidth - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (valid[i] && (v < low || v > high)) return false;
  }
  return true;
}

function intArray(type: { bitWidth: number; signed: boolean }, values: ArrayLike<number>): Buffer {
  const { bitWidth, signed } = type;
  if (bitWidth === 8) return signed ? Int8Array.from(values) : Uint8Array.from(values);
  if (bitWidth === 16) return signed ? Int16Array.from(values) : Uint16Array.from(values);
  if (signed) return values instanceof Int32Array ? values : Int32Array.from(values);
  return Uint32Array.from(values);
}

/** Epoch ms per timestamp unit (decodeTable reads every unit as ms). */
function timestampScale(unit: number): number {
  if (unit === TimeUnit.SECOND) return 1 / 1000;
  if (unit === TimeUnit.MICROSECOND) return 1000;
  if (unit === TimeUnit.NANOSECOND) return 1_000_000;
  return 1;
}

/** 64-bit integers (value * scale, rounded) as little-endian int32 word pairs, exact below 2^53. */
function int64Words(values: Float64Array, valid: Uint8Array, scale: number): Int32Array {
  const words = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    if (!valid[i]) continue;
    const v = Math.round((values[i] as number) * scale);
    const high = Math.floor(v / TWO_32);
    words[2 * i] = v - high * TWO_32;
    words[2 * i + 1] = high;
  }
  return words;
}

/** UTF-8 bytes and int32 byte offsets of a utf8 column (from its joined text when it has one). */
function encodeUtf8(type: DataType, column: Utf8Column, n: number): BatchLike {
  const joined = column.text?.() ?? null;
  let text: string;
  let units: Int32Array;
  let valid: Uint8Array | null;
  if (joined) {
    ({ text, offsets: units, valid } = joined);
  } else {
    const values = column.values;
    units = new Int32Array(n + 1);
    valid = values.includes(null) ? Uint8Array.from(values, (v) => (v === null ? 0 : 1)) : null;
    for (let i = 0; i < n; i++) units[i + 1] = (units[i] as number) + (values[i]?.length ?? 0);
    text = values.map((v) => v ?? "").join("");
  }
  const bytes = utf8Encoder().encode(text);
  const offsets = new Int32Array(n + 1);
  if (bytes.length === text.length) {
    // ASCII: byte offsets are the UTF-16 offsets (from the first row's start).
    const first = units[0] as number;
    for (let i = 0; i <= n; i++) offsets[i] = (units[i] as number) - first;
  } else byteOffsets(text, units, n, offsets);
  const start = units[0] as number;
  const end = units[n] as number;
  const from = utf8Length(text, 0, start);
  const body = start === 0 && end === text.length ? bytes : bytes.subarray(from, from + utf8Length(text, start, end));
  const nulls = bitmap(valid, n);
  return { type, length: n, nullCount: nulls.nullCount, validity: nulls.validity, values: body, offsets };
}

interface Utf8Encoder {
  encode(input: string): Uint8Array;
}

/** TextEncoder (the core compiles without the DOM library; every browser, worker and Node has it). */
function utf8Encoder(): Utf8Encoder {
  const Encoder = (globalThis as { TextEncoder?: new () => Utf8Encoder }).TextEncoder;
  if (!Encoder) throw new DecodeError("TextEncoder is not available");
  return new Encoder();
}

/** UTF-8 byte offsets of UTF-16 offsets (non-decreasing) into `text`, relative to the first. */
function byteOffsets(text: string, units: Int32Array, n: number, out: Int32Array): void {
  let unit = units[0] as number;
  let byte = 0;
  out[0] = 0;
  for (let i = 1; i <= n; i++) {
    const to = units[i] as number;
    byte += utf8Length(text, unit, to);
    unit = to;
    out[i] = byte;
  }
}

/** Bytes of text[from, to) in UTF-8 (a surrogate pair is 4 bytes, a lone surrogate 3 as U+FFFD). */
function utf8Length(text: string, from: number, to: number): number {
  let bytes = 0;
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && p + 1 < to) {
      const next = text.charCodeAt(p + 1);
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4;
        p++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Indices of the schema's width (widened to int32 when the used values outgrow it) and a dictionary batch. */
function encodeDictionary(
  type: DataType & { typeId: typeof Type.Dictionary },
  column: DictionaryColumn,
  n: number,
): ColumnLike {
  const { codes, dictionary } = column;
  // Only the values rows use, in order of first use: unused entries (left by deltas) are not stored.
  const remap = new Int32Array(dictionary.length).fill(-1);
  const kept: string[] = [];
  const indices = new Int32Array(n);
  const valid = new Uint8Array(n);
  let nulls = false;
  for (let i = 0; i < n; i++) {
    const c = codes[i] as number;
    if (c < 0) {
      nulls = true;
      continue;
    }
    let k = remap[c] as number;
    if (k < 0) {
      k = kept.push(dictionary[c] as string) - 1;
      remap[c] = k;
    }
    indices[i] = k;
    valid[i] = 1;
  }
  const { bitWidth, signed } = type.indices;
  const fits = bitWidth <= 32 && kept.length <= 2 ** (bitWidth - (signed ? 1 : 0));
  // A value type object of its own per column: the encoder keys dictionary ids by that object.
  const dictType: typeof type = {
    ...type,
    indices: fits ? type.indices : int32(),
    dictionary: type.dictionary.typeId === Type.Utf8 ? { ...type.dictionary } : utf8(),
  };
  const values = fits ? intArray(type.indices, indices) : indices;
  const dictionaryColumn = single(encodeUtf8(dictType.dictionary, { kind: "utf8", values: kept }, kept.length));
  const bits = bitmap(nulls ? valid : null, n);
  const batch: BatchLike = {
    type: dictType,
    length: n,
    nullCount: bits.nullCount,
    validity: bits.validity,
    values,
    dictionary: dictionaryColumn,
  };
  return { type: dictType, length: n, data: [batch] };
}
