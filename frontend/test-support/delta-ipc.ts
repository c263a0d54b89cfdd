/**
 * Snapshots and deltas as IPC bytes for tests: rows of a small keyed table (dictionary, utf8,
 * int, float, bool, timestamp and date columns) written with flechette, and the delta A -> B in
 * the delta wire format of issue 14 (`?since=` in the README) (a test-side builder, independent of apply-delta.ts).
 */
import {
  bool,
  type DataType,
  dateDay,
  dictionary,
  float64,
  int8,
  int32,
  TimeUnit,
  tableFromArrays,
  tableToIPC,
  timestamp,
  utf8,
} from "@uwdata/flechette";
import { compareCodePoints } from "../src/core/compare-values";

export interface Row {
  K: string;
  CAT: string | null;
  NAME: string | null;
  QTY: number | null;
  X: number | null;
  FLAG: boolean | null;
  T: number | null;
  /** Epoch days. */
  D: number | null;
}

export const COLUMNS = ["K", "CAT", "NAME", "QTY", "X", "FLAG", "T", "D"] as const;

/** Arrow types of the columns; `narrow` writes CAT's indices and QTY as int8 (as the server does when they fit). */
export function types(narrow = false): Record<string, DataType> {
  return {
    K: utf8(),
    CAT: dictionary(utf8(), narrow ? int8() : int32()),
    NAME: utf8(),
    QTY: narrow ? int8() : int32(),
    X: float64(),
    FLAG: bool(),
    T: timestamp(TimeUnit.MILLISECOND, "Asia/Taipei"),
    D: dateDay(),
  };
}

export function sortedRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => compareCodePoints(a.K, b.K));
}

/** Rows (sorted by key here) -> IPC stream with the given metadata. */
export function ipcOf(
  rows: readonly Row[],
  metadata: Record<string, string>,
  narrow = false,
  maxBatchRows?: number,
): Uint8Array {
  const sorted = sortedRows(rows);
  const column = <K extends keyof Row>(name: K) => sorted.map((r) => r[name]);
  const table = tableFromArrays(
    {
      K: column("K"),
      CAT: column("CAT"),
      NAME: column("NAME"),
      QTY: column("QTY"),
      X: column("X"),
      FLAG: column("FLAG"),
      T: column("T"),
      D: sorted.map((r) => (r.D === null ? null : r.D * 86_400_000)),
    },
    { types: types(narrow), ...(maxBatchRows ? { maxBatchRows } : {}) },
  );
  table.schema.metadata = new Map(Object.entries(metadata));
  return tableToIPC(table, { format: "stream" }) as Uint8Array;
}

/** Snapshot metadata of a version. */
export function snapshotMeta(version: string): Record<string, string> {
  return { dataset: "test", version, snapshot_time: "2025-03-01T08:30:00+08:00", timezone: "Asia/Taipei" };
}

/** The delta A -> B: B's new or changed rows, A's removed keys, B's metadata plus delta_*. */
export function deltaOf(
  a: readonly Row[],
  b: readonly Row[],
  base: string,
  version: string,
  narrow = false,
): Uint8Array {
  const before = new Map(a.map((r) => [r.K, JSON.stringify(r)]));
  const keys = new Set(b.map((r) => r.K));
  const upserts = b.filter((r) => before.get(r.K) !== JSON.stringify(r));
  const removed = a
    .map((r) => r.K)
    .filter((k) => !keys.has(k))
    .sort(compareCodePoints);
  return ipcOf(
    upserts,
    {
      ...snapshotMeta(version),
      delta_base: base,
      delta_removed: JSON.stringify(removed),
      delta_upserts: String(upserts.length),
    },
    narrow,
  );
}
