/** Orderings of the contract: strings by Unicode code point, numbers numerically, false < true, nulls last. */
import type { Scalar } from "./table";

/**
 * Compare two strings by Unicode code point. JavaScript's `<` compares UTF-16 code units, which puts
 * astral characters (surrogate pairs, 0xD800-0xDFFF) before U+E000..U+FFFF; the fix-up below moves
 * surrogates above that range at the first differing unit.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const TYPE_RANK = { boolean: 0, number: 1, string: 2 } as const;

/** Ascending order of two non-null values of one column (mixed types rank boolean < number < string). */
export function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  return TYPE_RANK[typeof a as keyof typeof TYPE_RANK] - TYPE_RANK[typeof b as keyof typeof TYPE_RANK];
}

/** Compare with nulls last whatever the direction; `desc` reverses only the non-null order. */
export function compareNullsLast(a: Scalar | undefined, b: Scalar | undefined, desc = false): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  const order = compareValues(a, b);
  return desc ? -order : order;
}
