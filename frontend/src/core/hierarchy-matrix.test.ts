import { describe, expect, it } from "vitest";
import { buildHierarchy, flattenHierarchy, ouLevel } from "./hierarchy-matrix";

const metrics = ["machines", "ou_pct"];
const input = {
  groups: [
    { WORKCENTER_GROUP: "DB", machines: 3, ou_pct: 50 },
    { WORKCENTER_GROUP: null, machines: 1, ou_pct: null },
  ],
  families: [
    { WORKCENTER_GROUP: "DB", RESOURCEFAMILYNAME: "F2", machines: 1, ou_pct: 0 },
    { WORKCENTER_GROUP: "DB", RESOURCEFAMILYNAME: "F1", machines: 2, ou_pct: 100 },
    { WORKCENTER_GROUP: null, RESOURCEFAMILYNAME: null, machines: 1, ou_pct: null },
    { WORKCENTER_GROUP: "ORPHAN", RESOURCEFAMILYNAME: "F9", machines: 1, ou_pct: 1 },
  ],
  machines: [
    { WORKCENTER_GROUP: "DB", RESOURCEFAMILYNAME: "F1", RESOURCEID: "E2", machines: 1, ou_pct: 100 },
    { WORKCENTER_GROUP: "DB", RESOURCEFAMILYNAME: "F1", RESOURCEID: "E1", machines: 1, ou_pct: 100 },
    { WORKCENTER_GROUP: "DB", RESOURCEFAMILYNAME: "F2", RESOURCEID: "E3", machines: 1, ou_pct: 0 },
    { WORKCENTER_GROUP: null, RESOURCEFAMILYNAME: null, RESOURCEID: "E4", machines: 1, ou_pct: null },
  ],
  metrics,
  machineName: (id: string) => ({ E1: "M-b", E2: "M-a" })[id],
};

describe("buildHierarchy", () => {
  it("nests families and machines under their group and keeps each level's own values", () => {
    const tree = buildHierarchy(input);
    expect(tree.map((n) => [n.label, n.values])).toEqual([
      ["DB", { machines: 3, ou_pct: 50 }],
      [null, { machines: 1, ou_pct: null }],
    ]);
    const db = tree[0];
    expect(db?.children.map((n) => n.label)).toEqual(["F1", "F2"]);
    expect(db?.children[0]?.children.map((n) => [n.label, n.machine])).toEqual([
      ["M-a", "E2"],
      ["M-b", "E1"],
    ]);
    expect(tree[1]?.children[0]?.children[0]).toMatchObject({ label: "E4", level: 2, group: null, family: null });
  });

  it("flattens only expanded nodes", () => {
    const tree = buildHierarchy(input);
    expect(flattenHierarchy(tree, new Set()).map((r) => r.node.label)).toEqual(["DB", null]);
    const open = new Set([tree[0]?.key ?? "", tree[0]?.children[1]?.key ?? ""]);
    const rows = flattenHierarchy(tree, open);
    expect(rows.map((r) => [r.depth, r.node.label, r.expanded])).toEqual([
      [0, "DB", true],
      [1, "F1", false],
      [1, "F2", true],
      [2, "E3", false],
      [0, null, false],
    ]);
    expect(rows[3]?.expandable).toBe(false);
  });
});

describe("ouLevel", () => {
  it("maps OU% to badge levels, with no level for no value", () => {
    expect([80, 79.99, 50, 49.9, 0].map(ouLevel)).toEqual(["high", "medium", "medium", "low", "low"]);
    expect(ouLevel(null)).toBeNull();
    expect(ouLevel(Number.NaN)).toBeNull();
  });
});
