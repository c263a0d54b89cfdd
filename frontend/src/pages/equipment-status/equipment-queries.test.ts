import { describe, expect, it } from "vitest";
import { validateFilters } from "../../core/validate-query";
import { cellFilters, decodeCell, encodeCell, equipmentWidgets } from "./equipment-queries";

describe("matrix cell selection", () => {
  it("round-trips through the URL and becomes filters", () => {
    const cells = [
      { group: "DB", status: "UDT" as const },
      { group: null, family: null, status: null },
      { group: "WB", family: "F1", machine: "EQ1", status: "PRD" as const },
    ];
    for (const cell of cells) expect(decodeCell(encodeCell(cell))).toEqual(cell);
    expect(cellFilters(cells[2] ?? null)).toEqual([
      { field: "WORKCENTER_GROUP", op: "in", values: ["WB"] },
      { field: "RESOURCEFAMILYNAME", op: "in", values: ["F1"] },
      { field: "RESOURCEID", op: "eq", value: "EQ1" },
      { field: "STATUS_E10", op: "eq", value: "PRD" },
    ]);
    expect(decodeCell("nonsense")).toBeNull();
    expect(decodeCell('{"g":"DB","s":"BAD"}')).toBeNull();
  });

  it("widgets hold valid resource filters", () => {
    const widgets = equipmentWidgets({
      filters: [{ field: "LOCATIONNAME", op: "in", values: ["A棟1F"] }],
      flags: ["prod", "mon"],
      categories: ["down"],
      cell: { group: "DB", status: null },
    });
    for (const [name, filters] of Object.entries(widgets))
      expect(() => validateFilters("resource", filters, name)).not.toThrow();
    expect(widgets.flags).toEqual([
      { field: "PJ_ISPRODUCTION", op: "eq", value: true },
      { field: "PJ_ISMONITOR", op: "eq", value: true },
    ]);
  });
});
