import { describe, expect, it } from "vitest";
import { topN } from "./top-n";

const rows = [
  { G: "a", lots: 5, qty: 50, avg: 1 },
  { G: "b", lots: 3, qty: null, avg: 2 },
  { G: "c", lots: 2, qty: 20, avg: 3 },
  { G: "d", lots: 1, qty: 10, avg: null },
];

describe("topN", () => {
  it("keeps N rows and folds the rest into one other row (additive columns summed, others null)", () => {
    const result = topN(rows, { n: 2, sumKeys: ["lots", "qty"], other: { G: "Other" } });
    expect(result.rows).toEqual([rows[0], rows[1], { G: "Other", lots: 3, qty: 30, avg: null }]);
    expect(result.otherRow).toEqual({ G: "Other", lots: 3, qty: 30, avg: null });
  });

  it("adds no other row when there are at most N rows", () => {
    expect(topN(rows, { n: 4, sumKeys: ["lots"], other: { G: "Other" } })).toEqual({ rows, otherRow: null });
  });

  it("sums to null when every folded value is null", () => {
    const result = topN(rows, { n: 1, sumKeys: ["qty"], other: { G: "Other" } });
    expect(result.otherRow?.qty).toBe(30);
    expect(topN(rows.slice(0, 2), { n: 1, sumKeys: ["qty"], other: { G: "Other" } }).otherRow?.qty).toBeNull();
  });
});
