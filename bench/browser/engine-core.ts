/**
 * Our kernels (frontend/src/core): decodeTable, evaluate, createCrossfilter, suggest. As in the
 * pages' worker, selections (filter results) are cached per table and filter list, and a widget
 * whose crossfilter view did not change gets its previous result back; main.ts also measures the
 * warm queries with the selection cache dropped and the update with all four widgets recomputed.
 */
import { type Crossfilter, createCrossfilter } from "../../frontend/src/core/crossfilter";
import { decodeTable } from "../../frontend/src/core/decode-table";
import { evaluate } from "../../frontend/src/core/evaluate";
import type { Filter, Query } from "../../frontend/src/core/query";
import { forgetSelections, type Selection } from "../../frontend/src/core/selection";
import { suggest } from "../../frontend/src/core/suggest";
import type { Table } from "../../frontend/src/core/table";
import type { Engine } from "./engine";
import { BASE_WIDGETS, fieldWidget, type Rows, SUGGEST_LIMIT, type SuggestCase, WIDGET_QUERIES } from "./workload";

export interface CoreEngine extends Engine {
  /** Decode with `decode` (default: this core's decodeTable; bench/sync passes the previous one). */
  load(bytes: Uint8Array, decode?: (bytes: Uint8Array) => Table): void;
  table(): Table;
  forgetSelections(): void;
  updateRecomputingAll(widget: string, filters: Filter[]): Record<string, Rows>;
}

export function createCoreEngine(): CoreEngine {
  let table: Table | null = null;
  let crossfilter: Crossfilter | null = null;
  // The crossfilter is made on first use, so that load() times decodeTable alone.
  const loaded = () => {
    if (!table) throw new Error("core: load() first");
    if (!crossfilter) {
      crossfilter = createCrossfilter(table, "wip");
      for (const [widget, filters] of Object.entries(BASE_WIDGETS)) crossfilter.setFilters(widget, filters);
    }
    return { table, crossfilter };
  };
  const evaluateAll = (queries: Record<string, Query>, view: (name: string) => Selection | null) => {
    const { table } = loaded();
    const out: Record<string, Rows> = {};
    for (const [name, query] of Object.entries(queries)) {
      out[name] = evaluate(table, query, { selection: view(name) }).rows;
    }
    return out;
  };
  return {
    name: "core",
    init: async () => {},
    load(bytes, decode = decodeTable) {
      table = decode(bytes);
      crossfilter = null;
    },
    run: (queries) => evaluateAll(queries, () => null),
    update(widget: string, filters: Filter[]) {
      const cf = loaded().crossfilter;
      cf.setFilters(widget, filters);
      // As the page's worker does: each widget's query over its crossfilter view (a widget whose
      // view did not change gets its previous result back).
      const out: Record<string, Rows> = {};
      for (const [name, query] of Object.entries(WIDGET_QUERIES)) out[name] = cf.evaluate(name, query).rows;
      return out;
    },
    suggest({ field, text }: SuggestCase) {
      const { table, crossfilter } = loaded();
      const request = { field, text, mode: "contains" as const, limit: SUGGEST_LIMIT };
      return suggest(table, request, crossfilter.maskExcept(fieldWidget(field)));
    },
    dispose: async () => {
      table = null;
      crossfilter = null;
    },
    table: () => loaded().table,
    /** Drop the table's cached selections, so that the next queries filter from scratch. */
    forgetSelections: () => forgetSelections(loaded().table),
    /** update() without reusing the changed widget's own result: all four widgets recomputed. */
    updateRecomputingAll(widget: string, filters: Filter[]) {
      const cf = loaded().crossfilter;
      cf.setFilters(widget, filters);
      return evaluateAll(WIDGET_QUERIES, (name) => cf.selectionExcept(name));
    },
  };
}
