/**
 * DuckDB-WASM (single-threaded "eh" build, its wasm and worker served from our own static files):
 * the bytes go in with insertArrowFromIPCStream, each contract query becomes one SQL GROUP BY.
 */
import * as duckdb from "@duckdb/duckdb-wasm";
import workerUrl from "@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url";
import wasmUrl from "@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url";
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

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

function literal(value: unknown): string {
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new Error(`duckdb bench: literal ${JSON.stringify(value)} not translated`);
}

function condition(f: Filter): string {
  const col = ident(f.field);
  switch (f.op) {
    case "eq":
      return `${col} = ${literal(f.value)}`;
    case "in": {
      const present = f.values.filter((v) => v !== null);
      const inList = present.length ? `${col} IN (${present.map(literal).join(", ")})` : "FALSE";
      return f.values.includes(null) ? `(${inList} OR ${col} IS NULL)` : inList;
    }
    case "contains":
      return `contains(lower(${col}), ${literal(f.value.toLowerCase())})`;
    default:
      throw new Error(`duckdb bench: filter op ${f.op} not translated`);
  }
}

const where = (filters: readonly Filter[]) => (filters.length ? ` WHERE ${filters.map(condition).join(" AND ")}` : "");

function metricSql(id: string): string {
  const spec = metricSpec(id);
  if (!spec || spec.where?.length) throw new Error(`duckdb bench: metric ${id} not translated`);
  if (spec.agg === "count" && !spec.field) return `count(*)::DOUBLE AS ${ident(id)}`;
  if (spec.agg === "sum" && spec.field) return `sum(${ident(spec.field)})::DOUBLE AS ${ident(id)}`;
  throw new Error(`duckdb bench: metric ${id} not translated`);
}

export function querySql(query: Query, extra: readonly Filter[]): string {
  const keys = (query.groupBy ?? []).map((g) => {
    if (typeof g !== "string") throw new Error("duckdb bench: bucket keys not translated");
    return ident(g);
  });
  const select = [...keys, ...(query.metrics ?? []).map(metricSql)].join(", ");
  const order = [
    ...(query.sort ?? []).map((s) => `${ident(s.by)} ${s.desc ? "DESC" : "ASC"} NULLS LAST`),
    ...keys.map((k) => `${k} ASC NULLS LAST`),
  ];
  const groupBy = keys.length ? ` GROUP BY ${keys.join(", ")}` : "";
  const orderBy = order.length ? ` ORDER BY ${order.join(", ")}` : "";
  return `SELECT ${select} FROM wip${where([...extra, ...(query.filters ?? [])])}${groupBy}${orderBy}`;
}

export function createDuckdbEngine(): Engine {
  let db: duckdb.AsyncDuckDB | null = null;
  let conn: duckdb.AsyncDuckDBConnection | null = null;
  let worker: Worker | null = null;
  const widgets: Record<string, Filter[]> = { ...BASE_WIDGETS };
  const connection = () => {
    if (!conn) throw new Error("duckdb: init() first");
    return conn;
  };
  const rowsOf = async (sql: string): Promise<Rows> => {
    const result = await connection().query(sql);
    return result.toArray().map((r) => r.toJSON() as Rows[number]);
  };
  const runAll = async (queries: Record<string, Query>, extra: (name: string) => Filter[]) => {
    const out: Record<string, Rows> = {};
    for (const [name, query] of Object.entries(queries)) out[name] = await rowsOf(querySql(query, extra(name)));
    return out;
  };
  return {
    name: "duckdb",
    async init() {
      worker = new Worker(workerUrl);
      db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
      await db.instantiate(wasmUrl);
      await db.open({});
      conn = await db.connect();
      await conn.query("SET autoinstall_known_extensions = false");
      await conn.query("SET autoload_known_extensions = false");
    },
    async load(bytes) {
      const c = connection();
      await c.query("DROP TABLE IF EXISTS wip");
      await c.insertArrowFromIPCStream(bytes, { name: "wip", create: true });
    },
    run: (queries) => runAll(queries, () => []),
    update(widget, filters) {
      widgets[widget] = filters;
      return runAll(WIDGET_QUERIES, (name) => filtersExcept(widgets, name));
    },
    async suggest({ field, text }: SuggestCase) {
      const filters: Filter[] = [...filtersExcept(widgets, fieldWidget(field)), { field, op: "contains", value: text }];
      const col = ident(field);
      const sql =
        `SELECT ${col} AS value, count(*)::DOUBLE AS count FROM wip${where(filters)}` +
        ` GROUP BY ${col} ORDER BY count DESC, value ASC LIMIT ${SUGGEST_LIMIT}`;
      return (await rowsOf(sql)).map((r) => ({ value: String(r.value), count: Number(r.count) }));
    },
    async dispose() {
      await conn?.close();
      await db?.terminate();
      worker?.terminate();
      conn = null;
      db = null;
    },
  };
}
