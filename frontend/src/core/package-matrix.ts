/**
 * The workcenter-group x package QTY matrix from three evaluate results: the top N packages by QTY
 * become columns, the rest fold into one "other" column; rows keep the order of the group query
 * (numeric group sequence, missing last).
 */
import type { ResultRow } from "./query";
import type { Scalar } from "./table";

export interface PackageMatrixInput {
  /** One row per group: {WORKCENTER_GROUP, lots, qty}, already in display order. */
  groups: readonly ResultRow[];
  /** One row per package: {PACKAGE_LEF, qty}, ordered by qty desc (ties by key). */
  packages: readonly ResultRow[];
  /** One row per (group, package): {WORKCENTER_GROUP, PACKAGE_LEF, qty}. */
  cells: readonly ResultRow[];
  /** Grand totals {lots, qty}. */
  total: Record<string, number | null>;
  topN: number;
  groupKey?: string;
  packageKey?: string;
}

export interface PackageMatrixRow {
  group: string | null;
  lots: number | null;
  qty: number | null;
  /** QTY per top package column; undefined entries never occur, null = no lots there. */
  cells: (number | null)[];
  /** QTY of the packages beyond the top N; null when the row has none. */
  other: number | null;
}

export interface PackageMatrix {
  packages: (string | null)[];
  hasOther: boolean;
  rows: PackageMatrixRow[];
  columnTotals: (number | null)[];
  otherTotal: number | null;
  lots: number | null;
  qty: number | null;
}

/** Build the matrix; sums of the "other" column add integer QTY sums, so they stay exact. */
export function buildPackageMatrix(input: PackageMatrixInput): PackageMatrix {
  const { topN, groupKey = "WORKCENTER_GROUP", packageKey = "PACKAGE_LEF" } = input;
  if (!Number.isInteger(topN) || topN < 0) throw new RangeError("topN must be an integer >= 0");
  const top = input.packages.slice(0, topN);
  const rest = input.packages.slice(topN);
  const packages = top.map((p) => asKey(p[packageKey]));
  const column = new Map(packages.map((p, i) => [p, i]));
  const byGroup = new Map<string | null, PackageMatrixRow>();
  const rows = input.groups.map((g) => {
    const row: PackageMatrixRow = {
      group: asKey(g[groupKey]),
      lots: asNumber(g.lots),
      qty: asNumber(g.qty),
      cells: packages.map(() => null),
      other: null,
    };
    byGroup.set(row.group, row);
    return row;
  });
  for (const cell of input.cells) {
    const row = byGroup.get(asKey(cell[groupKey]));
    const qty = asNumber(cell.qty);
    if (!row || qty === null) continue;
    const index = column.get(asKey(cell[packageKey]));
    if (index === undefined) row.other = (row.other ?? 0) + qty;
    else row.cells[index] = qty;
  }
  return {
    packages,
    hasOther: rest.length > 0,
    rows,
    columnTotals: top.map((p) => asNumber(p.qty)),
    otherTotal: sumNullable(rest.map((p) => asNumber(p.qty))),
    lots: input.total.lots ?? null,
    qty: input.total.qty ?? null,
  };
}

function sumNullable(values: readonly (number | null)[]): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
}

function asKey(value: Scalar | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function asNumber(value: Scalar | undefined): number | null {
  return typeof value === "number" ? value : null;
}
