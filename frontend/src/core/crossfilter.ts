/**
 * Crossfilter: named filter groups (one per widget); each widget sees the rows passing every
 * other widget's filters ("all but own"), so its own selection does not empty itself.
 *
 * A widget's view is the selection of the other widgets' filters (core/selection.ts), made when
 * first asked and shared by every view with the same filters. Changing one widget's filters
 * changes the views of the others only: the changed widget keeps its view object, and
 * `evaluate` returns its previous result for the same query without recomputing it.
 */
import { evaluate as evaluateQuery } from "./evaluate";
import { predicateFor } from "./filter-mask";
import type { Dataset, Filter, QueryResult } from "./query";
import { type Selection, selectionMask, selectRows } from "./selection";
import { requireColumn, type Table } from "./table";
import { validateFilters } from "./validate-query";

export interface Crossfilter {
  /** Replace one widget's filters (an empty list clears them). */
  setFilters(widget: string, filters: readonly Filter[]): void;
  filters(widget: string): readonly Filter[];
  widgets(): string[];
  /** Rows passing every widget's filters except `widget`'s own (all widgets for an unknown name). */
  selectionExcept(widget: string): Selection;
  /** Rows passing every widget's filters. */
  selectionAll(): Selection;
  /** selectionExcept as a row mask (do not modify it). */
  maskExcept(widget: string): Uint8Array;
  /** selectionAll as a row mask (do not modify it). */
  maskAll(): Uint8Array;
  /** The query over `widget`'s view; unchanged view and query give the previous result object. */
  evaluate(widget: string, query: unknown): QueryResult;
}

interface Memo {
  view: Selection;
  key: string;
  result: QueryResult;
}

export function createCrossfilter(table: Table, dataset: Dataset): Crossfilter {
  const widgets = new Map<string, readonly Filter[]>();
  const views = new Map<string, Selection>();
  const memos = new Map<string, Memo[]>();
  let all: Selection | null = null;

  const setFilters = (widget: string, input: readonly Filter[]): void => {
    const filters = validateFilters(dataset, input, `crossfilter.${widget}`);
    // Type errors (e.g. contains on a number) surface now, not at the next evaluation.
    for (const f of filters) predicateFor(f, requireColumn(table, f.field));
    const before = JSON.stringify(widgets.get(widget) ?? []);
    if (JSON.stringify(filters) === before) return;
    if (filters.length) widgets.set(widget, filters);
    else widgets.delete(widget);
    for (const name of [...views.keys()]) if (name !== widget) views.delete(name);
    all = null;
  };

  const selectionExcept = (widget: string): Selection => {
    let view = views.get(widget);
    if (!view) {
      const others = [...widgets].flatMap(([name, filters]) => (name === widget ? [] : filters));
      view = selectRows(table, others);
      views.set(widget, view);
    }
    return view;
  };

  const selectionAll = (): Selection => {
    all ??= selectRows(table, [...widgets.values()].flat());
    return all;
  };

  const evaluate = (widget: string, query: unknown): QueryResult => {
    const view = selectionExcept(widget);
    const key = JSON.stringify(query);
    const kept = (memos.get(widget) ?? []).filter((m) => m.view === view);
    const hit = kept.find((m) => m.key === key);
    if (hit) return hit.result;
    const result = evaluateQuery(table, query, { selection: view });
    kept.push({ view, key, result });
    memos.set(widget, kept.slice(-MEMO_SIZE));
    return result;
  };

  return {
    setFilters,
    filters: (widget) => widgets.get(widget) ?? [],
    widgets: () => [...widgets.keys()],
    selectionExcept,
    selectionAll,
    maskExcept: (widget) => selectionMask(selectionExcept(widget), table.numRows),
    maskAll: () => selectionMask(selectionAll(), table.numRows),
    evaluate,
  };
}

/** Results kept per widget for its current view (a widget runs a few queries). */
const MEMO_SIZE = 8;
