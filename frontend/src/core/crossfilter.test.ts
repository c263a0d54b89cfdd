import { describe, expect, it } from "vitest";
import { type Random, seededRandom } from "../../test-support/seeded-random";
import { GROUPS, PACKAGES, randomWipTable, STATUSES } from "../../test-support/wip-table";
import { createCrossfilter } from "./crossfilter";
import { evaluate } from "./evaluate";
import { filterMask } from "./filter-mask";
import type { Filter } from "./query";

function randomFilters(random: Random): Filter[] {
  const pool: (() => Filter)[] = [
    () => ({ field: "WORKCENTER_GROUP", op: "in", values: [random.pick(GROUPS), random.pick(GROUPS)] }),
    () => ({ field: "PACKAGE_LEF", op: "ne", value: random.pick(PACKAGES) }),
    () => ({ field: "WIP_STATUS", op: "eq", value: random.pick(STATUSES) }),
    () => ({ field: "QTY", op: "between", min: random.int(20), max: 20 + random.int(30) }),
    () => ({ field: "HOLD_TYPE", op: "is_null" }),
    () => ({ field: "IS_DUMMY", op: "eq", value: random.chance(0.5) }),
  ];
  return Array.from({ length: random.int(3) }, () => random.pick(pool)());
}

describe("createCrossfilter", () => {
  it("'all but own' masks equal a brute-force recompute after every change (seeded)", () => {
    const random = seededRandom(7);
    const widgets = ["group", "package", "status", "qty"];
    for (let round = 0; round < 5; round++) {
      const table = randomWipTable(random, 50 + random.int(200));
      const crossfilter = createCrossfilter(table, "wip");
      const model = new Map<string, Filter[]>();
      for (let step = 0; step < 40; step++) {
        const widget = random.pick(widgets);
        const filters = randomFilters(random);
        crossfilter.setFilters(widget, filters);
        model.set(widget, filters);
        for (const w of [...widgets, "nobody"]) {
          const others = [...model].filter(([name]) => name !== w).flatMap(([, f]) => f);
          expect(Array.from(crossfilter.maskExcept(w)), `${w} at step ${step}`).toEqual(
            Array.from(filterMask(table, others)),
          );
        }
        expect(Array.from(crossfilter.maskAll())).toEqual(Array.from(filterMask(table, [...model.values()].flat())));
      }
    }
  });

  it("forgets a widget whose filters are cleared and validates filters", () => {
    const table = randomWipTable(seededRandom(1), 20);
    const crossfilter = createCrossfilter(table, "wip");
    crossfilter.setFilters("a", [{ field: "QTY", op: "is_null" }]);
    expect(crossfilter.widgets()).toEqual(["a"]);
    crossfilter.setFilters("a", []);
    expect(crossfilter.widgets()).toEqual([]);
    expect(Array.from(crossfilter.maskAll()).every((v) => v === 1)).toBe(true);
    expect(() => crossfilter.setFilters("a", [{ field: "NOPE", op: "is_null" }])).toThrow(/INVALID_QUERY/);
  });

  it("evaluates a widget's query over its view, reusing the result while view and query are unchanged", () => {
    const table = randomWipTable(seededRandom(3), 300);
    const crossfilter = createCrossfilter(table, "wip");
    const query = { dataset: "wip", groupBy: ["WIP_STATUS"], metrics: ["lots", "qty"] };
    crossfilter.setFilters("status", [{ field: "WIP_STATUS", op: "eq", value: "RUN" }]);
    crossfilter.setFilters("package", [{ field: "PACKAGE_LEF", op: "in", values: [PACKAGES[0] ?? "", null] }]);
    const first = crossfilter.evaluate("status", query);
    expect(first).toEqual(evaluate(table, query, { mask: crossfilter.maskExcept("status") }));
    // The widget's own filters change: its view does not, so the result object comes back.
    crossfilter.setFilters("status", [{ field: "WIP_STATUS", op: "eq", value: "HOLD" }]);
    expect(crossfilter.evaluate("status", query)).toBe(first);
    // Another widget's filters change: recomputed over the new view.
    crossfilter.setFilters("package", []);
    const second = crossfilter.evaluate("status", query);
    expect(second).not.toBe(first);
    expect(second).toEqual(evaluate(table, query));
    // A different query over the same view is computed, not confused with the first.
    const other = { ...query, metrics: ["lots"] };
    expect(crossfilter.evaluate("status", other)).toEqual(evaluate(table, other));
    expect(() => crossfilter.evaluate("status", { dataset: "wip", metrics: ["nope"] })).toThrow(/INVALID_QUERY/);
  });
});
