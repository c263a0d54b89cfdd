import { describe, expect, it } from "vitest";
import { naiveEvaluate } from "../../test-support/naive-evaluate";
import { type Random, seededRandom } from "../../test-support/seeded-random";
import { GROUPS, PACKAGES, randomWipTable, STATUSES } from "../../test-support/wip-table";
import { metricSpecs } from "./contracts";
import { evaluate } from "./evaluate";
import { makeTable } from "./make-table";
import type { Filter, GroupKey, Query } from "./query";
import type { Table } from "./table";

const wip = () =>
  makeTable({
    WORKCENTER_GROUP: { kind: "dictionary", values: ["DB", "WB", "DB", null, "\u{1F600}", "\uff01"] },
    QTY: { kind: "int", values: [10, 20, null, 5, 1, 2] },
    HOLD_HOURS: { kind: "float", values: [0, 24, 72, null, 23.9, 168] },
    WIP_STATUS: { kind: "dictionary", values: ["RUN", "HOLD", "HOLD", "QUEUE", "RUN", "RUN"] },
    HOLD_TYPE: { kind: "dictionary", values: [null, "quality", "non_quality", null, null, null] },
    MOVEINTIMESTAMP: { kind: "timestamp", values: [1000, 2000, 1000, null, 3000, 1000] },
    IS_DUMMY: { kind: "bool", values: [false, true, false, null, false, true] },
  });

describe("evaluate", () => {
  it("groups, aggregates, orders by code point with nulls last, and totals", () => {
    const result = evaluate(wip(), { dataset: "wip", groupBy: ["WORKCENTER_GROUP"], metrics: ["lots", "qty"] });
    expect(result.rows).toEqual([
      { WORKCENTER_GROUP: "DB", lots: 2, qty: 10 },
      { WORKCENTER_GROUP: "WB", lots: 1, qty: 20 },
      { WORKCENTER_GROUP: "\uff01", lots: 1, qty: 2 },
      { WORKCENTER_GROUP: "\u{1F600}", lots: 1, qty: 1 },
      { WORKCENTER_GROUP: null, lots: 1, qty: 5 },
    ]);
    expect(result.total).toEqual({ lots: 6, qty: 38 });
  });

  it("returns exactly {rows, total} with one row for an empty groupBy, even when nothing matched", () => {
    const none = evaluate(wip(), {
      dataset: "wip",
      filters: [{ field: "QTY", op: "between", min: 1000 }],
      metrics: ["lots", "qty", "avg_hold_hours"],
    });
    expect(none).toEqual({
      rows: [{ lots: 0, qty: null, avg_hold_hours: null }],
      total: { lots: 0, qty: null, avg_hold_hours: null },
    });
    expect(Object.keys(none)).toEqual(["rows", "total"]);
    expect(evaluate(wip(), { dataset: "wip" })).toEqual({ rows: [{}], total: {} });
  });

  it("evaluates an empty table", () => {
    const empty = makeTable({ QTY: { kind: "int", values: [] }, WIP_STATUS: { kind: "dictionary", values: [] } });
    expect(evaluate(empty, { dataset: "wip", metrics: ["lots", "qty"] })).toEqual({
      rows: [{ lots: 0, qty: null }],
      total: { lots: 0, qty: null },
    });
    expect(evaluate(empty, { dataset: "wip", groupBy: ["WIP_STATUS"], metrics: ["lots"] })).toEqual({
      rows: [],
      total: { lots: 0 },
    });
  });

  it("gives no rows for a non-empty groupBy when nothing matched", () => {
    const result = evaluate(wip(), {
      dataset: "wip",
      filters: [{ field: "WORKCENTER_GROUP", op: "eq", value: "none" }],
      groupBy: ["WORKCENTER_GROUP"],
      metrics: ["lots"],
    });
    expect(result).toEqual({ rows: [], total: { lots: 0 } });
  });

  it("buckets with the upper bucket for a value on an edge, named by `as`, null as its own group", () => {
    const result = evaluate(wip(), {
      dataset: "wip",
      groupBy: [{ bucket: "HOLD_HOURS", edges: [24, 72, 168], as: "HOLD_AGE" }],
      metrics: ["lots"],
    });
    expect(result.rows).toEqual([
      { HOLD_AGE: 0, lots: 2 },
      { HOLD_AGE: 1, lots: 1 },
      { HOLD_AGE: 2, lots: 1 },
      { HOLD_AGE: 3, lots: 1 },
      { HOLD_AGE: null, lots: 1 },
    ]);
  });

  it("keys timestamps as epoch ms and booleans as booleans", () => {
    const result = evaluate(wip(), { dataset: "wip", groupBy: ["MOVEINTIMESTAMP", "IS_DUMMY"], metrics: ["lots"] });
    expect(result.rows).toEqual([
      { MOVEINTIMESTAMP: 1000, IS_DUMMY: false, lots: 2 },
      { MOVEINTIMESTAMP: 1000, IS_DUMMY: true, lots: 1 },
      { MOVEINTIMESTAMP: 2000, IS_DUMMY: true, lots: 1 },
      { MOVEINTIMESTAMP: 3000, IS_DUMMY: false, lots: 1 },
      { MOVEINTIMESTAMP: null, IS_DUMMY: null, lots: 1 },
    ]);
  });

  it("sorts by metrics with nulls last in both directions, then by group keys, then limits", () => {
    const query = (desc: boolean): Query => ({
      dataset: "wip",
      groupBy: ["WIP_STATUS"],
      metrics: ["lots", "avg_hold_hours"],
      sort: [{ by: "avg_hold_hours", desc }],
    });
    const asc = evaluate(wip(), query(false)).rows.map((r) => r.WIP_STATUS);
    const desc = evaluate(wip(), query(true)).rows.map((r) => r.WIP_STATUS);
    expect(asc).toEqual(["HOLD", "RUN", "QUEUE"]);
    expect(desc).toEqual(["RUN", "HOLD", "QUEUE"]);
    const tied = evaluate(wip(), { ...query(true), sort: [{ by: "lots", desc: true }], limit: 2 });
    expect(tied.rows.map((r) => r.WIP_STATUS)).toEqual(["RUN", "HOLD"]);
    expect(tied.total.lots).toBe(6);
  });

  it("applies a base mask before the filters", () => {
    const mask = Uint8Array.from([1, 1, 0, 0, 0, 0]);
    expect(evaluate(wip(), { dataset: "wip", metrics: ["lots", "qty"] }, { mask }).total).toEqual({ lots: 2, qty: 30 });
  });

  it("rejects fields the table does not carry (detail payload) as INVALID_QUERY", () => {
    expect(() => evaluate(wip(), { dataset: "wip", metrics: ["wafer_qty"] })).toThrow(/INVALID_QUERY: field QTY2/);
  });
});

function randomFilter(random: Random, table: Table): Filter {
  const stringFields = ["WORKCENTER_GROUP", "PACKAGE_LEF", "WIP_STATUS", "LOTID", "HOLD_TYPE"];
  const numberFields = ["QTY", "HOLD_HOURS", "AGEBYDAYS", "MOVEINTIMESTAMP"];
  const strings = [...GROUPS, ...PACKAGES, ...STATUSES, "quality", "GA1-a", "none"];
  const numbers = [0, 1, 24, 72, 168, 23.999, 1740787200000, 1740790800000, -5, 7];
  const kind = random.int(3);
  const field = kind === 0 ? random.pick(stringFields) : kind === 1 ? random.pick(numberFields) : "IS_DUMMY";
  const value = () => (kind === 0 ? random.pick(strings) : kind === 1 ? random.pick(numbers) : random.chance(0.5));
  const ops =
    kind === 0
      ? ["eq", "ne", "in", "not_in", "contains", "prefix", "is_null", "not_null"]
      : kind === 1
        ? ["eq", "ne", "in", "not_in", "between", "is_null", "not_null"]
        : ["eq", "ne", "in", "not_in", "is_null"];
  const op = random.pick(ops);
  if (table.numRows < 0) throw new Error("unreachable");
  switch (op) {
    case "in":
    case "not_in":
      return { field, op, values: Array.from({ length: random.int(4) }, () => (random.chance(0.2) ? null : value())) };
    case "contains":
    case "prefix": {
      const text = String(value());
      return {
        field,
        op,
        value: random.chance(0.5) ? text.slice(0, 1 + random.int(3)).toUpperCase() : text.slice(1, 3),
      };
    }
    case "between": {
      const [a, b] = [value() as number, value() as number].sort((x, y) => x - y);
      const r = random.int(3);
      return r === 0
        ? { field, op, min: a as number }
        : r === 1
          ? { field, op, max: b as number }
          : { field, op, min: a as number, max: b as number };
    }
    case "is_null":
    case "not_null":
      return { field, op };
    default:
      return { field, op: op as "eq" | "ne", value: value() };
  }
}

function randomQuery(random: Random, table: Table): Query {
  const keys: GroupKey[] = [
    "WORKCENTER_GROUP",
    "PACKAGE_LEF",
    "WIP_STATUS",
    "IS_DUMMY",
    "MOVEINTIMESTAMP",
    "LOTID",
    "QTY2",
    { bucket: "HOLD_HOURS", edges: [24, 72, 168] },
    { bucket: "QTY", edges: [0, 10, 20.5], as: "QTY_BAND" },
  ];
  const groupBy = [...new Set(Array.from({ length: random.int(4) }, () => random.pick(keys)))];
  const metricIds = metricSpecs("wip").map((m) => m.id);
  const metrics = [...new Set(Array.from({ length: random.int(6) }, () => random.pick(metricIds)))];
  const names = [
    ...groupBy.map((g) => (typeof g === "string" ? g : (g.as ?? ("bucket" in g ? g.bucket : g.period)))),
    ...metrics,
  ];
  const sort = names.length
    ? Array.from({ length: random.int(3) }, () => ({ by: random.pick(names), desc: random.chance(0.5) }))
    : [];
  const query: Query = {
    dataset: "wip",
    filters: Array.from({ length: random.int(4) }, () => randomFilter(random, table)),
    groupBy,
    metrics,
    sort,
  };
  if (random.chance(0.3)) query.limit = random.int(6);
  return query;
}

describe("evaluate against a plain model of the contract (seeded random queries)", () => {
  it("agrees on 400 random queries over random wip tables", () => {
    const random = seededRandom(20250301);
    for (let t = 0; t < 8; t++) {
      const table = randomWipTable(random, 30 + random.int(300));
      for (let q = 0; q < 50; q++) {
        const query = randomQuery(random, table);
        expect(evaluate(table, query), JSON.stringify(query)).toEqual(naiveEvaluate(table, query));
      }
    }
  });
});

const EDGE_DAYS = ["2026-12-27", "2026-12-28", "2026-12-31", "2027-01-01", "2027-01-03", "2027-01-04", "2020-12-31"];
const MORE_DAYS = ["2021-01-03", "2021-01-04", "2024-02-28", "2024-02-29", "2024-03-01", "1970-01-01", null];
const E10 = ["PRD", "SBY", "UDT", "SDT", "EGT", "NST", "OTHER"];

function randomHistory(random: Random, rows: number): Table {
  const pick = <T>(items: readonly T[]) => Array.from({ length: rows }, () => random.pick(items));
  return makeTable({
    RESOURCEID: { kind: "utf8", values: pick(["M1", "M2", "M3", "M4"]) },
    TXNDATE: { kind: "date", values: pick([...EDGE_DAYS, ...MORE_DAYS]) },
    STATUS_E10: { kind: "dictionary", values: pick(E10) },
    HOURS: { kind: "float", values: pick([0.5, 1, 2.25, 12, 0.1]) },
  });
}

function randomHistoryQuery(random: Random): Query {
  const units = ["day", "week", "month", "year"] as const;
  const groupBy: GroupKey[] = [];
  if (random.chance(0.8)) groupBy.push({ period: "TXNDATE", unit: random.pick(units), as: "PERIOD" });
  if (random.chance(0.4)) groupBy.push("STATUS_E10");
  if (random.chance(0.2)) groupBy.push("TXNDATE");
  const day = () => random.pick([...EDGE_DAYS, ...MORE_DAYS.filter((d) => d !== null)]);
  const [a, b] = [day(), day()].sort();
  const filters: Filter[] = [
    { field: "TXNDATE", op: "between", min: a as string, max: b as string },
    { field: "TXNDATE", op: "in", values: [day(), day(), null] },
    { field: "TXNDATE", op: "ne", value: day() },
    { field: "TXNDATE", op: "not_null" },
  ].filter(() => random.chance(0.3)) as Filter[];
  const metrics = ["hours", "prd_hours", "ou_pct_hours", "availability_pct_hours", "history_machines"].filter(() =>
    random.chance(0.6),
  );
  return { dataset: "resource_history", filters, groupBy, metrics };
}

describe.each(["UTC", "Asia/Taipei", "America/Los_Angeles"])("dates with the machine in %s", (zone) => {
  it("period keys and date filters agree with the plain model", () => {
    const machineZone = process.env.TZ;
    process.env.TZ = zone;
    try {
      const random = seededRandom(20270101);
      for (let t = 0; t < 4; t++) {
        const table = randomHistory(random, 20 + random.int(200));
        for (let q = 0; q < 40; q++) {
          const query = randomHistoryQuery(random);
          expect(evaluate(table, query), JSON.stringify(query)).toEqual(naiveEvaluate(table, query));
        }
      }
    } finally {
      process.env.TZ = machineZone;
    }
  });

  it("keys ISO weeks by Monday and months by the 1st", () => {
    const table = makeTable({
      TXNDATE: { kind: "date", values: ["2026-12-31", "2027-01-01", "2027-01-04", null, "2020-12-31"] },
      HOURS: { kind: "float", values: [1, 2, 4, 8, 16] },
    });
    const machineZone = process.env.TZ;
    process.env.TZ = zone;
    try {
      const week = evaluate(table, {
        dataset: "resource_history",
        groupBy: [{ period: "TXNDATE", unit: "week", as: "WEEK" }],
        metrics: ["hours"],
      });
      expect(week.rows).toEqual([
        { WEEK: "2020-12-28", hours: 16 },
        { WEEK: "2026-12-28", hours: 3 },
        { WEEK: "2027-01-04", hours: 4 },
        { WEEK: null, hours: 8 },
      ]);
    } finally {
      process.env.TZ = machineZone;
    }
  });
});
