/**
 * A plain model of the query contract over row objects, written straight from contracts/README.md
 * and sharing no code with the kernels: the model-comparison tests run both and expect equality.
 */
import { type AggregateSpec, type MetricSpec, metricSpec, PLANT_TIME_ZONE } from "../src/core/contracts";
import type { Filter, GroupKey, PeriodKey, Query, QueryResult, ResultRow } from "../src/core/query";
import { cellValue, type Scalar, type Table } from "../src/core/table";

type Row = Record<string, Scalar>;

export function tableRows(table: Table): Row[] {
  return Array.from({ length: table.numRows }, (_, i) => {
    const row: Row = {};
    for (const name of table.columnNames) {
      const column = table.columns.get(name);
      if (column) row[name] = cellValue(column, i);
    }
    return row;
  });
}

function passes(row: Row, f: Filter): boolean {
  const v = row[f.field] ?? null;
  switch (f.op) {
    case "eq":
      return v !== null && v === f.value;
    case "ne":
      return !(v !== null && v === f.value);
    case "in":
      return f.values.some((x) => x === v);
    case "not_in":
      return !f.values.some((x) => x === v);
    case "contains":
      return v !== null && String(v).toLowerCase().indexOf(f.value.toLowerCase()) !== -1;
    case "prefix":
      return v !== null && String(v).toLowerCase().slice(0, f.value.toLowerCase().length) === f.value.toLowerCase();
    case "between":
      // Dates are "YYYY-MM-DD" on both sides, so they compare as text.
      return (
        v !== null &&
        (f.min === undefined || (v as number | string) >= f.min) &&
        (f.max === undefined || (v as number | string) < f.max)
      );
    case "is_null":
      return v === null;
    case "not_null":
      return v !== null;
  }
}

function aggregate(rows: Row[], part: AggregateSpec, where: Filter[]): number | null {
  const kept = rows.filter((r) => [...where, ...(part.where ?? [])].every((f) => passes(r, f)));
  if (part.agg === "count" && !part.field) return kept.length;
  const values = kept.map((r) => r[part.field ?? ""] ?? null).filter((v) => v !== null);
  if (part.agg === "count") return values.length;
  if (part.agg === "count_distinct") return new Set(values).size;
  const numbers = values.map((v) => (typeof v === "boolean" ? Number(v) : (v as number)));
  if (numbers.length === 0) return null;
  if (part.agg === "min") return numbers.reduce((a, b) => Math.min(a, b));
  if (part.agg === "max") return numbers.reduce((a, b) => Math.max(a, b));
  const sum = numbers.reduce((a, b) => a + b, 0);
  return part.agg === "mean" ? sum / numbers.length : sum;
}

function metricValue(rows: Row[], m: MetricSpec): number | null {
  const where = m.where ?? [];
  if (m.agg !== "ratio") return aggregate(rows, { agg: m.agg, ...(m.field ? { field: m.field } : {}) }, where);
  const n = aggregate(rows, m.numerator as AggregateSpec, where);
  const d = aggregate(rows, m.denominator as AggregateSpec, where);
  return n === null || d === null || d === 0 ? null : (n / d) * (m.scale ?? 1);
}

function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0) ?? 0);
}

function compare(a: Scalar | undefined, b: Scalar | undefined, desc: boolean): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  let order: number;
  if (typeof a === "string" && typeof b === "string") {
    const x = codePoints(a);
    const y = codePoints(b);
    order = 0;
    for (let i = 0; i < Math.max(x.length, y.length) && order === 0; i++) {
      if (i >= x.length) order = -1;
      else if (i >= y.length) order = 1;
      else order = Math.sign((x[i] ?? 0) - (y[i] ?? 0));
    }
  } else {
    order = Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  }
  return desc ? -order : order;
}

/** The plant-local "YYYY-MM-DD" of an instant, through Intl (en-CA formats dates that way). */
function plantDate(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: PLANT_TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(ms);
}

/** The first day of a period, by Date arithmetic in UTC on the date's midnight. */
function periodOf(value: Scalar, key: PeriodKey): Scalar {
  if (value === null) return null;
  const date = new Date(`${typeof value === "number" ? plantDate(value) : String(value)}T00:00:00Z`);
  if (key.unit === "week") date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  if (key.unit === "month" || key.unit === "year") date.setUTCDate(1);
  if (key.unit === "year") date.setUTCMonth(0);
  return date.toISOString().slice(0, 10);
}

function groupKey(g: GroupKey): { name: string; of: (r: Row) => Scalar } {
  if (typeof g === "string") return { name: g, of: (r: Row) => r[g] ?? null };
  if ("period" in g) return { name: g.as ?? g.period, of: (r: Row) => periodOf(r[g.period] ?? null, g) };
  return {
    name: g.as ?? g.bucket,
    of: (r: Row) => {
      const v = r[g.bucket] ?? null;
      return v === null ? null : g.edges.filter((e) => e <= (v as number)).length;
    },
  };
}

export function naiveEvaluate(table: Table, query: Query): QueryResult {
  const rows = tableRows(table).filter((r) => (query.filters ?? []).every((f) => passes(r, f)));
  const keys = (query.groupBy ?? []).map(groupKey);
  const metrics = (query.metrics ?? []).map((id) => metricSpec(id) as MetricSpec);
  const groups = new Map<string, Row[]>();
  if (keys.length === 0) groups.set("[]", rows);
  for (const r of keys.length ? rows : []) {
    const id = JSON.stringify(keys.map((k) => k.of(r)));
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  const out: ResultRow[] = [...groups.values()].map((members) => {
    const row: ResultRow = {};
    for (const k of keys) row[k.name] = k.of(members[0] as Row);
    for (const m of metrics) row[m.id] = metricValue(members, m);
    return row;
  });
  const order = [
    ...(query.sort ?? []).map((s) => ({ by: s.by, desc: !!s.desc })),
    ...keys.map((k) => ({ by: k.name, desc: false })),
  ];
  out.sort((a, b) => {
    for (const o of order) {
      const c = compare(a[o.by], b[o.by], o.desc);
      if (c !== 0) return c;
    }
    return 0;
  });
  const total: Record<string, number | null> = {};
  for (const m of metrics) total[m.id] = metricValue(rows, m);
  return { rows: query.limit === undefined ? out : out.slice(0, query.limit), total };
}
