import { describe, expect, it } from "vitest";
import { compareCodePoints, compareNullsLast, compareValues } from "./compare-values";

describe("compareCodePoints", () => {
  it("orders U+FF01 before U+1F600 (JavaScript < says the opposite)", () => {
    expect("\u{1F600}" < "\uff01").toBe(true);
    expect(compareCodePoints("\uff01", "\u{1F600}")).toBe(-1);
    expect(compareCodePoints("\u{1F600}", "\uff01")).toBe(1);
  });

  it("agrees with a code point array comparison on mixed strings", () => {
    const strings = [
      "",
      "a",
      "ab",
      "b",
      "Z",
      "\ud7ff",
      "\ue000",
      "\uffff",
      "\u{10000}",
      "\u{1F600}",
      "\u{1F600}a",
      "封裝",
      "é",
    ];
    const byCodePoints = (a: string, b: string) => {
      const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
      const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
      for (let i = 0; i < Math.min(x.length, y.length); i++)
        if (x[i] !== y[i]) return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
      return Math.sign(x.length - y.length);
    };
    for (const a of strings)
      for (const b of strings) expect(compareCodePoints(a, b), `${a} ${b}`).toBe(byCodePoints(a, b));
  });
});

describe("compareNullsLast", () => {
  it("puts nulls last in both directions", () => {
    expect([3, null, 1].sort((a, b) => compareNullsLast(a, b))).toEqual([1, 3, null]);
    expect([3, null, 1].sort((a, b) => compareNullsLast(a, b, true))).toEqual([3, 1, null]);
  });

  it("orders false before true and numbers numerically", () => {
    expect(compareValues(false, true)).toBe(-1);
    expect(compareValues(10, 9)).toBe(1);
    expect(compareValues(-0, 0)).toBe(0);
  });
});
