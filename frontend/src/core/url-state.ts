/**
 * Filter and page state <-> URL search parameters, with a stable round trip.
 *
 * Each filter is one `f` parameter, `FIELD:op` plus `:JSON operand` (value, values, or
 * [min, max] with null for an open bound), in filter order; other page state (tab, sort, ...) are
 * plain parameters, written in key order. Works on [key, value] entries so that it stays DOM-free:
 * pass a URLSearchParams in, and build one with `new URLSearchParams(encodeUrlState(state))`.
 */
import { CoreError } from "./core-error";
import type { Dataset, Filter } from "./query";
import { checkFilterShape } from "./query-schema";
import { validateFilters } from "./validate-query";

export interface UrlState {
  filters: Filter[];
  /** Other page state; the key `f` is reserved for filters. */
  view: Record<string, string>;
}

export interface DecodedUrlState {
  state: UrlState;
  /** Parameters that were dropped, with the reason. */
  errors: string[];
}

export const FILTER_PARAM = "f";

/** State -> ordered [key, value] entries (URLSearchParams accepts them as they are). */
export function encodeUrlState(state: UrlState): [string, string][] {
  const entries: [string, string][] = state.filters.map((f) => [FILTER_PARAM, encodeFilter(f)]);
  for (const key of Object.keys(state.view).sort()) {
    if (key === FILTER_PARAM) throw new RangeError(`view key "${FILTER_PARAM}" is reserved for filters`);
    entries.push([key, state.view[key] ?? ""]);
  }
  return entries;
}

/** Entries (e.g. a URLSearchParams) -> state; bad filters are dropped and reported in `errors`. */
export function decodeUrlState(params: Iterable<[string, string]>, dataset?: Dataset): DecodedUrlState {
  const state: UrlState = { filters: [], view: {} };
  const errors: string[] = [];
  for (const [key, value] of params) {
    if (key !== FILTER_PARAM) {
      if (!Object.hasOwn(state.view, key)) state.view[key] = value;
      continue;
    }
    try {
      const filter = decodeFilter(value);
      state.filters.push(dataset ? (validateFilters(dataset, [filter], "f")[0] as Filter) : filter);
    } catch (error) {
      errors.push(`${FILTER_PARAM}=${value}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { state, errors };
}

export function encodeFilter(filter: Filter): string {
  const head = `${filter.field}:${filter.op}`;
  switch (filter.op) {
    case "in":
    case "not_in":
      return `${head}:${JSON.stringify(filter.values)}`;
    case "between":
      return `${head}:${JSON.stringify([filter.min ?? null, filter.max ?? null])}`;
    case "is_null":
    case "not_null":
      return head;
    default:
      return `${head}:${JSON.stringify(filter.value)}`;
  }
}

export function decodeFilter(text: string): Filter {
  const first = text.indexOf(":");
  const second = first < 0 ? -1 : text.indexOf(":", first + 1);
  const field = text.slice(0, first);
  const op = second < 0 ? text.slice(first + 1) : text.slice(first + 1, second);
  if (first < 0) throw new CoreError("BAD_REQUEST", "expected FIELD:op[:JSON]");
  const raw: Record<string, unknown> = { field, op };
  if (second >= 0) {
    const operand: unknown = JSON.parse(text.slice(second + 1));
    if (op === "in" || op === "not_in") raw.values = operand;
    else if (op === "between" && Array.isArray(operand) && operand.length === 2) {
      if (operand[0] !== null) raw.min = operand[0];
      if (operand[1] !== null) raw.max = operand[1];
    } else raw.value = operand;
  }
  return checkFilterShape(raw, FILTER_PARAM);
}
