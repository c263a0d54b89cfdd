import { dictionary, tableFromArrays, tableToIPC, utf8 } from "@uwdata/flechette";
import { describe, expect, it } from "vitest";
import { compareCodePoints } from "./compare-values";
import { decodeTable } from "./decode-table";
import { makeTable } from "./make-table";
import { matchingRows, stringIndexOf } from "./string-index";
import { suggest } from "./suggest";
import type { Table } from "./table";

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

// Randomized comparison against a brute-force reference, over every path of the index.
const ALPHABET = [
  "a",
  "A",
  "b",
  "B",
  "0",
  "1",
  "-",
  "İ",
  "i",
  "Σ",
  "σ",
  "ς",
  "\u{1F600}",
  "\0",
  "ß",
  "\u212a",
  "k",
  "\uff01",
];

function reference(
  values: readonly (string | null)[],
  text: string,
  mode: "prefix" | "contains",
  limit: number,
  mask?: Uint8Array,
) {
  const needle = text.toLowerCase();
  const counts = new Map<string, number>();
  values.forEach((v, i) => {
    if (v === null || (mask && !mask[i])) return;
    const lower = v.toLowerCase();
    if (mode === "prefix" ? lower.startsWith(needle) : lower.includes(needle)) counts.set(v, (counts.get(v) ?? 0) + 1);
  });
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || compareCodePoints(a.value, b.value))
    .slice(0, limit);
}

function randomGenerator(seed: number) {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const word = (max: number) =>
    Array.from({ length: Math.floor(next() * max) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join("");
  return { next, word };
}

function needlesOf(values: readonly (string | null)[], word: (max: number) => string, next: () => number) {
  const present = values.filter((v): v is string => v !== null);
  const needles = ["", "a", "İ", "σ", "ς", "i̇", "\0", "k", "ss", word(2), word(3), word(4)];
  for (let j = 0; j < 6 && present.length > 0; j++) {
    const v = present[Math.floor(next() * present.length)] ?? "";
    const from = Math.floor(next() * v.length);
    needles.push(v.slice(from, from + 1 + Math.floor(next() * 5)));
    needles.push(v.toUpperCase().slice(0, 4));
  }
  return needles;
}

function checkAgainstReference(
  name: string,
  table: Table,
  field: string,
  values: readonly (string | null)[],
  seed: number,
) {
  const { next, word } = randomGenerator(seed);
  const n = values.length;
  const masks = [undefined, Uint8Array.from({ length: n }, () => (next() < 0.6 ? 1 : 0)), new Uint8Array(n)];
  for (const text of needlesOf(values, word, next)) {
    for (const mode of ["prefix", "contains"] as const) {
      for (const limit of [0, 1, 3, 1000]) {
        for (const mask of masks) {
          const got = suggest(table, { field, text, mode, limit }, mask);
          const label = `${name} ${JSON.stringify(text)} ${mode} ${limit} ${mask ? "mask" : "all"}`;
          expect(got, label).toEqual(reference(values, text, mode, limit, mask));
        }
      }
    }
  }
}

function utf8Table(values: (string | null)[], viaArrow: boolean): Table {
  if (!viaArrow) return makeTable({ S: { kind: "utf8", values } });
  const arrow = tableFromArrays({ S: values }, { types: { S: utf8() }, maxBatchRows: 7 });
  return decodeTable(tableToIPC(arrow, { format: "stream" }) as Uint8Array);
}

describe("suggest against a brute-force reference", () => {
  for (const viaArrow of [false, true]) {
    const source = viaArrow ? "decoded" : "makeTable";

    it(`utf8, distinct values ascending in row order (${source})`, () => {
      const { word } = randomGenerator(11);
      const distinct = [...new Set(Array.from({ length: 300 }, () => word(6)))].sort(compareCodePoints);
      const values: (string | null)[] = distinct.flatMap((v, i) => (i % 17 === 5 ? [null, v] : [v]));
      const table = utf8Table(values, viaArrow);
      const column = table.columns.get("S");
      if (column?.kind !== "utf8") throw new Error("expected utf8");
      expect(stringIndexOf(column).sorted).toBe(true);
      checkAgainstReference("sorted", table, "S", values, 1);
    });

    it(`utf8, distinct values in any order (${source})`, () => {
      const { next, word } = randomGenerator(12);
      const distinct = [...new Set(Array.from({ length: 300 }, () => word(6)))];
      const values: (string | null)[] = distinct.map((v) => (next() < 0.05 ? null : v));
      const table = utf8Table(values, viaArrow);
      const column = table.columns.get("S");
      if (column?.kind !== "utf8") throw new Error("expected utf8");
      const index = stringIndexOf(column);
      expect([index.sorted, index.rowEntries]).toEqual([false, null]);
      checkAgainstReference("unsorted", table, "S", values, 2);
    });

    it(`utf8 with repeated values (${source})`, () => {
      const { next, word } = randomGenerator(13);
      const pool = Array.from({ length: 60 }, () => word(5));
      const values = Array.from({ length: 400 }, () =>
        next() < 0.05 ? null : (pool[Math.floor(next() ** 2 * pool.length)] ?? ""),
      );
      const table = utf8Table(values, viaArrow);
      const column = table.columns.get("S");
      if (column?.kind !== "utf8") throw new Error("expected utf8");
      expect(stringIndexOf(column).rowEntries).not.toBeNull();
      checkAgainstReference("repeated", table, "S", values, 3);
    });
  }

  it("all-ASCII sorted identifiers, decoded (searched in the text itself for needles without letters)", () => {
    const { next } = randomGenerator(15);
    const distinct = [
      ...new Set(Array.from({ length: 400 }, () => `GA${Math.floor(next() * 5000)}-${next() < 0.5 ? "a" : "B"}1`)),
    ].sort(compareCodePoints);
    const values: (string | null)[] = distinct.flatMap((v, i) => (i % 23 === 7 ? [null, v] : [v]));
    const table = utf8Table(values, true);
    const column = table.columns.get("S");
    if (column?.kind !== "utf8") throw new Error("expected utf8");
    expect(stringIndexOf(column).sorted).toBe(true);
    checkAgainstReference("ascii sorted", table, "S", values, 5);
    for (const text of ["12", "1g", "-b1", "a1ga", "9", "1-"]) {
      for (const mode of ["prefix", "contains"] as const) {
        expect(suggest(table, { field: "S", text, mode, limit: 1000 }), text).toEqual(
          reference(values, text, mode, 1000),
        );
      }
    }
  });

  it("never matches across two values of the searched text", () => {
    const values = ["AB12", "34CD", "x1", "234"];
    for (const table of [utf8Table(values, true), makeTable({ D: { kind: "dictionary", values } })]) {
      const field = table.columns.has("S") ? "S" : "D";
      expect(suggest(table, { field, text: "1234", mode: "contains" })).toEqual([]);
      expect(suggest(table, { field, text: "12", mode: "contains" })).toEqual([{ value: "AB12", count: 1 }]);
      expect(suggest(table, { field, text: "cdx", mode: "contains" })).toEqual([]);
      expect(suggest(table, { field, text: "34", mode: "prefix" })).toEqual([{ value: "34CD", count: 1 }]);
    }
  });

  it("dictionary column decoded from a sorted dictionary (as the server ships it)", () => {
    const { next, word } = randomGenerator(16);
    for (const ascii of [true, false]) {
      const pool = [
        ...new Set(
          Array.from({ length: 120 }, () =>
            ascii ? `WO${Math.floor(next() * 900)}${next() < 0.3 ? "x" : ""}` : word(6),
          ),
        ),
      ].sort(compareCodePoints);
      const values = [
        ...pool,
        ...Array.from({ length: 500 }, () =>
          next() < 0.05 ? null : (pool[Math.floor(next() ** 3 * pool.length)] ?? ""),
        ),
      ];
      const arrow = tableFromArrays({ D: values }, { types: { D: dictionary(utf8()) } });
      const table = decodeTable(tableToIPC(arrow, { format: "stream" }) as Uint8Array);
      const column = table.columns.get("D");
      if (column?.kind !== "dictionary") throw new Error("expected a dictionary");
      expect(column.dictionary).toEqual(pool);
      checkAgainstReference(ascii ? "dictionary ascii" : "dictionary", table, "D", values, 6);
    }
  });

  it("dictionary column", () => {
    const { next, word } = randomGenerator(14);
    const pool = Array.from({ length: 80 }, () => word(7));
    const values = Array.from({ length: 500 }, () =>
      next() < 0.05 ? null : (pool[Math.floor(next() ** 3 * pool.length)] ?? ""),
    );
    const table = makeTable({ D: { kind: "dictionary", values } });
    checkAgainstReference("dictionary", table, "D", values, 4);
  });

  it("lower-cases each value alone (final sigma, dotted I) and counts value by value", () => {
    const values = ["ΟΔΟΣ", "ΟΔΟΣΑ", "İstanbul", "istanbul", "ΟΔΟΣ", null, ""];
    const table = makeTable({ S: { kind: "utf8", values }, D: { kind: "dictionary", values } });
    for (const field of ["S", "D"]) {
      expect(suggest(table, { field, text: "ς", mode: "contains" })).toEqual([{ value: "ΟΔΟΣ", count: 2 }]);
      expect(suggest(table, { field, text: "σα", mode: "contains" })).toEqual([{ value: "ΟΔΟΣΑ", count: 1 }]);
      expect(suggest(table, { field, text: "i̇st" })).toEqual([{ value: "İstanbul", count: 1 }]);
      expect(suggest(table, { field, text: "" }).map((s) => s.value)).toEqual([
        "ΟΔΟΣ",
        "",
        "istanbul",
        "İstanbul",
        "ΟΔΟΣΑ",
      ]);
    }
  });

  it("matchingRows agrees with the lower-cased test, nulls never match", () => {
    const values = ["GA1", null, "xga", "Ga", "İ", "b"];
    const table = makeTable({ S: { kind: "utf8", values }, D: { kind: "dictionary", values } });
    for (const field of ["S", "D"]) {
      const column = table.columns.get(field);
      if (column?.kind !== "utf8" && column?.kind !== "dictionary") throw new Error("expected a string column");
      expect(Array.from(matchingRows(column, "GA", "contains"))).toEqual([1, 0, 1, 1, 0, 0]);
      expect(Array.from(matchingRows(column, "ga", "prefix"))).toEqual([1, 0, 0, 1, 0, 0]);
      expect(Array.from(matchingRows(column, "", "prefix"))).toEqual([1, 0, 1, 1, 1, 1]);
    }
  });
});
