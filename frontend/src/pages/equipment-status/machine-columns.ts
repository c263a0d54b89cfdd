/** The machine table's columns (contract labels and export headers). */
import type { TableColumn } from "../../components/table-column";
import { csvColumns } from "../../core/csv-export";

export function machineTableColumns(
  fieldLabel: (dataset: "resource", name: string) => string,
  fmt: (v: number | null) => string,
): TableColumn[] {
  const col = (key: string, width: number, extra: Partial<TableColumn> = {}): TableColumn => ({
    key,
    label: fieldLabel("resource", key),
    width,
    csv: csvColumns("resource", [key]),
    ...extra,
  });
  const metricCol = (metric: string, field: string, width: number): TableColumn => ({
    key: metric,
    label: fieldLabel("resource", field),
    width,
    align: "right",
    format: (v) => fmt(typeof v === "number" ? v : null),
    csv: [{ ...(csvColumns("resource", [field])[0] ?? { header: field, type: "number" as const }), key: metric }],
  });
  return [
    col("RESOURCENAME", 130, { link: true }),
    col("RESOURCEID", 120),
    col("STATUS_E10", 90, { cellClass: (v) => (typeof v === "string" ? `tone-${v}` : null) }),
    col("EQUIPMENTASSETSSTATUSREASON", 140),
    col("WORKCENTER_GROUP", 120),
    col("RESOURCEFAMILYNAME", 130),
    col("LOCATIONNAME", 100),
    metricCol("lots_on_machines", "LOT_COUNT", 100),
    metricCol("trackin_qty", "TOTAL_TRACKIN_QTY", 110),
    col("JOBORDER", 130),
    col("JOBSTATUS", 100),
  ];
}
