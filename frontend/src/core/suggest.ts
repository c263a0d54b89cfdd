/** Autocomplete: distinct values of a string column matching a text, ranked by row count. */
import { compareCodePoints } from "./compare-values";
import { QueryError } from "./core-error";
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
  const counts = new Map<string, number>();
  for (let i = 0; i < table.numRows; i++) {
    if (mask && !mask[i]) continue;
    const value = column.kind === "dictionary" ? column.dictionary[column.codes[i] ?? -1] : column.values[i];
    if (value != null) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return _suggest(counts, text.toLowerCase(), mode, limit);
}

function _suggest(counts: Map<string, number>, needle: string, mode: "prefix" | "contains", limit: number) {
  const matches: Suggestion[] = [];
  for (const [value, count] of counts) {
    const lower = value.toLowerCase();
    if (mode === "prefix" ? lower.startsWith(needle) : lower.includes(needle)) matches.push({ value, count });
  }
  matches.sort((a, b) => b.count - a.count || compareCodePoints(a.value, b.value));
  return matches.slice(0, limit);
}
