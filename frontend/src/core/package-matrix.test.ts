import { describe, expect, it } from "vitest";
import { buildPackageMatrix } from "./package-matrix";

const groups = [
  { WORKCENTER_GROUP: "DB", lots: 3, qty: 60 },
  { WORKCENTER_GROUP: "WB", lots: 2, qty: 25 },
  { WORKCENTER_GROUP: null, lots: 1, qty: 5 },
];
const packages = [
  { PACKAGE_LEF: "SMA", qty: 50 },
  { PACKAGE_LEF: "SOD", qty: 30 },
  { PACKAGE_LEF: "X", qty: 6 },
  { PACKAGE_LEF: null, qty: 4 },
];
const cells = [
  { WORKCENTER_GROUP: "DB", PACKAGE_LEF: "SMA", qty: 40 },
  { WORKCENTER_GROUP: "DB", PACKAGE_LEF: "X", qty: 6 },
  { WORKCENTER_GROUP: "DB", PACKAGE_LEF: "SOD", qty: 14 },
  { WORKCENTER_GROUP: "WB", PACKAGE_LEF: "SMA", qty: 10 },
  { WORKCENTER_GROUP: "WB", PACKAGE_LEF: "SOD", qty: 11 },
  { WORKCENTER_GROUP: "WB", PACKAGE_LEF: null, qty: 4 },
  { WORKCENTER_GROUP: null, PACKAGE_LEF: "SOD", qty: 5 },
];

describe("buildPackageMatrix", () => {
  it("keeps the top packages as columns and folds the rest into other", () => {
    const m = buildPackageMatrix({ groups, packages, cells, total: { lots: 6, qty: 90 }, topN: 2 });
    expect(m.packages).toEqual(["SMA", "SOD"]);
    expect(m.hasOther).toBe(true);
    expect(m.rows.map((r) => [r.group, r.cells, r.other, r.qty])).toEqual([
      ["DB", [40, 14], 6, 60],
      ["WB", [10, 11], 4, 25],
      [null, [null, 5], null, 5],
    ]);
    expect(m.columnTotals).toEqual([50, 30]);
    expect(m.otherTotal).toBe(10);
    expect(m).toMatchObject({ lots: 6, qty: 90 });
  });

  it("has no other column when every package fits", () => {
    const m = buildPackageMatrix({ groups, packages, cells, total: { lots: 6, qty: 90 }, topN: 15 });
    expect(m.hasOther).toBe(false);
    expect(m.packages).toEqual(["SMA", "SOD", "X", null]);
    expect(m.otherTotal).toBeNull();
    expect(m.rows[1]?.cells).toEqual([10, 11, null, 4]);
    // the row totals equal the sum of their cells
    for (const row of m.rows) expect(row.cells.reduce<number>((s, v) => s + (v ?? 0), 0)).toBe(row.qty);
  });

  it("handles an empty result and rejects a bad topN", () => {
    const m = buildPackageMatrix({ groups: [], packages: [], cells: [], total: { lots: 0, qty: null }, topN: 15 });
    expect(m).toEqual({
      packages: [],
      hasOther: false,
      rows: [],
      columnTotals: [],
      otherTotal: null,
      lots: 0,
      qty: null,
    });
    expect(() => buildPackageMatrix({ groups, packages, cells, total: {}, topN: -1 })).toThrow(RangeError);
  });
});
