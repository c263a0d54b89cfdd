import { describe, expect, it } from "vitest";
import { sortRows } from "./sort-rows";

const rows = [
  { G: "b", n: 1 },
  { G: null, n: 3 },
  { G: "\u{1F600}", n: null },
  { G: "\uff01", n: 3 },
  { G: "a", n: 3 },
];

describe("sortRows", () => {
  it("orders by sort keys with nulls last both ways, then group keys by code point, then limits", () => {
    const desc = sortRows(rows, { sort: [{ by: "n", desc: true }], groupKeys: ["G"] });
    expect(desc.map((r) => r.G)).toEqual(["a", "\uff01", null, "b", "\u{1F600}"]);
    const asc = sortRows(rows, { sort: [{ by: "n" }], groupKeys: ["G"], limit: 3 });
    expect(asc.map((r) => r.G)).toEqual(["b", "a", "\uff01"]);
    expect(sortRows(rows, { sort: [], groupKeys: ["G"] }).map((r) => r.G)).toEqual([
      "a",
      "b",
      "\uff01",
      "\u{1F600}",
      null,
    ]);
  });

  it("leaves its input alone and rejects a bad limit", () => {
    const copy = [...rows];
    sortRows(rows, { sort: [{ by: "n" }], groupKeys: ["G"] });
    expect(rows).toEqual(copy);
    expect(() => sortRows(rows, { sort: [], groupKeys: [], limit: -1 })).toThrow(RangeError);
  });
});
