/** Group ids over up to 3 keys (fields or numeric buckets); null is a group of its own. */
import { QueryError } from "./core-error";
import { type Column, requireColumn, type Scalar, type Table } from "./table";
import type { GroupSpec } from "./validate-query";

export interface Grouping {
  /** Group id per row; -1 for rows outside the mask. */
  groupIds: Int32Array;
  groupCount: number;
  /** keys[k][g]: the value of key k for group g. */
  keys: Scalar[][];
}

/** Per-row codes of one key, and the key value of each code. */
interface KeyCodes {
  codes: Int32Array;
  values: Scalar[];
}

/** Group the masked rows. With no keys, every masked row is in group 0 and there is one group. */
export function groupBy(table: Table, specs: readonly GroupSpec[], mask: Uint8Array): Grouping {
  if (mask.length !== table.numRows) throw new RangeError("mask length differs from the table");
  const keyCodes = specs.map((s) => {
    const column = requireColumn(table, s.field);
    return s.edges ? bucketCodes(column, s.edges, mask, s.field) : valueCodes(column, mask);
  });
  return _groupBy(keyCodes, mask);
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

function bucketCodes(column: Column, edges: readonly number[], mask: Uint8Array, field: string): KeyCodes {
  if (column.kind === "dictionary" || column.kind === "utf8" || column.kind === "bool") {
    throw new QueryError(`bucket on ${field}: not a numeric column`);
  }
  const nullCode = edges.length + 1;
  const codes = new Int32Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) codes[i] = column.valid[i] ? bucketIndex(edges, column.values[i] ?? 0) : nullCode;
  }
  const values: Scalar[] = Array.from({ length: nullCode }, (_, k) => k);
  values.push(null);
  return { codes, values };
}

function valueCodes(column: Column, mask: Uint8Array): KeyCodes {
  if (column.kind === "dictionary") {
    const nullCode = column.dictionary.length;
    const codes = new Int32Array(column.codes.length);
    for (let i = 0; i < codes.length; i++) {
      const c = column.codes[i] ?? -1;
      codes[i] = c < 0 ? nullCode : c;
    }
    return { codes, values: [...column.dictionary, null] };
  }
  const codes = new Int32Array(mask.length);
  const index = new Map<Scalar, number>();
  const values: Scalar[] = [];
  const read: (i: number) => Scalar =
    column.kind === "utf8"
      ? (i) => column.values[i] ?? null
      : column.kind === "bool"
        ? (i) => (column.valid[i] ? column.values[i] === 1 : null)
        : (i) => (column.valid[i] ? (column.values[i] ?? null) : null);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const value = read(i);
    let code = index.get(value);
    if (code === undefined) {
      code = values.push(value) - 1;
      index.set(value, code);
    }
    codes[i] = code;
  }
  return { codes, values };
}

function _groupBy(keyCodes: readonly KeyCodes[], mask: Uint8Array): Grouping {
  const n = mask.length;
  const groupIds = new Int32Array(n).fill(-1);
  if (keyCodes.length === 0) {
    for (let i = 0; i < n; i++) if (mask[i]) groupIds[i] = 0;
    return { groupIds, groupCount: 1, keys: [] };
  }
  const cards = keyCodes.map((k) => k.values.length);
  const combinations = cards.reduce((p, c) => p * c, 1);
  const firstRows =
    combinations <= DENSE_LIMIT && keyCodes.length <= 3
      ? assignDense(keyCodes, cards, combinations, mask, groupIds)
      : assignSparse(keyCodes, cards, combinations <= Number.MAX_SAFE_INTEGER, mask, groupIds);
  const keys = keyCodes.map(({ codes, values }) => firstRows.map((row) => values[codes[row] ?? 0] ?? null));
  return { groupIds, groupCount: firstRows.length, keys };
}

/** Key combinations up to this many use a flat lookup array instead of a Map. */
const DENSE_LIMIT = 1 << 22;

/** Group ids in order of first appearance, through a flat array indexed by the composite code. */
function assignDense(
  keyCodes: readonly KeyCodes[],
  cards: readonly number[],
  combinations: number,
  mask: Uint8Array,
  groupIds: Int32Array,
): number[] {
  const slot = new Int32Array(combinations).fill(-1);
  const firstRows: number[] = [];
  const c0 = keyCodes[0]?.codes ?? new Int32Array(0);
  const c1 = keyCodes[1]?.codes;
  const c2 = keyCodes[2]?.codes;
  const card0 = cards[0] ?? 1;
  const card01 = card0 * (cards[1] ?? 1);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let composite = c0[i] ?? 0;
    if (c1) composite += card0 * (c1[i] ?? 0);
    if (c2) composite += card01 * (c2[i] ?? 0);
    let group = slot[composite] ?? -1;
    if (group < 0) {
      group = firstRows.push(i) - 1;
      slot[composite] = group;
    }
    groupIds[i] = group;
  }
  return firstRows;
}

function assignSparse(
  keyCodes: readonly KeyCodes[],
  cards: readonly number[],
  exact: boolean,
  mask: Uint8Array,
  groupIds: Int32Array,
): number[] {
  const groupOf = new Map<number | string, number>();
  const firstRows: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const composite = exact ? compositeCode(keyCodes, cards, i) : keyCodes.map((k) => k.codes[i]).join();
    let group = groupOf.get(composite);
    if (group === undefined) {
      group = firstRows.push(i) - 1;
      groupOf.set(composite, group);
    }
    groupIds[i] = group;
  }
  return firstRows;
}

/** c0 + card0 * (c1 + card1 * c2): one exact number per key combination. */
function compositeCode(keyCodes: readonly KeyCodes[], cards: readonly number[], row: number): number {
  let composite = 0;
  for (let k = keyCodes.length - 1; k >= 0; k--) {
    composite = composite * (cards[k] ?? 1) + (keyCodes[k]?.codes[row] ?? 0);
  }
  return composite;
}
