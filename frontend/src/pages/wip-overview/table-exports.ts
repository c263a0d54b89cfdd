/** CSV rows and columns of the overview's matrix (exactly what it shows). */
import { type CsvColumn, csvColumns } from "../../core/csv-export";
import type { PackageMatrix } from "../../core/package-matrix";
import type { ResultRow } from "../../core/query";

export interface CsvTable {
  rows: ResultRow[];
  columns: CsvColumn[];
}

/** One CSV row per matrix row plus the total row; one column per package shown, other, total. */
export function matrixCsv(matrix: PackageMatrix, labels: { other: string; total: string; none: string }): CsvTable {
  const packageColumns = matrix.packages.map(
    (p, i): CsvColumn => ({ key: `p${i}`, header: p ?? labels.none, type: "number" }),
  );
  const columns: CsvColumn[] = [
    ...csvColumns("wip", ["WORKCENTER_GROUP", "lots"]),
    ...packageColumns,
    ...(matrix.hasOther ? [{ key: "other", header: labels.other, type: "number" as const }] : []),
    { key: "qty", header: labels.total, type: "number" },
  ];
  const line = (head: ResultRow, cells: (number | null)[], other: number | null, qty: number | null): ResultRow => ({
    ...head,
    ...Object.fromEntries(cells.map((v, i) => [`p${i}`, v])),
    other,
    qty,
  });
  return {
    columns,
    rows: [
      ...matrix.rows.map((r) => line({ WORKCENTER_GROUP: r.group, lots: r.lots }, r.cells, r.other, r.qty)),
      line({ WORKCENTER_GROUP: labels.total, lots: matrix.lots }, matrix.columnTotals, matrix.otherTotal, matrix.qty),
    ],
  };
}
