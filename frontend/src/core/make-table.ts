/** Build a Table from plain JavaScript arrays (tests, fixtures, small derived tables). */
import { parseIsoDate } from "./calendar";
import type { Column, ColumnKind, Scalar, Table } from "./table";

export interface ColumnValues {
  kind: ColumnKind;
  values: readonly Scalar[];
}

/** Columns of equal length -> a Table; strings for dictionary/utf8, dates as days or "YYYY-MM-DD", numbers or booleans otherwise. */
export function makeTable(
  columns: Readonly<Record<string, ColumnValues>>,
  metadata: Readonly<Record<string, string>> = {},
): Table {
  const names = Object.keys(columns);
  const lengths = new Set(names.map((n) => columns[n]?.values.length ?? 0));
  if (lengths.size > 1) throw new Error("makeTable: columns differ in length");
  const built = new Map<string, Column>();
  for (const name of names) {
    const spec = columns[name];
    if (spec) built.set(name, buildColumn(spec));
  }
  const snapshot = metadata.snapshot_time ? Date.parse(metadata.snapshot_time) : Number.NaN;
  return {
    numRows: lengths.values().next().value ?? 0,
    columnNames: names,
    columns: built,
    metadata,
    snapshotTime: Number.isNaN(snapshot) ? null : snapshot,
    version: metadata.version ?? null,
  };
}

function buildColumn({ kind, values }: ColumnValues): Column {
  if (kind === "utf8") return { kind, values: values.map((v) => (v === null ? null : String(v))) };
  if (kind === "dictionary") {
    const index = new Map<string, number>();
    const dictionary: string[] = [];
    const codes = Int32Array.from(values, (v) => {
      if (v === null) return -1;
      const key = String(v);
      let code = index.get(key);
      if (code === undefined) {
        code = dictionary.push(key) - 1;
        index.set(key, code);
      }
      return code;
    });
    return { kind, codes, dictionary };
  }
  const valid = Uint8Array.from(values, (v) => (v === null ? 0 : 1));
  // A date is given as epoch days or as its "YYYY-MM-DD" text.
  const number = (v: Scalar) =>
    kind === "date" && typeof v === "string" ? (parseIsoDate(v) ?? Number.NaN) : Number(v);
  const numbers = Float64Array.from(values, (v) => (v === null ? 0 : number(v)));
  return { kind, values: numbers, valid, timezone: kind === "timestamp" ? "Asia/Taipei" : null };
}
