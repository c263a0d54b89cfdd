import { formatIsoDate } from "./calendar";
import { QueryError } from "./core-error";

/** The decoded, columnar table every kernel reads. Rows are positions 0..numRows-1. */

/** A categorical column: one code per row into a dictionary unified over all record batches. */
export interface DictionaryColumn {
  readonly kind: "dictionary";
  /** Dictionary code per row; -1 is null. */
  readonly codes: Int32Array;
  /** Distinct strings; code k means dictionary[k]. */
  readonly dictionary: readonly string[];
}

/** A plain (non-dictionary) string column. */
export interface Utf8Column {
  readonly kind: "utf8";
  readonly values: readonly (string | null)[];
  /**
   * Optional: every row's value in one string (made once, cached; null when the column cannot give it),
   * so that indexes can skip materializing `values`. decodeTable provides it.
   */
  readonly text?: () => Utf8Text | null;
}

/** The values of a utf8 column concatenated: row i is `text.slice(offsets[i], offsets[i + 1])`. */
export interface Utf8Text {
  readonly text: string;
  /** UTF-16 offsets into `text`, numRows + 1 of them, non-decreasing. */
  readonly offsets: Int32Array;
  /** 1 where the row is not null; null when no row is null (null rows' slices are to be ignored). */
  readonly valid: Uint8Array | null;
  /** Known to be all ASCII (true) or not (false); absent when not known. */
  readonly ascii?: boolean;
  /** The non-null values strictly ascend by code point in row order (true) or not (false); absent when not known. */
  readonly ascending?: boolean;
}

/** int and float columns as numbers, timestamps as epoch ms, dates as epoch days, bools as 0/1. */
export interface NumericColumn {
  readonly kind: "int" | "float" | "timestamp" | "date" | "bool";
  readonly values: Float64Array;
  /** 1 where the value is present, 0 where it is null. */
  readonly valid: Uint8Array;
  /** Time zone of a timestamp column (Arrow type metadata), else null. */
  readonly timezone?: string | null;
}

export type Column = DictionaryColumn | Utf8Column | NumericColumn;
export type ColumnKind = Column["kind"];

/** A single cell value as results and filters see it. */
export type Scalar = string | number | boolean | null;

export interface Table {
  readonly numRows: number;
  readonly columnNames: readonly string[];
  readonly columns: ReadonlyMap<string, Column>;
  /** Arrow schema metadata (the backend puts `snapshot_time` and `version` here). */
  readonly metadata: Readonly<Record<string, string>>;
  /** `snapshot_time` metadata as epoch ms, null when absent or unparsable. */
  readonly snapshotTime: number | null;
  readonly version: string | null;
}

/** Is the column a string column (dictionary or utf8)? */
export function isStringColumn(column: Column): column is DictionaryColumn | Utf8Column {
  return column.kind === "dictionary" || column.kind === "utf8";
}

/** The value of one row as a result cell (timestamps stay epoch ms, dates become "YYYY-MM-DD", bools booleans). */
export function cellValue(column: Column, row: number): Scalar {
  switch (column.kind) {
    case "dictionary": {
      const code = column.codes[row] ?? -1;
      return code < 0 ? null : (column.dictionary[code] ?? null);
    }
    case "utf8":
      return column.values[row] ?? null;
    case "bool":
      return column.valid[row] ? column.values[row] === 1 : null;
    case "date":
      return column.valid[row] ? formatIsoDate(column.values[row] as number) : null;
    default:
      return column.valid[row] ? (column.values[row] ?? null) : null;
  }
}

/** The named column, or a QueryError when the table does not carry it (e.g. a `detail` field). */
export function requireColumn(table: Table, name: string): Column {
  const column = table.columns.get(name);
  if (!column) throw new QueryError(`field ${name} is not in the table (only \`main\` payload fields are shipped)`);
  return column;
}
