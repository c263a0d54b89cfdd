import { describe, expect, it } from "vitest";
import { PERIOD_UNITS } from "../../core/calendar";
import { evaluate } from "../../core/evaluate";
import { makeTable } from "../../core/make-table";
import { equipmentHistoryViews, historyQueries, PERIOD, viewGranularity } from "./history-queries";

/** Two machines of one group over a Sunday and a Monday (2026-01-04, 2026-01-05). */
function hoursTable() {
  const rows: [string, string, string, number][] = [
    ["M1", "2026-01-04", "PRD", 18],
    ["M1", "2026-01-04", "SBY", 6],
    ["M1", "2026-01-05", "UDT", 24],
    ["M2", "2026-01-05", "PRD", 12],
    ["M2", "2026-01-05", "NST", 12],
  ];
  const col = (kind: "utf8" | "dictionary" | "date" | "float" | "int" | "bool", values: unknown[]) => ({
    kind,
    values,
  });
  return makeTable({
    RESOURCEID: col(
      "utf8",
      rows.map((r) => r[0]),
    ),
    RESOURCENAME: col(
      "utf8",
      rows.map((r) => `name ${r[0]}`),
    ),
    WORKCENTER_GROUP: col(
      "dictionary",
      rows.map(() => "DB"),
    ),
    WORKCENTER_GROUP_SEQ: col(
      "int",
      rows.map(() => 100),
    ),
    RESOURCEFAMILYNAME: col(
      "dictionary",
      rows.map(() => "F1"),
    ),
    TXNDATE: col(
      "date",
      rows.map((r) => r[1]),
    ),
    STATUS_E10: col(
      "dictionary",
      rows.map((r) => r[2]),
    ),
    HOURS: col(
      "float",
      rows.map((r) => r[3]),
    ),
  } as never);
}

describe("equipment history queries", () => {
  it("have no crossfilter widget and change only the period queries with the granularity", () => {
    const day = equipmentHistoryViews({ granularity: "day" });
    const week = equipmentHistoryViews({ granularity: "week" });
    expect(day.widgets).toEqual({});
    const changed = Object.keys(day.queries).filter(
      (name) => JSON.stringify(day.queries[name]) !== JSON.stringify(week.queries[name]),
    );
    expect(changed).toEqual(["trend", "heat"]);
  });

  it("sum hours into ratios per period and level (never averaged)", () => {
    const table = hoursTable();
    const run = (unit: "day" | "week") =>
      Object.fromEntries(
        Object.entries(historyQueries({ granularity: unit })).map(([n, q]) => [n, evaluate(table, q.query)]),
      );
    const day = run("day");
    expect(day.trend?.rows.map((r) => [r[PERIOD], r.ou_pct_hours])).toEqual([
      ["2026-01-04", 75],
      ["2026-01-05", (12 / 36) * 100],
    ]);
    const week = run("week");
    expect(week.trend?.rows.map((r) => r[PERIOD])).toEqual(["2025-12-29", "2026-01-05"]);
    expect(week.kpi?.total).toMatchObject({ hours: 72, prd_hours: 30, history_machines: 2 });
    expect(week.kpi?.total.ou_pct_hours).toBeCloseTo((30 / 60) * 100, 12);
    expect(week.kpi?.total.availability_pct_hours).toBeCloseTo((36 / 72) * 100, 12);
    expect(week.h2?.rows.map((r) => [r.RESOURCEID, r.ou_pct_hours])).toEqual([
      ["M1", (18 / 48) * 100],
      ["M2", 100],
    ]);
    expect(week.names?.rows).toEqual([
      { RESOURCEID: "M1", RESOURCENAME: "name M1" },
      { RESOURCEID: "M2", RESOURCENAME: "name M2" },
    ]);
  });

  it("reads back the granularity a view was made for", () => {
    for (const granularity of PERIOD_UNITS)
      expect(viewGranularity(JSON.parse(JSON.stringify(equipmentHistoryViews({ granularity }))))).toBe(granularity);
    expect(viewGranularity(null)).toBeNull();
    expect(viewGranularity({ queries: {} })).toBeNull();
  });
});
