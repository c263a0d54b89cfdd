import { describe, expect, it } from "vitest";
import { toCsv } from "../../core/csv-export";
import { buildPackageMatrix } from "../../core/package-matrix";
import { matrixCsv } from "./table-exports";

describe("overview CSV tables", () => {
  it("exports the matrix as shown, with the total row", () => {
    const matrix = buildPackageMatrix({
      groups: [{ WORKCENTER_GROUP: "DB", lots: 2, qty: 30 }],
      packages: [
        { PACKAGE_LEF: "SMA", qty: 20 },
        { PACKAGE_LEF: null, qty: 10 },
      ],
      cells: [
        { WORKCENTER_GROUP: "DB", PACKAGE_LEF: "SMA", qty: 20 },
        { WORKCENTER_GROUP: "DB", PACKAGE_LEF: null, qty: 10 },
      ],
      total: { lots: 2, qty: 30 },
      topN: 1,
    });
    const { rows, columns } = matrixCsv(matrix, { other: "Other", total: "Total", none: "(blank)" });
    expect(toCsv(rows, columns)).toBe("Workcenter group,Lots,SMA,Other,Total\r\nDB,2,20,10,30\r\nTotal,2,20,10,30\r\n");
  });
});
