import { describe, expect, it } from "vitest";
import { type Random, seededRandom } from "../../test-support/seeded-random";
import { randomWipTable, STATUSES } from "../../test-support/wip-table";
import { aggregateSelection, metricParts, partKey } from "./aggregate";
import type { MetricSpec } from "./contracts";
import { evaluate } from "./evaluate";
import { groupSelection } from "./group-by";
import type { Filter } from "./query";
import { selectRows } from "./selection";
import { sharedSums } from "./shared-sums";

const metric = (id: string, extra: Partial<MetricSpec>): MetricSpec => ({
  id,
  label: { "zh-TW": id, en: id },
  datasets: ["wip"],
  agg: "sum",
  unit: "",
  decimals: 0,
  tolerance: {},
  ...extra,
});

/** A random filter on WIP_STATUS or HOLD_TYPE (the latter has nulls), any op a dictionary takes. */
function statusFilter(random: Random): Filter {
  const field = random.pick(["WIP_STATUS", "HOLD_TYPE"]);
  const values = field === "WIP_STATUS" ? STATUSES : ["quality", "non_quality"];
  const some = () => values.filter(() => random.chance(0.5));
  switch (random.int(6)) {
    case 0:
      return { field, op: "eq", value: random.pick(values) };
    case 1:
      return { field, op: "ne", value: random.pick(values) };
    case 2:
      return { field, op: "in", values: random.chance(0.3) ? [...some(), null] : some() };
    case 3:
      return { field, op: "not_in", values: random.chance(0.3) ? [...some(), null] : some() };
    case 4:
      return { field, op: random.pick(["is_null", "not_null"] as const) };
    default:
      return { field, op: "prefix", value: random.pick(["q", "R", "no"]) };
  }
}

function randomMetrics(random: Random): MetricSpec[] {
  const field = () => random.pick(["QTY", "HOLD_HOURS"]);
  const where = () => Array.from({ length: random.int(3) }, () => statusFilter(random));
  return Array.from({ length: 1 + random.int(8) }, (_, k) => {
    if (random.chance(0.3)) {
      return metric(`r${k}`, {
        agg: "ratio",
        scale: 100,
        ...(random.chance(0.3) ? { where: [statusFilter(random)] } : {}),
        numerator: { agg: "sum", field: field(), where: where() },
        denominator: { agg: random.pick(["sum", "mean"] as const), field: field(), where: where() },
      });
    }
    return metric(`m${k}`, { agg: random.pick(["sum", "mean"] as const), field: field(), where: where() });
  });
}

describe("sharedSums", () => {
  it("gives every part exactly what its own pass gives, bit for bit (seeded)", () => {
    const random = seededRandom(11);
    let shared = 0;
    for (let round = 0; round < 60; round++) {
      const table = randomWipTable(random, 1 + random.int(400));
      const metrics = randomMetrics(random);
      const specs = random
        .pick([[], ["WORKCENTER_GROUP"], ["WORKCENTER_GROUP", "PACKAGE_LEF"], ["IS_DUMMY", "HOLD_TYPE", "WIP_STATUS"]])
        .map((f) => ({ name: f, field: f, edges: null }));
      const selection = selectRows(table, random.chance(0.5) ? [] : [{ field: "QTY", op: "between", min: 3 }]);
      const grouping = groupSelection(table, specs, selection, { sum: null });
      const sums = sharedSums(table, selection, grouping, metrics);
      shared += sums.size;
      for (const m of metrics) {
        const alone = aggregateSelection(table, selection, grouping, m);
        const together = aggregateSelection(table, selection, grouping, m, new Map(), sums);
        expect(together).toEqual(alone);
      }
    }
    expect(shared).toBeGreaterThan(100);
  });

  it("takes sums and means of a numeric field filtered on one dictionary column, and plain sums beside them", () => {
    const table = randomWipTable(seededRandom(3), 50);
    const prd = metric("run_qty", { field: "QTY", where: [{ field: "WIP_STATUS", op: "eq", value: "RUN" }] });
    const plain = metric("qty", { field: "QTY" });
    const mixed = metric("mixed", {
      field: "QTY",
      where: [
        { field: "WIP_STATUS", op: "eq", value: "RUN" },
        { field: "IS_DUMMY", op: "eq", value: false },
      ],
    });
    const count = metric("count", { agg: "count", where: [{ field: "WIP_STATUS", op: "eq", value: "RUN" }] });
    const selection = selectRows(table, []);
    const grouping = groupSelection(table, [], selection);
    const sums = sharedSums(table, selection, grouping, [prd, plain, mixed, count]);
    const key = (m: MetricSpec) => {
      const part = metricParts(m)[0];
      return partKey(part?.field ?? "", part?.filters ?? []);
    };
    expect([...sums.keys()].sort()).toEqual([key(prd), key(plain)].sort());
  });

  it("leaves a filter the column cannot take to the ordinary path, which rejects it", () => {
    const table = randomWipTable(seededRandom(4), 20);
    const query = {
      dataset: "wip",
      groupBy: ["WORKCENTER_GROUP"],
      metrics: ["qty"],
      filters: [{ field: "WIP_STATUS", op: "between", min: 1 }],
    };
    expect(() => evaluate(table, query)).toThrow(/INVALID_QUERY/);
    const bad = metric("bad", { field: "QTY", where: [{ field: "WIP_STATUS", op: "between", min: 1 }] as Filter[] });
    const selection = selectRows(table, []);
    const grouping = groupSelection(table, [], selection);
    expect(sharedSums(table, selection, grouping, [bad]).size).toBe(0);
    expect(() => aggregateSelection(table, selection, grouping, bad)).toThrow(/INVALID_QUERY/);
  });
});
