import { describe, expect, it } from "vitest";
import { toCsv } from "../../core/csv-export";
import { buildHierarchy } from "../../core/hierarchy-matrix";
import { hierarchyCsv } from "./hierarchy-export";
import { statusByGroupOptions } from "./status-by-group";

describe("hierarchy CSV", () => {
  it("lists every level with its counts", () => {
    const tree = buildHierarchy({
      groups: [{ WORKCENTER_GROUP: "DB", machines: 1, ou_pct: 100 }],
      families: [{ WORKCENTER_GROUP: "DB", RESOURCEFAMILYNAME: "F", machines: 1, ou_pct: 100 }],
      machines: [{ WORKCENTER_GROUP: "DB", RESOURCEFAMILYNAME: "F", RESOURCEID: "E1", machines: 1, ou_pct: 100 }],
      metrics: ["machines", "ou_pct"],
      machineName: () => "M-1",
    });
    const { rows, columns } = hierarchyCsv(tree, ["machines", "ou_pct"], "Level");
    expect(toCsv(rows, columns)).toBe(
      "Level,Workcenter group,Family,Resource ID,Machine,Machines,OU%\r\n" +
        "0,DB,,,,1,100\r\n1,DB,F,,,1,100\r\n2,DB,F,E1,M-1,1,100\r\n",
    );
  });
});

describe("status by group chart", () => {
  it("stacks one series per E10 status over the groups", () => {
    const option = statusByGroupOptions(
      [{ WORKCENTER_GROUP: "DB", prd_machines: 2, udt_machines: 1 }, { WORKCENTER_GROUP: null }],
      "(unmapped)",
      "Machines",
    ) as { xAxis: { data: string[] }; series: { name: string; data: number[]; stack: string }[] };
    expect(option.xAxis.data).toEqual(["DB", "(unmapped)"]);
    expect(option.series.map((s) => s.name)).toEqual(["PRD", "SBY", "UDT", "SDT", "EGT", "NST", "OTHER"]);
    expect(option.series[0]).toMatchObject({ data: [2, 0], stack: "total" });
  });
});
