/** Group ids over up to 3 keys (fields, numeric buckets or date periods); null is a group of its own. */
import { formatIsoDate, type PeriodUnit, periodStart } from "./calendar";
import { valueCodesOf } from "./column-index";
import { QueryError } from "./core-error";
import { plantDay } from "./plant-day";
import { maskToSelection, type Selection } from "./selection";
import { type Column, type NumericColumn, requireColumn, type Scalar, type Table } from "./table";
import type { GroupSpec } from "./validate-query";

/** Groups of a selection: gid[k] is the group of the selection's k-th row. */
export interface SelectionGrouping {
  /** Group id per selected row (same positions as the selection); null when there are no keys (all 0). */
  gid: Int32Array | null;
  groupCount: number;
  /** keys[k][g]: the value of key k for group g. */
  keys: Scalar[][];
  /** Selected rows per group. */
  rowCounts: Float64Array;
  /** Sums of a numeric column kept in the grouping loop (see GroupOptions.sum), else null. */
  fused: FusedSum | null;
}

/** Per-group sum and count of a column's non-null values, and both over all selected rows. */
export interface FusedSum {
  column: NumericColumn;
  sums: Float64Array;
  counts: Float64Array;
  /** Sum over the selected rows in row order, and the count of non-null values. */
  total: number;
  totalCount: number;
}

export interface GroupOptions {
  /** A numeric column to sum in the same loop (a query's plain sum/mean metric). */
  sum?: NumericColumn | null;
}

/** Per-row codes of one key (read at `codes[row] + shift`, 0 meaning null) and each code's value. */
interface KeyCodes {
  codes: Int32Array;
  shift: number;
  card: number;
  value(code: number): Scalar;
}

/** Group the selected rows, ids in order of first appearance. No keys: one group, even if empty. */
export function groupSelection(
  table: Table,
  specs: readonly GroupSpec[],
  selection: Selection,
  options: GroupOptions = {},
): SelectionGrouping {
  const keyCodes = specs.map((s) => {
    const column = requireColumn(table, s.field);
    if (s.edges) return bucketCodes(column, s.edges, s.field);
    return s.period ? periodCodes(column, s.period, s.field) : valueCodes(column);
  });
  if (keyCodes.length === 0) {
    return { gid: null, groupCount: 1, keys: [], rowCounts: Float64Array.of(selection.count), fused: null };
  }
  const cards = keyCodes.map((k) => k.card);
  const combinations = cards.reduce((p, c) => p * c, 1);
  const gid = new Int32Array(selection.count);
  let firstRows: number[];
  let rowCounts: Float64Array;
  let fused: FusedSum | null = null;
  if (combinations <= DENSE_LIMIT) {
    // Row counts per group are kept in the grouping loop (at most min(combinations, rows) groups).
    const size = Math.min(combinations, selection.count);
    const counts = new Int32Array(size);
    if (options.sum && keyCodes.length <= 2) {
      const sums = new Float64Array(size);
      const sumCounts = new Float64Array(size);
      const totals = new Float64Array(2);
      firstRows = assignDenseSum(keyCodes, combinations, selection, gid, counts, options.sum, sums, sumCounts, totals);
      const groups = firstRows.length;
      fused = {
        column: options.sum,
        sums: sums.slice(0, groups),
        counts: sumCounts.slice(0, groups),
        total: totals[0] as number,
        totalCount: totals[1] as number,
      };
    } else {
      firstRows = assignDense(keyCodes, combinations, selection, gid, counts);
    }
    rowCounts = Float64Array.from(counts.subarray(0, firstRows.length));
  } else {
    firstRows = assignSparse(keyCodes, selection, gid, combinations <= Number.MAX_SAFE_INTEGER);
    rowCounts = countPerGroup(gid, firstRows.length);
  }
  const keys = keyCodes.map((k) => firstRows.map((row) => k.value((k.codes[row] as number) + k.shift)));
  return { gid, groupCount: firstRows.length, keys, rowCounts, fused };
}

function countPerGroup(gid: Int32Array, groupCount: number): Float64Array {
  const counts = new Float64Array(groupCount);
  for (let j = 0; j < gid.length; j++) counts[gid[j] as number] = (counts[gid[j] as number] as number) + 1;
  return counts;
}

/** Group ids per row (-1 outside the mask): groupSelection for callers holding a row mask. */
export interface Grouping {
  groupIds: Int32Array;
  groupCount: number;
  keys: Scalar[][];
}

export function groupBy(table: Table, specs: readonly GroupSpec[], mask: Uint8Array): Grouping {
  if (mask.length !== table.numRows) throw new RangeError("mask length differs from the table");
  const selection = maskToSelection(mask);
  const grouping = groupSelection(table, specs, selection);
  const groupIds = new Int32Array(mask.length).fill(-1);
  for (let j = 0; j < selection.count; j++) {
    const row = selection.rows ? (selection.rows[j] as number) : j;
    groupIds[row] = grouping.gid ? (grouping.gid[j] as number) : 0;
  }
  return { groupIds, groupCount: grouping.groupCount, keys: grouping.keys };
}

/** Bucket index = number of edges <= value (a value on an edge goes up); null -> last code. */
export function bucketIndex(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bucket codes of a column per edge list, kept for the last few edge lists asked. */
const bucketCache = new WeakMap<Column, Map<string, Int32Array>>();
const BUCKET_CACHE_SIZE = 4;

function bucketCodes(column: Column, edges: readonly number[], field: string): KeyCodes {
  if (column.kind === "dictionary" || column.kind === "utf8" || column.kind === "bool") {
    throw new QueryError(`bucket on ${field}: not a numeric column`);
  }
  const nullCode = edges.length + 1;
  let perEdges = bucketCache.get(column);
  if (!perEdges) {
    perEdges = new Map();
    bucketCache.set(column, perEdges);
  }
  const key = edges.join(",");
  let codes = perEdges.get(key);
  if (!codes) {
    codes = new Int32Array(column.values.length);
    const { values, valid } = column;
    for (let i = 0; i < codes.length; i++) codes[i] = valid[i] ? bucketIndex(edges, values[i] as number) : nullCode;
    if (perEdges.size >= BUCKET_CACHE_SIZE) perEdges.delete(perEdges.keys().next().value as string);
    perEdges.set(key, codes);
  }
  return { codes, shift: 0, card: nullCode + 1, value: (code) => (code === nullCode ? null : code) };
}

function valueCodes(column: Column): KeyCodes {
  if (column.kind === "dictionary") {
    const { dictionary } = column;
    // Dictionary codes are read as they are, shifted by one so that null (-1) is code 0.
    return {
      codes: column.codes,
      shift: 1,
      card: dictionary.length + 1,
      value: (code) => (code === 0 ? null : (dictionary[code - 1] ?? null)),
    };
  }
  const { codes, values } = valueCodesOf(column);
  if (column.kind === "date") {
    return {
      codes,
      shift: 0,
      card: values.length,
      value: (code) => (code === 0 ? null : formatIsoDate(values[code] as number)),
    };
  }
  return { codes, shift: 0, card: values.length, value: (code) => values[code] ?? null };
}

/** Period codes of a column per unit (code 0 is null), kept as long as the column. */
const periodCache = new WeakMap<Column, Map<PeriodUnit, KeyCodes>>();

/**
 * The period of each row: each distinct value's day (a date itself, an instant's plant-local day)
 * is mapped to its period's first day once; rows then only look their value's period up.
 */
function periodCodes(column: Column, unit: PeriodUnit, field: string): KeyCodes {
  if (column.kind !== "date" && column.kind !== "timestamp") {
    throw new QueryError(`period on ${field}: not a date or timestamp column`);
  }
  let perUnit = periodCache.get(column);
  if (!perUnit) {
    perUnit = new Map();
    periodCache.set(column, perUnit);
  }
  let keyCodes = perUnit.get(unit);
  if (!keyCodes) {
    keyCodes = buildPeriodCodes(column, unit);
    perUnit.set(unit, keyCodes);
  }
  return keyCodes;
}

function buildPeriodCodes(column: NumericColumn, unit: PeriodUnit): KeyCodes {
  const base = valueCodesOf(column);
  const periodOf = new Int32Array(base.values.length);
  const starts: number[] = [0];
  const codeOf = new Map<number, number>();
  for (let k = 1; k < base.values.length; k++) {
    const value = base.values[k] as number;
    const start = periodStart(column.kind === "date" ? value : plantDay(value), unit);
    let code = codeOf.get(start);
    if (code === undefined) {
      code = starts.push(start) - 1;
      codeOf.set(start, code);
    }
    periodOf[k] = code;
  }
  const codes = new Int32Array(base.codes.length);
  for (let i = 0; i < codes.length; i++) codes[i] = periodOf[base.codes[i] as number] as number;
  const labels = starts.map((start, code) => (code === 0 ? null : formatIsoDate(start)));
  return { codes, shift: 0, card: starts.length, value: (code) => labels[code] ?? null };
}

/** Key combinations up to this many use a flat lookup array instead of a Map. */
const DENSE_LIMIT = 1 << 22;

/** Group ids in order of first appearance, through a flat array indexed by the composite code. */
function assignDense(
  keyCodes: readonly KeyCodes[],
  combinations: number,
  selection: Selection,
  gid: Int32Array,
  counts: Int32Array,
): number[] {
  const slot = new Int32Array(combinations).fill(-1);
  const firstRows: number[] = [];
  const k0 = keyCodes[0] as KeyCodes;
  const k1 = keyCodes[1];
  const k2 = keyCodes[2];
  // Two keys is the common case (and three is rare): each gets a loop without unused terms.
  if (k2 && k1) {
    const base = k2.shift * k0.card * k1.card + k1.shift * k0.card + k0.shift;
    denseLoop3(k0.codes, k1.codes, k2.codes, k0.card, k0.card * k1.card, base, selection, slot, gid, counts, firstRows);
  } else if (k1) {
    denseLoop2(k0.codes, k1.codes, k0.card, k1.shift * k0.card + k0.shift, selection, slot, gid, counts, firstRows);
  } else {
    denseLoop2(k0.codes, k0.codes, 0, k0.shift, selection, slot, gid, counts, firstRows);
  }
  return firstRows;
}

/** assignDense for one or two keys that also sums a numeric column per group (row order). */
function assignDenseSum(
  keyCodes: readonly KeyCodes[],
  combinations: number,
  selection: Selection,
  gid: Int32Array,
  counts: Int32Array,
  column: NumericColumn,
  sums: Float64Array,
  sumCounts: Float64Array,
  totals: Float64Array,
): number[] {
  const slot = new Int32Array(combinations).fill(-1);
  const firstRows: number[] = [];
  const k0 = keyCodes[0] as KeyCodes;
  const k1 = keyCodes[1];
  const c1 = k1 ? k1.codes : k0.codes;
  const m1 = k1 ? k0.card : 0;
  const base = (k1 ? k1.shift * k0.card : 0) + k0.shift;
  const { rows, count } = selection;
  denseLoop2Sum(k0.codes, c1, m1, base, rows, count, slot, gid, counts, firstRows, column, sums, sumCounts, totals);
  return firstRows;
}

function denseLoop2Sum(
  c0: Int32Array,
  c1: Int32Array,
  m1: number,
  base: number,
  rows: Int32Array | null,
  count: number,
  slot: Int32Array,
  gid: Int32Array,
  counts: Int32Array,
  firstRows: number[],
  column: NumericColumn,
  sums: Float64Array,
  sumCounts: Float64Array,
  totals: Float64Array,
): void {
  const values = column.values;
  const valid = column.valid;
  let total = 0;
  let totalCount = 0;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    const composite = base + (c0[i] as number) + m1 * (c1[i] as number);
    let group = slot[composite] as number;
    if (group < 0) {
      group = firstRows.push(i) - 1;
      slot[composite] = group;
    }
    gid[j] = group;
    counts[group] = (counts[group] as number) + 1;
    if (valid[i]) {
      const v = values[i] as number;
      sums[group] = (sums[group] as number) + v;
      sumCounts[group] = (sumCounts[group] as number) + 1;
      total += v;
      totalCount++;
    }
  }
  totals[0] = total;
  totals[1] = totalCount;
}

function denseLoop2(
  c0: Int32Array,
  c1: Int32Array,
  m1: number,
  base: number,
  selection: Selection,
  slot: Int32Array,
  gid: Int32Array,
  counts: Int32Array,
  firstRows: number[],
): void {
  const { rows, count } = selection;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    const composite = base + (c0[i] as number) + m1 * (c1[i] as number);
    let group = slot[composite] as number;
    if (group < 0) {
      group = firstRows.push(i) - 1;
      slot[composite] = group;
    }
    gid[j] = group;
    counts[group] = (counts[group] as number) + 1;
  }
}

function denseLoop3(
  c0: Int32Array,
  c1: Int32Array,
  c2: Int32Array,
  m1: number,
  m2: number,
  base: number,
  selection: Selection,
  slot: Int32Array,
  gid: Int32Array,
  counts: Int32Array,
  firstRows: number[],
): void {
  const { rows, count } = selection;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    const composite = base + (c0[i] as number) + m1 * (c1[i] as number) + m2 * (c2[i] as number);
    let group = slot[composite] as number;
    if (group < 0) {
      group = firstRows.push(i) - 1;
      slot[composite] = group;
    }
    gid[j] = group;
    counts[group] = (counts[group] as number) + 1;
  }
}

/** Beyond the dense limit: a Map keyed by the exact composite number, or by joined codes past 2^53. */
function assignSparse(keyCodes: readonly KeyCodes[], selection: Selection, gid: Int32Array, exact: boolean): number[] {
  const groupOf = new Map<number | string, number>();
  const firstRows: number[] = [];
  const { rows, count } = selection;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    let composite: number | string = 0;
    if (exact) {
      for (let k = keyCodes.length - 1; k >= 0; k--) {
        const key = keyCodes[k] as KeyCodes;
        composite = composite * key.card + (key.codes[i] as number) + key.shift;
      }
    } else {
      composite = keyCodes.map((key) => (key.codes[i] as number) + key.shift).join();
    }
    let group = groupOf.get(composite);
    if (group === undefined) {
      group = firstRows.push(i) - 1;
      groupOf.set(composite, group);
    }
    gid[j] = group;
  }
  return firstRows;
}
