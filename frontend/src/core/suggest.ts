/** Autocomplete: distinct values of a string column matching a text, ranked by row count. */
import { compareCodePoints } from "./compare-values";
import { QueryError } from "./core-error";
import { lowerCased } from "./filter-mask";
import { requireColumn, type Table } from "./table";

export interface SuggestRequest {
  field: string;
  /** Matched case-insensitively (toLowerCase on both sides); empty matches every value. */
  text: string;
  mode?: "prefix" | "contains";
  limit?: number;
}

export interface Suggestion {
  value: string;
  count: number;
}

/** Distinct non-null values matching `text` among the masked rows: count desc, then code point. */
export function suggest(table: Table, request: SuggestRequest, mask?: Uint8Array | null): Suggestion[] {
  const { field, text, mode = "prefix", limit = 10 } = request;
  if (typeof text !== "string") throw new QueryError("suggest.text: must be a string");
  if (mode !== "prefix" && mode !== "contains") throw new QueryError("suggest.mode: must be prefix or contains");
  if (!Number.isInteger(limit) || limit < 0) throw new QueryError("suggest.limit: must be an integer >= 0");
  if (mask && mask.length !== table.numRows) throw new RangeError("mask length differs from the table");
  const column = requireColumn(table, field);
  if (column.kind !== "dictionary" && column.kind !== "utf8")
    throw new QueryError(`suggest.field: ${field} is not a string column`);
  const needle = text.toLowerCase();
  const counts =
    column.kind === "dictionary"
      ? countDictionary(column.codes, column.dictionary, (lower) => matchesText(lower, needle, mode), mask)
      : countStrings(lowerCased(column.values), column.values, needle, mode, mask);
  return _suggest(counts, limit);
}

function matchesText(lower: string, needle: string, mode: "prefix" | "contains"): boolean {
  return mode === "prefix" ? lower.startsWith(needle) : lower.includes(needle);
}

/** Dictionary columns: match each distinct value once, then count matching codes per row. */
function countDictionary(
  codes: Int32Array,
  dictionary: readonly string[],
  matches: (lower: string) => boolean,
  mask?: Uint8Array | null,
): Map<string, number> {
  const lower = lowerCased(dictionary);
  const hit = new Uint8Array(dictionary.length);
  for (let k = 0; k < hit.length; k++) hit[k] = matches(lower[k] ?? "") ? 1 : 0;
  const perCode = new Float64Array(dictionary.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? -1;
    if (code >= 0 && hit[code] && (!mask || mask[i])) perCode[code] = (perCode[code] ?? 0) + 1;
  }
  const counts = new Map<string, number>();
  perCode.forEach((count, code) => {
    if (count > 0) counts.set(dictionary[code] ?? "", count);
  });
  return counts;
}

/** Plain string columns: test the (cached) lower-cased values, count only the matching rows. */
function countStrings(
  lower: readonly (string | null)[],
  values: readonly (string | null)[],
  needle: string,
  mode: "prefix" | "contains",
  mask?: Uint8Array | null,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < lower.length; i++) {
    const l = lower[i];
    if (l == null || (mask && !mask[i]) || !matchesText(l, needle, mode)) continue;
    const value = values[i] ?? "";
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

function _suggest(counts: Map<string, number>, limit: number) {
  const matches: Suggestion[] = [];
  for (const [value, count] of counts) matches.push({ value, count });
  matches.sort((a, b) => b.count - a.count || compareCodePoints(a.value, b.value));
  return matches.slice(0, limit);
}
