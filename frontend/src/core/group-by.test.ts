import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test-support/seeded-random";
import { randomWipTable } from "../../test-support/wip-table";
import type { PeriodUnit } from "./calendar";
import { bucketIndex, groupBy, groupSelection } from "./group-by";
import { makeTable } from "./make-table";
import { selectRows } from "./selection";
import type { NumericColumn } from "./table";
import type { GroupSpec } from "./validate-query";

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

describe.each(["UTC", "Asia/Taipei", "America/Los_Angeles"])("period keys with the machine in %s", (zone) => {
  const days = ["2026-12-31", "2027-01-01", "2027-01-04", null, "2020-12-31", "2021-01-03", "2024-02-29", "2024-03-01"];
  const taipeiMidnight = Date.UTC(2025, 10, 27, 16); // 2025-11-28T00:00+08:00
  const history = makeTable({
    TXNDATE: { kind: "date", values: days },
    STARTDATE: {
      kind: "timestamp",
      values: days.map((_, i) => (i === 3 ? null : taipeiMidnight + (i - 1) * 3_600_000)),
    },
  });
  const all = new Uint8Array(days.length).fill(1);
  const keysOf = (spec: GroupSpec) => {
    const machineZone = process.env.TZ;
    process.env.TZ = zone;
    try {
      const g = groupBy(history, [spec], all);
      return Array.from(g.groupIds, (id) => g.keys[0]?.[id] ?? null);
    } finally {
      process.env.TZ = machineZone;
    }
  };
  const period = (unit: PeriodUnit, field = "TXNDATE"): GroupSpec => ({
    name: field,
    field,
    edges: null,
    period: unit,
  });

  it("keys a week by its Monday, across year edges (2020 week 53)", () => {
    expect(keysOf(period("week"))).toEqual([
      "2026-12-28",
      "2026-12-28",
      "2027-01-04",
      null,
      "2020-12-28",
      "2020-12-28",
      "2024-02-26",
      "2024-02-26",
    ]);
  });

  it("keys days, months and years by their first day; null stays null", () => {
    expect(keysOf({ name: "TXNDATE", field: "TXNDATE", edges: null })).toEqual(days);
    expect(keysOf(period("day"))).toEqual(days);
    expect(keysOf(period("month"))).toEqual([
      "2026-12-01",
      "2027-01-01",
      "2027-01-01",
      null,
      "2020-12-01",
      "2021-01-01",
      "2024-02-01",
      "2024-03-01",
    ]);
    expect(keysOf(period("year"))).toEqual([
      "2026-01-01",
      "2027-01-01",
      "2027-01-01",
      null,
      "2020-01-01",
      "2021-01-01",
      "2024-01-01",
      "2024-01-01",
    ]);
  });

  it("takes a timestamp's period in the plant time zone", () => {
    expect(keysOf(period("day", "STARTDATE"))).toEqual([
      "2025-11-27",
      "2025-11-28",
      "2025-11-28",
      null,
      "2025-11-28",
      "2025-11-28",
      "2025-11-28",
      "2025-11-28",
    ]);
    expect(keysOf(period("week", "STARTDATE"))).toEqual([
      "2025-11-24",
      ...Array(2).fill("2025-11-24"),
      null,
      ...Array(4).fill("2025-11-24"),
    ]);
  });

  it("rejects a period on a column that is neither a date nor a timestamp", () => {
    const table = makeTable({ H: { kind: "float", values: [1] } });
    expect(() =>
      groupBy(table, [{ name: "H", field: "H", edges: null, period: "day" }], new Uint8Array(1).fill(1)),
    ).toThrow(/period on H: not a date or timestamp column/);
  });
});
