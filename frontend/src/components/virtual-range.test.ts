import { describe, expect, it } from "vitest";
import { addValue, chipsOf, removeChip, setContains, widgetsOf } from "../core/filter-model";
import { sameRange, visibleRange } from "./virtual-range";

describe("visibleRange", () => {
  it("renders only the rows in view plus overscan", () => {
    expect(visibleRange(0, 340, 34, 100_000, 5)).toEqual({ start: 0, end: 16 });
    const mid = visibleRange(34 * 50_000, 340, 34, 100_000, 5);
    expect(mid).toEqual({ start: 49_995, end: 50_016 });
    expect(mid.end - mid.start).toBeLessThan(30);
  });

  it("clamps at the end and handles empty lists", () => {
    expect(visibleRange(1e9, 340, 34, 10, 5)).toEqual({ start: 9, end: 10 });
    expect(visibleRange(0, 340, 34, 0)).toEqual({ start: 0, end: 0 });
  });

  it("is the same range while scrolling within a row", () => {
    const a = visibleRange(34 * 100, 340, 34, 100_000, 3);
    expect(sameRange(a, visibleRange(34 * 100 + 33, 340, 34, 100_000, 3))).toBe(true);
    expect(sameRange(a, visibleRange(34 * 101, 340, 34, 100_000, 3))).toBe(false);
  });
});

describe("filter model", () => {
  it("adds values to one in filter and keeps contains text apart", () => {
    let filters = addValue([], "PACKAGE_LEF", "SMA");
    filters = addValue(filters, "PACKAGE_LEF", "SOD");
    filters = addValue(filters, "PACKAGE_LEF", "SMA");
    filters = setContains(filters, "LOTID", " ga25 ");
    expect(filters).toEqual([
      { field: "PACKAGE_LEF", op: "in", values: ["SMA", "SOD"] },
      { field: "LOTID", op: "contains", value: "ga25" },
    ]);
    expect(chipsOf(filters, "PACKAGE_LEF").map((c) => c.value)).toEqual(["SMA", "SOD"]);
    expect(widgetsOf(filters)).toEqual({
      "f.PACKAGE_LEF": [filters[0]],
      "f.LOTID": [filters[1]],
    });
  });

  it("removes chips, dropping an emptied filter", () => {
    const filters = addValue(setContains([], "LOTID", "x"), "PJ_TYPE", "BJT");
    const [lotChip] = chipsOf(filters, "LOTID");
    const [typeChip] = chipsOf(filters, "PJ_TYPE");
    expect(lotChip && removeChip(filters, lotChip)).toEqual([{ field: "PJ_TYPE", op: "in", values: ["BJT"] }]);
    expect(typeChip && removeChip(filters, typeChip)).toEqual([{ field: "LOTID", op: "contains", value: "x" }]);
  });
});
