/** The WIP detail lot table's columns: lot, equipment, status (with hold reason), package, QTY, specs. */

import type { TableColumn } from "../../components/table-column";
import { fieldSpec } from "../../core/contracts";
import { csvColumns } from "../../core/csv-export";
import type { MessageKey, MessageParams } from "../../i18n/i18n";
import { isStatusKey } from "../wip-shared/wip-queries";
import { SPEC_PREFIX } from "./lot-rows";

interface Options {
  t: (key: MessageKey, params?: MessageParams) => string;
  fieldLabel: (dataset: "wip", name: string) => string;
  fmt: (v: number | null) => string;
  /** Spec names in spec order: one QTY column each. */
  specs: readonly string[];
}

export function lotColumns({ t, fieldLabel, fmt, specs }: Options): TableColumn[] {
  const csv = (key: string) => csvColumns("wip", [key]);
  const statusText = (v: unknown) =>
    typeof v === "string" ? t(isStatusKey(v) ? `wip.status.${v}` : "wip.status.HOLD") : "—";
  return [
    { key: "LOTID", label: fieldLabel("wip", "LOTID"), width: 190, link: true, csv: csv("LOTID") },
    {
      key: "equipment",
      label: t("detail.equipment"),
      width: 130,
      csv: [{ key: "equipment", header: fieldSpec("wip", "EQUIPMENTNAME")?.export ?? "Equipment", type: "text" }],
    },
    {
      key: "WIP_STATUS",
      label: t("detail.status"),
      width: 180,
      format: statusText,
      sub: (row) => (row.WIP_STATUS === "HOLD" && typeof row.HOLDREASONNAME === "string" ? row.HOLDREASONNAME : null),
      cellClass: (v) => (typeof v === "string" ? `tone-${v}` : null),
      csv: csvColumns("wip", ["WIP_STATUS", "HOLDREASONNAME"]),
    },
    { key: "PACKAGE_LEF", label: fieldLabel("wip", "PACKAGE_LEF"), width: 150, csv: csv("PACKAGE_LEF") },
    {
      key: "qty",
      label: fieldLabel("wip", "QTY"),
      width: 110,
      align: "right",
      format: (v) => fmt(typeof v === "number" ? v : null),
      csv: [{ key: "qty", header: fieldSpec("wip", "QTY")?.export ?? "Qty", type: "number" }],
    },
    ...specs.map(
      (spec): TableColumn => ({
        key: `${SPEC_PREFIX}${spec}`,
        label: spec,
        width: 104,
        align: "right",
        format: (v) => (typeof v === "number" ? fmt(v) : ""),
        cellClass: (v) => (v === null ? "spec-empty" : "spec-cell"),
        csv: [{ key: `${SPEC_PREFIX}${spec}`, header: spec, type: "number" }],
      }),
    ),
  ];
}
