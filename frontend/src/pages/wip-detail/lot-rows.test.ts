import { describe, expect, it } from "vitest";
import { lotRows, SPEC_PREFIX, specNames } from "./lot-rows";

describe("lot table", () => {
  it("lists lots with equipment, status, package and the QTY under the spec, specs in spec order", () => {
    const results = {
      l0: {
        rows: [
          { LOTID: "B", EQUIPMENTNAME: null, EQUIPMENTS: "M1,M2", qty: 5 },
          { LOTID: "A", EQUIPMENTNAME: "M9", EQUIPMENTS: null, qty: 7 },
        ],
        total: {},
      },
      l1: { rows: [{ LOTID: "A", WIP_STATUS: "HOLD", HOLDREASONNAME: "R" }], total: {} },
      l2: {
        rows: [
          { LOTID: "A", PACKAGE_LEF: "SMA", SPECNAME: "DB" },
          { LOTID: "B", PACKAGE_LEF: "SMA", SPECNAME: null },
        ],
        total: {},
      },
      specs: {
        rows: [
          { SPEC_SEQ: 100, SPECNAME: "DB" },
          { SPEC_SEQ: 300, SPECNAME: "WB" },
          { SPEC_SEQ: null, SPECNAME: null },
        ],
        total: {},
      },
    };
    expect(specNames(results.specs)).toEqual(["DB", "WB"]);
    const rows = lotRows(results);
    expect(rows.map((r) => [r.LOTID, r.equipment, r.WIP_STATUS ?? null, r[`${SPEC_PREFIX}DB`] ?? null])).toEqual([
      ["B", "M1,M2", null, null],
      ["A", "M9", "HOLD", 7],
    ]);
  });
});
