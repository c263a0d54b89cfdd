import { describe, expect, it } from "vitest";
import { aggregateMetric } from "./aggregate";
import { type MetricSpec, metricSpec } from "./contracts";
import { makeTable } from "./make-table";

const table = makeTable({
  G: { kind: "dictionary", values: ["a", "a", "b", "b", "c"] },
  V: { kind: "float", values: [1.5, null, 2, -4, null] },
  N: { kind: "int", values: [2 ** 52, 1, null, 3, null] },
  S: { kind: "utf8", values: ["x", "x", null, "y", null] },
  STATUS_E10: { kind: "dictionary", values: ["PRD", "SBY", "PRD", "NST", "UDT"] },
});
const groups = { groupIds: Int32Array.from([0, 0, 1, 1, 2]), groupCount: 3 };
const spec = (agg: MetricSpec["agg"], field?: string, extra: Partial<MetricSpec> = {}): MetricSpec => ({
  id: "m",
  label: { "zh-TW": "m", en: "m" },
  datasets: ["wip"],
  agg,
  ...(field ? { field } : {}),
  unit: "",
  decimals: 0,
  tolerance: {},
  ...extra,
});
const run = (m: MetricSpec) => aggregateMetric(table, groups, m);

describe("aggregateMetric", () => {
  it("count counts rows, or non-null values with a field; empty groups count 0", () => {
    expect(run(spec("count"))).toEqual([2, 2, 1]);
    expect(run(spec("count", "V"))).toEqual([1, 2, 0]);
    expect(run(spec("count", "S"))).toEqual([2, 1, 0]);
  });

  it("sum, mean, min and max skip nulls and are null with no values", () => {
    expect(run(spec("sum", "V"))).toEqual([1.5, -2, null]);
    expect(run(spec("mean", "V"))).toEqual([1.5, -1, null]);
    expect(run(spec("min", "V"))).toEqual([1.5, -4, null]);
    expect(run(spec("max", "V"))).toEqual([1.5, 2, null]);
  });

  it("keeps integer sums exact below 2^53", () => {
    expect(run(spec("sum", "N"))).toEqual([2 ** 52 + 1, 3, null]);
  });

  it("count_distinct counts distinct non-null values", () => {
    expect(run(spec("count_distinct", "S"))).toEqual([1, 1, 0]);
    expect(run(spec("count_distinct", "G"))).toEqual([1, 1, 1]);
  });

  it("applies `where` after the group rows", () => {
    const where = spec("count", undefined, { where: [{ field: "STATUS_E10", op: "eq", value: "PRD" }] });
    expect(run(where)).toEqual([1, 1, 0]);
  });

  it("ratio is numerator / denominator x scale, null for a zero denominator", () => {
    const ou = metricSpec("ou_pct");
    if (!ou) throw new Error("ou_pct missing from contracts/metrics.json");
    expect(run(ou)).toEqual([50, 100, 0]);
    const none = aggregateMetric(table, { groupIds: Int32Array.from([-1, -1, -1, 0, -1]), groupCount: 1 }, ou);
    expect(none).toEqual([null]);
  });

  it("handles no rows at all", () => {
    expect(aggregateMetric(table, { groupIds: new Int32Array(5).fill(-1), groupCount: 1 }, spec("sum", "V"))).toEqual([
      null,
    ]);
    expect(aggregateMetric(table, { groupIds: new Int32Array(5).fill(-1), groupCount: 0 }, spec("count"))).toEqual([]);
  });

  it("rejects sum over a string column", () => {
    expect(() => run(spec("sum", "S"))).toThrow(/INVALID_QUERY/);
  });
});
