/** arquero 8 on the same bytes: fromArrow, then filter / groupby / rollup / orderby per query. */
import * as aq from "arquero";
import { metricSpec } from "../../frontend/src/core/contracts";
import type { Filter, Query } from "../../frontend/src/core/query";
import type { Engine } from "./engine";
import {
  BASE_WIDGETS,
  fieldWidget,
  filtersExcept,
  type Rows,
  SUGGEST_LIMIT,
  type SuggestCase,
  WIDGET_QUERIES,
} from "./workload";

type ArqueroTable = ReturnType<typeof aq.fromArrow>;

// Expressions are strings, not functions: arquero parses a function's source, which minification renames.
function filterExpression(filters: readonly Filter[]): { expr: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const parts = filters.map((f, i) => {
    const p = `$.p${i}`;
    switch (f.op) {
      case "eq":
        params[`p${i}`] = f.value;
        return `d.${f.field} === ${p}`;
      case "in":
        params[`p${i}`] = f.values;
        return `op.includes(${p}, d.${f.field})`;
      case "contains":
        params[`p${i}`] = f.value.toLowerCase();
        return `op.includes(op.lower(d.${f.field}), ${p})`;
      default:
        throw new Error(`arquero bench: filter op ${f.op} not translated`);
    }
  });
  return { expr: `(d, $) => ${parts.join(" && ")}`, params };
}

function metricExpression(id: string): string {
  const spec = metricSpec(id);
  if (!spec || spec.where?.length) throw new Error(`arquero bench: metric ${id} not translated`);
  if (spec.agg === "count" && !spec.field) return "() => op.count()";
  if (spec.agg === "sum" && spec.field) return `d => op.sum(d.${spec.field})`;
  throw new Error(`arquero bench: metric ${id} not translated`);
}

function applyFilters(table: ArqueroTable, filters: readonly Filter[]): ArqueroTable {
  if (!filters.length) return table;
  const { expr, params } = filterExpression(filters);
  return table.params(params).filter(expr);
}

function runQuery(table: ArqueroTable, query: Query, extra: readonly Filter[]): Rows {
  const groupBy = (query.groupBy ?? []).map((g) => {
    if (typeof g !== "string") throw new Error("arquero bench: bucket keys not translated");
    return g;
  });
  let t = applyFilters(table, [...extra, ...(query.filters ?? [])]);
  if (groupBy.length) t = t.groupby(groupBy);
  const metrics = Object.fromEntries((query.metrics ?? []).map((id) => [id, metricExpression(id)]));
  t = t.rollup(metrics);
  const sort = (query.sort ?? []).map((s) => (s.desc ? aq.desc(s.by) : s.by));
  if (sort.length || groupBy.length) t = t.orderby(...sort, ...groupBy);
  return t.objects() as Rows;
}

export function createArqueroEngine(): Engine {
  let table: ArqueroTable | null = null;
  const widgets: Record<string, Filter[]> = { ...BASE_WIDGETS };
  const loaded = () => {
    if (!table) throw new Error("arquero: load() first");
    return table;
  };
  const runAll = (queries: Record<string, Query>, extra: (name: string) => Filter[]) => {
    const t = loaded();
    const out: Record<string, Rows> = {};
    for (const [name, query] of Object.entries(queries)) out[name] = runQuery(t, query, extra(name));
    return out;
  };
  return {
    name: "arquero",
    init: async () => {},
    load(bytes) {
      table = aq.fromArrow(bytes);
    },
    run: (queries) => runAll(queries, () => []),
    update(widget, filters) {
      widgets[widget] = filters;
      return runAll(WIDGET_QUERIES, (name) => filtersExcept(widgets, name));
    },
    suggest({ field, text }: SuggestCase) {
      const filters: Filter[] = [...filtersExcept(widgets, fieldWidget(field)), { field, op: "contains", value: text }];
      const rows = applyFilters(loaded(), filters)
        .groupby(field)
        .count({ as: "count" })
        .orderby(aq.desc("count"), field)
        .objects({ limit: SUGGEST_LIMIT }) as Rows;
      return rows.map((r) => ({ value: String(r[field]), count: Number(r.count) }));
    },
    dispose: async () => {
      table = null;
    },
  };
}
