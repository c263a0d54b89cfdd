import { describe, expect, it } from "vitest";
import { evaluate } from "../../core/evaluate";
import { filterMask } from "../../core/filter-mask";
import { makeTable } from "../../core/make-table";
import { validateFilters } from "../../core/validate-query";
import { BUCKET_COUNT, bucketFilters, bucketRows, holdQueries, holdWidgets } from "./hold-queries";

const hours = [0, 23.9, 24, 71.99, 72, 167, 168, 1000, null];
const table = makeTable({
  HOLD_HOURS: { kind: "float", values: hours },
  QTY: { kind: "int", values: hours.map(() => 1) },
  WIP_STATUS: { kind: "dictionary", values: hours.map(() => "HOLD") },
});

describe("hold duration buckets", () => {
  it("filter exactly the rows the bucket grouping puts in each bucket", () => {
    const grouped = evaluate(table, {
      dataset: "wip",
      groupBy: [{ bucket: "HOLD_HOURS", edges: [24, 72, 168], as: "BUCKET" }],
      metrics: ["lots"],
    });
    for (let i = 0; i < BUCKET_COUNT; i++) {
      const mask = filterMask(table, validateFilters("wip", bucketFilters(i)));
      const kept = mask.reduce((a, b) => a + b, 0);
      expect(kept, `bucket ${i}`).toBe(grouped.rows.find((r) => r.BUCKET === i)?.lots ?? 0);
    }
    expect(bucketFilters(null)).toEqual([]);
  });

  it("always lists the four buckets, zero-filled, plus a non-empty null bucket", () => {
    const rows = bucketRows({
      rows: [
        { BUCKET: 2, lots: 3, qty: 30 },
        { BUCKET: null, lots: 1, qty: 5 },
      ],
      total: {},
    });
    expect(rows).toEqual([
      { index: 0, lots: 0, qty: 0 },
      { index: 1, lots: 0, qty: 0 },
      { index: 2, lots: 3, qty: 30 },
      { index: 3, lots: 0, qty: 0 },
      { index: null, lots: 1, qty: 5 },
    ]);
    expect(bucketRows(undefined)).toHaveLength(4);
  });
});

describe("hold widgets and queries", () => {
  it("are valid for the wip dataset", () => {
    const widgets = holdWidgets({ filters: [], includeDummy: false, reason: null, group: null, pkg: "SMA", bucket: 3 });
    for (const [name, filters] of Object.entries(widgets))
      expect(() => validateFilters("wip", filters, name)).not.toThrow();
    expect(widgets.reason).toEqual([{ field: "HOLDREASONNAME", op: "is_null" }]);
    expect(Object.keys(holdQueries())).toEqual(
      expect.arrayContaining(["summary", "byGroup", "byPackage", "byBucket", "l0"]),
    );
  });
});
