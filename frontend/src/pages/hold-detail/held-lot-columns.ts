/** The held-lot table's columns: hold hours first, then where the lot is; contract export headers. */

import type { TableColumn } from "../../components/table-column";
import { fieldSpec, type Locale } from "../../core/contracts";
import { csvColumns } from "../../core/csv-export";
import { formatDateTime, formatMetric, formatNumber } from "../../core/format";
import type { MessageKey, MessageParams } from "../../i18n/i18n";

interface Labels {
  t: (key: MessageKey, params?: MessageParams) => string;
  fieldLabel: (dataset: "wip", name: string) => string;
  locale: Locale;
}

export function heldLotColumns({ t, fieldLabel, locale }: Labels): TableColumn[] {
  const csv = (key: string) => csvColumns("wip", [key]);
  const text = (key: string, width: number): TableColumn => ({
    key,
    label: fieldLabel("wip", key),
    width,
    csv: csv(key),
  });
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  return [
    { key: "LOTID", label: fieldLabel("wip", "LOTID"), width: 190, link: true, csv: csv("LOTID") },
    {
      key: "max_hold_hours",
      label: fieldLabel("wip", "HOLD_HOURS"),
      width: 110,
      align: "right",
      format: (v) => formatMetric(num(v), "max_hold_hours", locale),
      csv: [{ key: "max_hold_hours", header: fieldSpec("wip", "HOLD_HOURS")?.export ?? "Hold hours", type: "number" }],
    },
    {
      key: "CURRENTHOLDTIME",
      label: fieldLabel("wip", "CURRENTHOLDTIME"),
      width: 150,
      format: (v) => formatDateTime(num(v)),
      csv: csv("CURRENTHOLDTIME"),
    },
    {
      key: "qty",
      label: fieldLabel("wip", "QTY"),
      width: 110,
      align: "right",
      format: (v) => formatNumber(num(v), 0, locale),
      csv: [{ key: "qty", header: fieldSpec("wip", "QTY")?.export ?? "Qty", type: "number" }],
    },
    text("WORKCENTER_GROUP", 130),
    text("SPECNAME", 130),
    text("PACKAGE_LEF", 150),
    text("EQUIPMENTNAME", 120),
    {
      key: "HOLD_TYPE",
      label: fieldLabel("wip", "HOLD_TYPE"),
      width: 100,
      format: (v) => (v === "quality" || v === "non_quality" ? t(`hold.type.${v}`) : "—"),
      csv: csv("HOLD_TYPE"),
    },
  ];
}
