/** Our kernels (frontend/src/core): decodeTable, evaluate, createCrossfilter, suggest. */
import { type Crossfilter, createCrossfilter } from "../../frontend/src/core/crossfilter";
import { decodeTable } from "../../frontend/src/core/decode-table";
import { evaluate } from "../../frontend/src/core/evaluate";
import type { Filter, Query } from "../../frontend/src/core/query";
import { suggest } from "../../frontend/src/core/suggest";
import type { Table } from "../../frontend/src/core/table";
import type { Engine } from "./engine";
import { BASE_WIDGETS, fieldWidget, type Rows, SUGGEST_LIMIT, type SuggestCase, WIDGET_QUERIES } from "./workload";

export function createCoreEngine(): Engine & { table(): Table } {
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
  const evaluateAll = (queries: Record<string, Query>, mask: (name: string) => Uint8Array | null) => {
    const { table } = loaded();
    const out: Record<string, Rows> = {};
    for (const [name, query] of Object.entries(queries)) out[name] = evaluate(table, query, { mask: mask(name) }).rows;
    return out;
  };
  return {
    name: "core",
    init: async () => {},
    load(bytes) {
      table = decodeTable(bytes);
      crossfilter = null;
    },
    run: (queries) => evaluateAll(queries, () => null),
    update(widget: string, filters: Filter[]) {
      const cf = loaded().crossfilter;
      cf.setFilters(widget, filters);
      return evaluateAll(WIDGET_QUERIES, (name) => cf.maskExcept(name));
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
  };
}
