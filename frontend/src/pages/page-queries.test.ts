/** Every page's queries are valid contract queries and run on a table with every shipped column. */
import { describe, expect, it } from "vitest";
import type { ViewQuery } from "../app/use-core-queries";
import { fieldSpecs } from "../core/contracts";
import { evaluate } from "../core/evaluate";
import { joinRows } from "../core/join-rows";
import { type ColumnValues, makeTable } from "../core/make-table";
import type { Dataset } from "../core/query";
import type { Scalar } from "../core/table";
import { validateFilters } from "../core/validate-query";
import { equipmentQueries, MACHINE_LISTING } from "./equipment-status/equipment-queries";
import { holdQueries } from "./hold-detail/hold-queries";
import { LOT_LISTING, lotRows, lotTableQueries } from "./wip-detail/lot-rows";
import { overviewQueries, wipWidgets } from "./wip-shared/wip-queries";

/** A table of the dataset's `main` columns, `rows` rows of simple varied values. */
function contractTable(dataset: Dataset, rows: number) {
  const columns: Record<string, ColumnValues> = {};
  for (const spec of fieldSpecs(dataset)) {
    if (spec.payload !== "main") continue;
    const value = (i: number): Scalar => {
      if (spec.nullable && i % 7 === 3) return null;
      if (spec.values) return spec.values[i % spec.values.length] ?? null;
      switch (spec.type) {
        case "bool":
          return i % 2 === 0;
        case "int32":
          return (i * 37) % 500;
        case "float64":
          return ((i * 13) % 400) / 2;
        case "timestamp":
          return 1_764_300_000_000 + i * 60_000;
        default:
          return spec.name.endsWith("ID") ? `${spec.name}-${i}` : `${spec.name}-${i % 5}`;
      }
    };
    const kind = spec.type === "int32" ? "int" : spec.type === "float64" ? "float" : spec.type;
    columns[spec.name] = { kind, values: Array.from({ length: rows }, (_, i) => value(i)) };
  }
  return makeTable(columns, { snapshot_time: "2026-01-01T08:00:00+08:00", version: "t" });
}

function runAll(dataset: Dataset, queries: Record<string, ViewQuery>, rows = 50) {
  const table = contractTable(dataset, rows);
  return Object.fromEntries(Object.entries(queries).map(([name, q]) => [name, evaluate(table, q.query)]));
}

describe("WIP pages", () => {
  it("overview and detail queries run, and the lot listing has one row per lot", () => {
    const results = runAll("wip", { ...overviewQueries(), ...lotTableQueries() });
    expect(results.kpi?.total.lots).toBe(50);
    const rows = lotRows(results);
    expect(rows).toHaveLength(50);
    expect(Object.keys(rows[0] ?? {})).toEqual(expect.arrayContaining(["LOTID", "qty", "WIP_STATUS", "equipment"]));
    expect(LOT_LISTING.every((q) => (q.groupBy ?? []).length <= 3)).toBe(true);
  });

  it("widgets hold valid filters", () => {
    const widgets = wipWidgets({
      filters: [{ field: "PACKAGE_LEF", op: "in", values: ["SMA"] }],
      status: "quality",
      includeDummy: false,
      group: null,
    });
    for (const [name, filters] of Object.entries(widgets))
      expect(() => validateFilters("wip", filters, name)).not.toThrow();
    expect(Object.keys(widgets).sort()).toEqual(["dummy", "f.PACKAGE_LEF", "group", "status"]);
  });
});

describe("hold and equipment pages", () => {
  it("hold detail queries run", () => {
    const results = runAll("wip", holdQueries());
    expect(results.byBucket?.rows.length).toBeGreaterThan(0);
  });

  it("equipment queries run and list one row per machine", () => {
    const results = runAll("resource", equipmentQueries(), 40);
    expect(results.kpi?.total.machines).toBe(40);
    const rows = joinRows(
      MACHINE_LISTING.map((_, i) => results[`m${i}`]?.rows ?? []),
      "RESOURCEID",
    );
    expect(rows).toHaveLength(40);
    expect(results.h2?.rows).toHaveLength(40);
  });
});
