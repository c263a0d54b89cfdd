import { describe, expect, it } from "vitest";
import { makeTable } from "./make-table";
import { suggest } from "./suggest";

const table = makeTable({
  PKG: { kind: "dictionary", values: ["SMA", "sma", "SMB", "SMA", null, "\u{1F600}s", "\uff01s", "SOD"] },
  LOT: { kind: "utf8", values: ["GA1", "ga2", "GA1", null, "xGA", "GB", "GA3", "GA3"] },
  QTY: { kind: "int", values: [1, 2, 3, 4, 5, 6, 7, 8] },
});

describe("suggest", () => {
  it("ranks matching values by count, then code point, case-insensitively", () => {
    expect(suggest(table, { field: "PKG", text: "sm" })).toEqual([
      { value: "SMA", count: 2 },
      { value: "SMB", count: 1 },
      { value: "sma", count: 1 },
    ]);
    expect(suggest(table, { field: "PKG", text: "S", mode: "contains", limit: 10 }).map((s) => s.value)).toEqual([
      "SMA",
      "SMB",
      "SOD",
      "sma",
      "\uff01s",
      "\u{1F600}s",
    ]);
  });

  it("counts under a mask and limits", () => {
    const mask = Uint8Array.from([0, 1, 1, 1, 1, 1, 1, 1]);
    expect(suggest(table, { field: "LOT", text: "ga", limit: 2 }, mask)).toEqual([
      { value: "GA3", count: 2 },
      { value: "GA1", count: 1 },
    ]);
    expect(suggest(table, { field: "LOT", text: "", limit: 0 })).toEqual([]);
  });

  it("rejects non-string columns", () => {
    expect(() => suggest(table, { field: "QTY", text: "1" })).toThrow(/INVALID_QUERY/);
  });
});
