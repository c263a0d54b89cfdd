/** Filters -> a row mask (Uint8Array, 1 = row kept), with the contract's null semantics. */
import { parseIsoDate } from "./calendar";
import { QueryError } from "./core-error";
import type { Filter } from "./query";
import { type MatchMode, matchingRows } from "./string-index";
import { type Column, type DictionaryColumn, isStringColumn, requireColumn, type Table } from "./table";

/** A filter as a test on non-null values plus the fixed answer for nulls. */
export interface Predicate {
  test(value: string | number): boolean;
  nullMatch: boolean;
  /** The test takes lower-cased strings (contains, prefix). */
  lowerCase?: boolean;
  /** eq on a numeric column: the value itself, so the loop needs no call per row. */
  equals?: number;
  /** eq / in: usually keeps few rows, so a row index of the column is worth using. */
  selective?: boolean;
  /** contains / prefix: the lower-cased text, for the column's string index. */
  search?: { needle: string; mode: MatchMode };
}

// Lower-cased copies of dictionaries, made once per dictionary for contains/prefix (utf8 columns
// go through their string index, string-index.ts).
const lowerCaseCache = new WeakMap<readonly (string | null)[], readonly (string | null)[]>();

/** Lower-cased values of a dictionary (or any string list), computed once per list. */
function lowerCased(values: readonly (string | null)[]): readonly (string | null)[] {
  let lower = lowerCaseCache.get(values);
  if (!lower) {
    lower = values.map((v) => (v === null ? null : v.toLowerCase()));
    lowerCaseCache.set(values, lower);
  }
  return lower;
}

/** Rows passing every filter (AND), optionally within a base mask. */
export function filterMask(table: Table, filters: readonly Filter[], base?: Uint8Array | null): Uint8Array {
  if (base && base.length !== table.numRows) throw new RangeError("base mask length differs from the table");
  const columns = filters.map((f) => requireColumn(table, f.field));
  const predicates = filters.map((f, i) => predicateFor(f, columns[i] as Column));
  const out = base ? base.slice() : new Uint8Array(table.numRows).fill(1);
  predicates.forEach((p, i) => {
    applyPredicate(columns[i] as Column, p, out);
  });
  return out;
}

/** AND one predicate into `out` in place. */
export function applyPredicate(column: Column, predicate: Predicate, out: Uint8Array): void {
  const { test, nullMatch } = predicate;
  if (column.kind === "dictionary") {
    // lookup[code + 1]: slot 0 answers for null, so the loop has no branch on null.
    const match = codeMatches(column, predicate);
    const lookup = new Uint8Array(match.length + 1);
    lookup[0] = nullMatch ? 1 : 0;
    lookup.set(match, 1);
    const { codes } = column;
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) & (lookup[(codes[i] as number) + 1] as number);
  } else if (column.kind === "utf8" && predicate.search) {
    // contains / prefix on identifiers: the column's string index (trigram signatures) finds the rows.
    const hit = matchingRows(column, predicate.search.needle, predicate.search.mode);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) & (hit[i] as number);
  } else if (column.kind === "utf8") {
    const values = column.values;
    for (let i = 0; i < out.length; i++) {
      if (out[i]) {
        const value = values[i];
        out[i] = (value === null || value === undefined ? nullMatch : test(value)) ? 1 : 0;
      }
    }
  } else if (predicate.equals !== undefined) {
    const { values, valid } = column;
    const target = predicate.equals;
    const onNull = nullMatch ? 1 : 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i]) out[i] = valid[i] ? (values[i] === target ? 1 : 0) : onNull;
    }
  } else {
    const { values, valid } = column;
    for (let i = 0; i < out.length; i++) {
      if (out[i]) out[i] = (valid[i] ? test(values[i] ?? 0) : nullMatch) ? 1 : 0;
    }
  }
}

/** Per dictionary code, 1 when the code's value passes the predicate (nulls not included). */
export function codeMatches(column: DictionaryColumn, predicate: Predicate): Uint8Array {
  const entries = predicate.lowerCase ? lowerCased(column.dictionary) : column.dictionary;
  const match = new Uint8Array(entries.length);
  for (let k = 0; k < entries.length; k++) match[k] = predicate.test(entries[k] ?? "") ? 1 : 0;
  return match;
}

/** The predicate as a test of one row (for the few candidate rows of an indexed selection). */
export function rowTest(column: Column, predicate: Predicate): (row: number) => boolean {
  const { test, nullMatch } = predicate;
  if (column.kind === "dictionary") {
    const match = codeMatches(column, predicate);
    const { codes } = column;
    return (row) => {
      const code = codes[row] as number;
      return code < 0 ? nullMatch : match[code] === 1;
    };
  }
  if (column.kind === "utf8" && predicate.search) {
    const hit = matchingRows(column, predicate.search.needle, predicate.search.mode);
    return (row) => hit[row] === 1;
  }
  if (column.kind === "utf8") {
    const values = column.values;
    return (row) => {
      const value = values[row];
      return value === null || value === undefined ? nullMatch : test(value);
    };
  }
  const { values, valid } = column;
  return (row) => (valid[row] ? test(values[row] as number) : nullMatch);
}

/** Build the predicate of one filter for a column, rejecting ops the column's type cannot take. */
export function predicateFor(filter: Filter, column: Column): Predicate {
  const isString = isStringColumn(column);
  const operand = (v: unknown): string | number | undefined => operandFor(v, column, filter.field);
  switch (filter.op) {
    case "eq":
    case "ne": {
      const target = operand(filter.value);
      const eq = (v: string | number) => v === target;
      if (filter.op === "ne") return { test: (v) => !eq(v), nullMatch: true };
      return typeof target === "number"
        ? { test: eq, nullMatch: false, equals: target, selective: true }
        : { test: eq, nullMatch: false, selective: true };
    }
    case "in":
    case "not_in": {
      const set = new Set(filter.values.filter((v) => v !== null).map(operand));
      const hasNull = filter.values.includes(null);
      const test = (v: string | number) => set.has(v);
      return filter.op === "in"
        ? { test, nullMatch: hasNull, selective: true }
        : { test: (v) => !test(v), nullMatch: !hasNull };
    }
    case "contains":
    case "prefix": {
      if (!isString) throw new QueryError(`${filter.op} on ${filter.field}: not a string column`);
      const needle = filter.value.toLowerCase();
      const test =
        filter.op === "contains"
          ? (v: string | number) => String(v).includes(needle)
          : (v: string | number) => String(v).startsWith(needle);
      return { test, nullMatch: false, lowerCase: true, search: { needle, mode: filter.op } };
    }
    case "between": {
      if (isString || column.kind === "bool") throw new QueryError(`between on ${filter.field}: not a numeric column`);
      const min = filter.min === undefined ? Number.NEGATIVE_INFINITY : (operand(filter.min) as number);
      const max = filter.max === undefined ? Number.POSITIVE_INFINITY : (operand(filter.max) as number);
      return { test: (v) => (v as number) >= min && (v as number) < max, nullMatch: false };
    }
    case "is_null":
      return { test: () => false, nullMatch: true, selective: true };
    case "not_null":
      return { test: () => true, nullMatch: false };
  }
}

/** A filter operand in the column's value space (bools 0/1, dates epoch days), or a QueryError on a mismatch. */
function operandFor(value: unknown, column: Column, field: string): string | number | undefined {
  if (column.kind === "date") {
    const days = parseIsoDate(value);
    if (days !== null) return days;
  } else if (isStringColumn(column) && typeof value === "string") return value;
  if (column.kind === "bool" && typeof value === "boolean") return value ? 1 : 0;
  if (!isStringColumn(column) && column.kind !== "bool" && column.kind !== "date" && typeof value === "number")
    return value;
  throw new QueryError(`${field}: value ${JSON.stringify(value)} does not match the ${column.kind} column`);
}
