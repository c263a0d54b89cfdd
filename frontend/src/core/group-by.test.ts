import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test-support/seeded-random";
import { randomWipTable } from "../../test-support/wip-table";
import { bucketIndex, groupBy, groupSelection } from "./group-by";
import { makeTable } from "./make-table";
import { selectRows } from "./selection";
import type { NumericColumn } from "./table";

describe("bucketIndex", () => {
  it("counts the edges <= value: a value on an edge goes to the upper bucket", () => {
    const edges = [24, 72, 168];
    expect([-1, 0, 23.99, 24, 71, 72, 168, 1e9].map((v) => bucketIndex(edges, v))).toEqual([0, 0, 0, 1, 1, 2, 3, 3]);
  });
});

describe("groupBy", () => {
  const table = makeTable({
    A: { kind: "dictionary", values: ["x", "y", null, "x", "y"] },
    B: { kind: "utf8", values: ["p", null, "p", "p", null] },
    H: { kind: "float", values: [1, 30, null, 24, 23.5] },
  });
  const all = new Uint8Array(5).fill(1);

  it("makes one group per key combination with null as a real group", () => {
    const g = groupBy(
      table,
      [
        { name: "A", field: "A", edges: null },
        { name: "B", field: "B", edges: null },
      ],
      all,
    );
    expect(g.groupCount).toBe(3);
    expect(Array.from(g.groupIds)).toEqual([0, 1, 2, 0, 1]);
    expect(g.keys).toEqual([
      ["x", "y", null],
      ["p", null, "p"],
    ]);
  });

  it("buckets numeric keys and skips rows outside the mask", () => {
    const mask = Uint8Array.from([1, 1, 1, 0, 1]);
    const g = groupBy(table, [{ name: "AGE", field: "H", edges: [24] }], mask);
    expect(Array.from(g.groupIds)).toEqual([0, 1, 2, -1, 0]);
    expect(g.keys).toEqual([[0, 1, null]]);
  });

  it("puts every masked row in one group when there are no keys", () => {
    const g = groupBy(table, [], Uint8Array.from([0, 1, 0, 0, 0]));
    expect(g.groupCount).toBe(1);
    expect(Array.from(g.groupIds)).toEqual([-1, 0, -1, -1, -1]);
  });

  it("rejects a bucket over a string column", () => {
    expect(() => groupBy(table, [{ name: "A", field: "A", edges: [1] }], all)).toThrow(/INVALID_QUERY/);
  });
});

describe("groupSelection with a fused sum", () => {
  it("sums in the grouping loop exactly what the separate metric pass computes (seeded)", () => {
    const random = seededRandom(5);
    for (let round = 0; round < 20; round++) {
      const table = randomWipTable(random, 1 + random.int(300));
      const column = table.columns.get(random.pick(["QTY", "HOLD_HOURS", "AGEBYDAYS"])) as NumericColumn;
      const specs = random
        .pick([["WIP_STATUS"], ["WORKCENTER_GROUP", "PACKAGE_LEF"], ["IS_DUMMY", "HOLD_TYPE"]])
        .map((f) => ({ name: f, field: f, edges: null }));
      const selection = selectRows(table, random.chance(0.5) ? [] : [{ field: "QTY", op: "between", min: 3 }]);
      const fused = groupSelection(table, specs, selection, { sum: column });
      const plain = groupSelection(table, specs, selection);
      expect(fused.keys).toEqual(plain.keys);
      expect(Array.from(fused.rowCounts)).toEqual(Array.from(plain.rowCounts));
      const sums = new Float64Array(plain.groupCount);
      const counts = new Float64Array(plain.groupCount);
      let total = 0;
      for (let j = 0; j < selection.count; j++) {
        const row = selection.rows ? (selection.rows[j] as number) : j;
        const g = plain.gid?.[j] ?? 0;
        if (!column.valid[row]) continue;
        sums[g] = (sums[g] as number) + (column.values[row] as number);
        counts[g] = (counts[g] as number) + 1;
        total += column.values[row] as number;
      }
      expect(Array.from(fused.fused?.sums ?? [])).toEqual(Array.from(sums));
      expect(Array.from(fused.fused?.counts ?? [])).toEqual(Array.from(counts));
      expect(fused.fused?.total).toBe(total);
    }
  });
});
