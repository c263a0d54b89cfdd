/** CSV of the whole equipment hierarchy (every level, whatever is expanded), headers from the dataset's contract. */
import { type CsvColumn, csvColumns } from "../../core/csv-export";
import type { HierarchyNode } from "../../core/hierarchy-matrix";
import type { Dataset, ResultRow } from "../../core/query";

export function hierarchyCsv(
  tree: readonly HierarchyNode[],
  metrics: readonly string[],
  levelHeader: string,
  dataset: Dataset = "resource",
): { rows: ResultRow[]; columns: CsvColumn[] } {
  const rows: ResultRow[] = [];
  const walk = (nodes: readonly HierarchyNode[]) => {
    for (const n of nodes) {
      rows.push({
        level: n.level,
        WORKCENTER_GROUP: n.group,
        RESOURCEFAMILYNAME: n.level >= 1 ? n.family : null,
        RESOURCEID: n.machine,
        RESOURCENAME: n.level === 2 ? n.label : null,
        ...n.values,
      });
      walk(n.children);
    }
  };
  walk(tree);
  return {
    rows,
    columns: [
      { key: "level", header: levelHeader, type: "number" },
      ...csvColumns(dataset, ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME", "RESOURCEID", "RESOURCENAME", ...metrics]),
    ],
  };
}
