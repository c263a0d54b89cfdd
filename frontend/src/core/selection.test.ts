import { describe, expect, it } from "vitest";
import { type Random, seededRandom } from "../../test-support/seeded-random";
import { GROUPS, PACKAGES, randomWipTable, STATUSES } from "../../test-support/wip-table";
import { filterMask } from "./filter-mask";
import { makeTable } from "./make-table";
import type { Filter } from "./query";
import { maskToSelection, type Selection, selectionMask, selectRows } from "./selection";

const rowsOf = (s: Selection, n: number) => (s.rows ? Array.from(s.rows) : Array.from({ length: n }, (_, i) => i));
const maskRows = (mask: Uint8Array) => Array.from(mask.keys()).filter((i) => mask[i] === 1);

function randomFilter(random: Random): Filter {
  const pool: (() => Filter)[] = [
    // eq / in / is_null on dictionary columns can drive the selection from the row index.
    () => ({ field: "PACKAGE_LEF", op: "eq", value: random.pick(PACKAGES) }),
    () => ({ field: "WORKCENTER_GROUP", op: "in", values: [random.pick(GROUPS), random.pick([...GROUPS, null])] }),
    () => ({ field: "HOLD_TYPE", op: "is_null" }),
    () => ({ field: "HOLD_TYPE", op: "eq", value: "quality" }),
    () => ({ field: "WIP_STATUS", op: "in", values: STATUSES.slice(0, 1 + random.int(3)) }),
    () => ({ field: "PACKAGE_LEF", op: "not_in", values: [random.pick(PACKAGES), null] }),
    () => ({ field: "QTY", op: "between", min: random.int(20), max: 20 + random.int(30) }),
    () => ({ field: "IS_DUMMY", op: "eq", value: random.chance(0.5) }),
    () => ({ field: "LOTID", op: "contains", value: random.pick(["a", "ss", "1", "GA3"]) }),
    () => ({ field: "QTY2", op: "not_null" }),
  ];
  return random.pick(pool)();
}

describe("selectRows", () => {
  it("equals the brute-force mask for random filters, with and without a base (seeded)", () => {
    const random = seededRandom(11);
    for (let round = 0; round < 30; round++) {
      const n = 1 + random.int(400);
      const table = randomWipTable(random, n);
      for (let step = 0; step < 20; step++) {
        const filters = Array.from({ length: random.int(4) }, () => randomFilter(random));
        const expected = maskRows(filterMask(table, filters));
        expect(rowsOf(selectRows(table, filters), n), JSON.stringify(filters)).toEqual(expected);
        // Twice: the second answer comes from the cache and must be the same.
        expect(rowsOf(selectRows(table, filters), n)).toEqual(expected);
        const baseFilters = Array.from({ length: 1 + random.int(2) }, () => randomFilter(random));
        const baseMask = filterMask(table, baseFilters);
        const both = maskRows(filterMask(table, filters, baseMask));
        expect(rowsOf(selectRows(table, filters, baseMask), n)).toEqual(both);
        expect(rowsOf(selectRows(table, filters, selectRows(table, baseFilters)), n)).toEqual(both);
      }
    }
  });

  it("starts from the row index for a selective filter and keeps rows ascending across codes", () => {
    const table = makeTable({
      P: { kind: "dictionary", values: ["a", "b", "c", "a", null, "b", "c", "c", "c", "c", "c", "c"] },
      Q: { kind: "int", values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
    });
    const s = selectRows(table, [{ field: "P", op: "in", values: ["b", "a", null] }]);
    expect(Array.from(s.rows ?? [])).toEqual([0, 1, 3, 4, 5]);
    const t = selectRows(table, [
      { field: "P", op: "eq", value: "a" },
      { field: "Q", op: "between", min: 2 },
    ]);
    expect(Array.from(t.rows ?? [])).toEqual([3]);
  });

  it("returns every row as rows = null and rejects a bad filter even when cached", () => {
    const table = makeTable({ P: { kind: "dictionary", values: ["a", "b"] }, Q: { kind: "int", values: [1, 2] } });
    expect(selectRows(table, [])).toEqual({ rows: null, count: 2 });
    expect(selectRows(table, [{ field: "Q", op: "not_null" }])).toEqual({ rows: null, count: 2 });
    expect(() => selectRows(table, [{ field: "Q", op: "contains", value: "1" }])).toThrow(/INVALID_QUERY/);
    expect(() => selectRows(table, [{ field: "NOPE", op: "is_null" }])).toThrow(/INVALID_QUERY/);
    expect(() => selectRows(table, [], new Uint8Array(3))).toThrow(RangeError);
  });

  it("converts between masks and selections", () => {
    const mask = Uint8Array.from([0, 1, 1, 0, 1]);
    const selection = maskToSelection(mask);
    expect(selection.count).toBe(3);
    expect(Array.from(selectionMask(selection, 5))).toEqual([0, 1, 1, 0, 1]);
    expect(Array.from(selectionMask({ rows: null, count: 2 }, 2))).toEqual([1, 1]);
  });
});
