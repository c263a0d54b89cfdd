/**
 * Crossfilter: named filter groups (one per widget); each widget sees the rows passing every
 * other widget's filters ("all but own"), so its own selection does not empty itself.
 *
 * Kept incrementally: failCount[i] = number of widgets whose filters reject row i. Changing one
 * widget's filters updates the counts in one pass; a widget's mask is then
 * failCount == 0, or failCount == 1 and the rejecting widget is itself.
 */
import { filterMask } from "./filter-mask";
import type { Dataset, Filter } from "./query";
import type { Table } from "./table";
import { validateFilters } from "./validate-query";

export interface Crossfilter {
  /** Replace one widget's filters (an empty list clears them). */
  setFilters(widget: string, filters: readonly Filter[]): void;
  filters(widget: string): readonly Filter[];
  widgets(): string[];
  /** Rows passing every widget's filters except `widget`'s own (all widgets for an unknown name). */
  maskExcept(widget: string): Uint8Array;
  /** Rows passing every widget's filters. */
  maskAll(): Uint8Array;
}

interface WidgetState {
  filters: readonly Filter[];
  mask: Uint8Array | null;
}

export function createCrossfilter(table: Table, dataset: Dataset): Crossfilter {
  const n = table.numRows;
  const widgets = new Map<string, WidgetState>();
  const failCount = new Uint16Array(n);
  const cache = new Map<string, Uint8Array>();

  const setFilters = (widget: string, input: readonly Filter[]): void => {
    const filters = validateFilters(dataset, input, `crossfilter.${widget}`);
    const mask = filters.length ? filterMask(table, filters) : null;
    const old = widgets.get(widget)?.mask ?? null;
    updateCounts(failCount, old, mask);
    if (filters.length) widgets.set(widget, { filters, mask });
    else widgets.delete(widget);
    cache.clear();
  };

  const maskExcept = (widget: string): Uint8Array => {
    let mask = cache.get(widget);
    if (!mask) {
      mask = exceptMask(failCount, widgets.get(widget)?.mask ?? null);
      cache.set(widget, mask);
    }
    return mask;
  };

  return {
    setFilters,
    filters: (widget) => widgets.get(widget)?.filters ?? [],
    widgets: () => [...widgets.keys()],
    maskExcept,
    maskAll: () => exceptMask(failCount, null),
  };
}

function updateCounts(failCount: Uint16Array, old: Uint8Array | null, next: Uint8Array | null): void {
  for (let i = 0; i < failCount.length; i++) {
    const delta = (next && !next[i] ? 1 : 0) - (old && !old[i] ? 1 : 0);
    if (delta) failCount[i] = (failCount[i] ?? 0) + delta;
  }
}

function exceptMask(failCount: Uint16Array, own: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(failCount.length);
  for (let i = 0; i < out.length; i++) {
    const fails = failCount[i] ?? 0;
    out[i] = fails === 0 || (fails === 1 && own !== null && !own[i]) ? 1 : 0;
  }
  return out;
}
