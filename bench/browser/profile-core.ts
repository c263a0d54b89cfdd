/**
 * Where the time goes in our kernels: evaluate()'s steps replayed one by one through the core's own
 * exported functions (validateQuery, selectRows, groupSelection, aggregateSelection, sortRows), with
 * performance.now() between them, plus the decoder split into flechette's parse and the conversion.
 * The replay mirrors core/evaluate.ts's _evaluate; replayMatches() checks it returns the same result.
 */
import { tableFromIPC } from "@uwdata/flechette";
import { aggregateSelection, type WhereCache } from "../../frontend/src/core/aggregate";
import type { Crossfilter } from "../../frontend/src/core/crossfilter";
import { decodeTable } from "../../frontend/src/core/decode-table";
import { evaluate, fusableSum } from "../../frontend/src/core/evaluate";
import { groupSelection } from "../../frontend/src/core/group-by";
import type { Filter, Query, QueryResult, ResultRow } from "../../frontend/src/core/query";
import { type Selection, selectRows } from "../../frontend/src/core/selection";
import { sortRows } from "../../frontend/src/core/sort-rows";
import type { Table } from "../../frontend/src/core/table";
import { validateQuery } from "../../frontend/src/core/validate-query";
import { collectGarbage, median, round } from "./measure";

export type Phases = Record<string, number>;

function stopwatch(into: Phases) {
  let last = performance.now();
  return (phase: string) => {
    const t = performance.now();
    into[phase] = (into[phase] ?? 0) + (t - last);
    last = t;
  };
}

/** evaluate(table, query, {selection}) step by step, adding each step's time to `into`. */
export function evaluateInPhases(table: Table, query: Query, base: Selection | null, into: Phases): QueryResult {
  const lap = stopwatch(into);
  const valid = validateQuery(query);
  lap("validate");
  const selection = selectRows(table, valid.filters, base);
  lap("select rows");
  const grouping = groupSelection(table, valid.groupBy, selection, { sum: fusableSum(table, valid) });
  lap("group ids (+ the first plain sum)");
  const cache: WhereCache = new Map();
  const results = valid.metrics.map((m) => aggregateSelection(table, selection, grouping, m, cache));
  lap("aggregate");
  const rows: ResultRow[] = [];
  for (let g = 0; g < grouping.groupCount; g++) {
    const row: ResultRow = {};
    valid.groupBy.forEach((spec, k) => {
      row[spec.name] = grouping.keys[k]?.[g] ?? null;
    });
    valid.metrics.forEach((m, k) => {
      row[m.id] = results[k]?.values[g] ?? null;
    });
    rows.push(row);
  }
  const total: Record<string, number | null> = {};
  valid.metrics.forEach((m, k) => {
    total[m.id] = results[k]?.total ?? null;
  });
  lap("result rows");
  const ordered = sortRows(rows, { sort: valid.sort, groupKeys: valid.groupBy.map((g) => g.name), limit: valid.limit });
  lap("sort");
  return { rows: ordered, total };
}

/** Median per phase over the runs (phases summed over the queries of one run). */
export function medianPhases(runs: readonly Phases[]): Phases {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(names.map((n) => [n, round(median(runs.map((r) => r[n] ?? 0)))]));
}

/** Does the replay still compute what evaluate() does (the mirror has not drifted from core)? */
export function replayMatches(table: Table, queries: Record<string, Query>): boolean {
  return Object.values(queries).every(
    (q) => JSON.stringify(evaluateInPhases(table, q, null, {})) === JSON.stringify(evaluate(table, q)),
  );
}

export function profileQueries(table: Table, queries: Record<string, Query>, runs: number): Phases {
  const all: Phases[] = [];
  collectGarbage();
  for (let i = 0; i < runs; i++) {
    const phases: Phases = {};
    for (const query of Object.values(queries)) evaluateInPhases(table, query, null, phases);
    all.push(phases);
  }
  return medianPhases(all);
}

/**
 * One cross-filter update: setFilters, the four "all but own" views, then the four evaluations
 * (all four recomputed here; the benchmark's update reuses the changed widget's own result).
 */
export function profileUpdate(
  table: Table,
  crossfilter: Crossfilter,
  widget: string,
  selections: Filter[][],
  queries: Record<string, Query>,
  runs: number,
): Phases {
  const all: Phases[] = [];
  collectGarbage();
  for (let i = 0; i < runs; i++) {
    const phases: Phases = {};
    const lap = stopwatch(phases);
    crossfilter.setFilters(widget, selections[i % selections.length] ?? []);
    lap("setFilters");
    const views = Object.keys(queries).map((name) => crossfilter.selectionExcept(name));
    lap("views x4 (selectionExcept)");
    Object.values(queries).forEach((query, k) => {
      evaluateInPhases(table, query, views[k] ?? null, phases);
    });
    all.push(phases);
  }
  return medianPhases(all);
}

/** flechette's eager tableFromIPC, our lazy decodeTable, then the lazy conversions of every column. */
export function profileDecode(bytes: Uint8Array, runs: number): Phases {
  const all: Phases[] = [];
  collectGarbage();
  for (let i = 0; i < runs; i++) {
    const phases: Phases = {};
    let t = performance.now();
    tableFromIPC(bytes);
    phases["flechette tableFromIPC"] = performance.now() - t;
    collectGarbage();
    t = performance.now();
    const table = decodeTable(bytes);
    phases["decodeTable total"] = performance.now() - t;
    t = performance.now();
    for (const column of table.columns.values()) {
      if (column.kind === "dictionary") void (column.codes.length + column.dictionary.length);
      else if (column.kind !== "utf8") void (column.values.length + column.valid.length);
    }
    phases["dictionary and numeric columns to arrays (lazy in decodeTable: paid on first use)"] = performance.now() - t;
    t = performance.now();
    for (const column of table.columns.values()) {
      if (column.kind === "utf8") void column.values.length;
    }
    phases["utf8 columns to strings (lazy in decodeTable: paid on first use)"] = performance.now() - t;
    all.push(phases);
  }
  return medianPhases(all);
}
