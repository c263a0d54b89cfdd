import { describe, expect, it } from "vitest";
import { filterMask } from "./filter-mask";
import { makeTable } from "./make-table";
import type { Filter } from "./query";

const table = makeTable({
  CAT: { kind: "dictionary", values: ["Äpfel", "äpfel", null, "SMA", "ΣΊΣΥΦΟΣ"] },
  NAME: { kind: "utf8", values: ["GA2512", null, "ga2512-x", "İstanbul", "x"] },
  QTY: { kind: "int", values: [0, 10, null, -5, 20] },
  TIME: { kind: "timestamp", values: [1000, 2000, 3000, null, 1000] },
  FLAG: { kind: "bool", values: [true, false, null, true, false] },
});

const rows = (f: Filter) => Array.from(filterMask(table, [f]));

describe("filterMask", () => {
  it("eq and in match exact values; ne and not_in keep nulls", () => {
    expect(rows({ field: "CAT", op: "eq", value: "SMA" })).toEqual([0, 0, 0, 1, 0]);
    expect(rows({ field: "CAT", op: "ne", value: "SMA" })).toEqual([1, 1, 1, 0, 1]);
    expect(rows({ field: "QTY", op: "ne", value: 10 })).toEqual([1, 0, 1, 1, 1]);
    expect(rows({ field: "NAME", op: "ne", value: "x" })).toEqual([1, 1, 1, 1, 0]);
    expect(rows({ field: "CAT", op: "in", values: ["SMA", null] })).toEqual([0, 0, 1, 1, 0]);
    expect(rows({ field: "CAT", op: "not_in", values: ["SMA"] })).toEqual([1, 1, 1, 0, 1]);
    expect(rows({ field: "CAT", op: "not_in", values: ["SMA", null] })).toEqual([1, 1, 0, 0, 1]);
    expect(rows({ field: "FLAG", op: "eq", value: false })).toEqual([0, 1, 0, 0, 1]);
    expect(rows({ field: "FLAG", op: "ne", value: true })).toEqual([0, 1, 1, 0, 1]);
    expect(rows({ field: "TIME", op: "in", values: [1000, null] })).toEqual([1, 0, 0, 1, 1]);
    expect(rows({ field: "NAME", op: "in", values: [] })).toEqual([0, 0, 0, 0, 0]);
  });

  it("contains and prefix lower-case both sides (non-ASCII too) and never match null", () => {
    expect(rows({ field: "CAT", op: "prefix", value: "äP" })).toEqual([1, 1, 0, 0, 0]);
    expect(rows({ field: "CAT", op: "contains", value: "σίσυφος" })).toEqual([0, 0, 0, 0, 1]);
    expect(rows({ field: "NAME", op: "contains", value: "GA25" })).toEqual([1, 0, 1, 0, 0]);
    expect(rows({ field: "NAME", op: "prefix", value: "i̇st" })).toEqual([0, 0, 0, 1, 0]);
    expect(rows({ field: "NAME", op: "contains", value: "" })).toEqual([1, 0, 1, 1, 1]);
  });

  it("between is half-open [min, max), open without a bound, never null", () => {
    expect(rows({ field: "QTY", op: "between", min: 0, max: 10 })).toEqual([1, 0, 0, 0, 0]);
    expect(rows({ field: "QTY", op: "between", min: 0 })).toEqual([1, 1, 0, 0, 1]);
    expect(rows({ field: "QTY", op: "between", max: 0 })).toEqual([0, 0, 0, 1, 0]);
    expect(rows({ field: "TIME", op: "between", min: 1000, max: 3000 })).toEqual([1, 1, 0, 0, 1]);
  });

  it("is_null and not_null test nulls; filters combine with AND", () => {
    expect(rows({ field: "FLAG", op: "is_null" })).toEqual([0, 0, 1, 0, 0]);
    expect(rows({ field: "NAME", op: "not_null" })).toEqual([1, 0, 1, 1, 1]);
    const both = filterMask(table, [
      { field: "QTY", op: "not_null" },
      { field: "FLAG", op: "eq", value: true },
    ]);
    expect(Array.from(both)).toEqual([1, 0, 0, 1, 0]);
    expect(Array.from(filterMask(table, []))).toEqual([1, 1, 1, 1, 1]);
  });

  it("rejects ops and values the column type cannot take", () => {
    expect(() => rows({ field: "QTY", op: "contains", value: "1" })).toThrow(/INVALID_QUERY/);
    expect(() => rows({ field: "CAT", op: "between", min: 1 })).toThrow(/INVALID_QUERY/);
    expect(() => rows({ field: "QTY", op: "eq", value: "10" })).toThrow(/INVALID_QUERY/);
    expect(() => rows({ field: "NOPE", op: "is_null" })).toThrow(/INVALID_QUERY/);
  });
});

describe("filterMask on a date column", () => {
  const history = makeTable({ TXNDATE: { kind: "date", values: ["2026-12-31", "2027-01-01", null, "2024-02-29"] } });
  const days = (f: Filter) => Array.from(filterMask(history, [f]));

  it("takes YYYY-MM-DD values; between is half-open; ne and not_in keep nulls", () => {
    expect(days({ field: "TXNDATE", op: "eq", value: "2027-01-01" })).toEqual([0, 1, 0, 0]);
    expect(days({ field: "TXNDATE", op: "ne", value: "2027-01-01" })).toEqual([1, 0, 1, 1]);
    expect(days({ field: "TXNDATE", op: "in", values: ["2024-02-29", null] })).toEqual([0, 0, 1, 1]);
    expect(days({ field: "TXNDATE", op: "not_in", values: ["2024-02-29"] })).toEqual([1, 1, 1, 0]);
    expect(days({ field: "TXNDATE", op: "between", min: "2026-12-31", max: "2027-01-01" })).toEqual([1, 0, 0, 0]);
    expect(days({ field: "TXNDATE", op: "between", min: "2025-01-01" })).toEqual([1, 1, 0, 0]);
    expect(days({ field: "TXNDATE", op: "is_null" })).toEqual([0, 0, 1, 0]);
  });

  it("rejects values that are not real dates", () => {
    expect(() => days({ field: "TXNDATE", op: "eq", value: "2025-02-29" })).toThrow(/INVALID_QUERY/);
    expect(() => days({ field: "TXNDATE", op: "eq", value: 20270101 })).toThrow(/INVALID_QUERY/);
    expect(() => days({ field: "TXNDATE", op: "between", min: 0 })).toThrow(/INVALID_QUERY/);
  });
});
