/**
 * Drawer sections from the field contract: which fields each section shows, their labels in the
 * UI language and their display text. Values arrive as the rows endpoint's JSON (timestamps as
 * ISO strings with offset); nothing here is HTML.
 */

import type { DetailItem } from "../components/detail-item";
import { type FieldSpec, fieldSpecs, type Locale, sectionFields } from "../core/contracts";
import { formatDateTime, formatNumber, NULL_DISPLAY } from "../core/format";
import type { Dataset } from "../core/query";
import type { MessageKey } from "../i18n/i18n";

export type RowJson = Record<string, unknown>;

export interface SectionDef {
  id: string;
  title: MessageKey;
  /** Field names, or "rest" for every contract field no other section lists. */
  fields: readonly string[] | "rest";
  /** Shown only when this holds for the row. */
  when?: (row: RowJson) => boolean;
}

export interface DetailSection {
  id: string;
  title: MessageKey;
  items: DetailItem[];
}

export const LOT_SECTIONS: readonly SectionDef[] = [
  {
    id: "basic",
    title: "drawer.section.basic",
    fields: [
      "LOTID",
      "WORKORDER",
      "STATUS",
      "WIP_STATUS",
      "QTY",
      "PRIORITYCODENAME",
      "OWNER",
      "UTS",
      "LOCATIONNAME",
      "IS_DUMMY",
    ],
  },
  {
    id: "product",
    title: "drawer.section.product",
    fields: ["PACKAGE_LEF", "PRODUCTLINENAME", "PJ_TYPE", "PJ_FUNCTION", "PRODUCT", "BOP", "DATECODE"],
  },
  {
    id: "process",
    title: "drawer.section.process",
    fields: [
      "WORKCENTER_GROUP",
      "WORKCENTERNAME",
      "WORKCENTER_SHORT",
      "SPECNAME",
      "SPECSEQUENCE",
      "WORKFLOWNAME",
      "EQUIPMENTCOUNT",
      "EQUIPMENTNAME",
      "EQUIPMENTS",
      "STARTDATE",
      "MOVEINTIMESTAMP",
      "AGEBYDAYS",
    ],
  },
  { id: "material", title: "drawer.section.material", fields: ["WAFERLOT", "LEADFRAMENAME", "QTY2"] },
  {
    id: "hold",
    title: "drawer.section.hold",
    fields: [
      "HOLD_TYPE",
      "HOLDREASONNAME",
      "CURRENTHOLDCOUNT",
      "CURRENTHOLDTIME",
      "HOLD_HOURS",
      "HOLDEMP",
      "DEPTNAME",
      "COMMENT_HOLD",
      "RELEASETIME",
    ],
    when: (row) => row.WIP_STATUS === "HOLD" || (typeof row.CURRENTHOLDCOUNT === "number" && row.CURRENTHOLDCOUNT > 0),
  },
  { id: "ncr", title: "drawer.section.ncr", fields: ["EVENTNAME"], when: (row) => present(row.EVENTNAME) },
  { id: "comments", title: "drawer.section.comments", fields: ["CONTAINERCOMMENTS"] },
  { id: "other", title: "drawer.section.other", fields: "rest" },
];

export const EQUIPMENT_SECTIONS: readonly SectionDef[] = [
  {
    id: "basic",
    title: "drawer.section.basic",
    fields: [
      "RESOURCEID",
      "RESOURCENAME",
      "WORKCENTER_GROUP",
      "WORKCENTERNAME",
      "RESOURCEFAMILYNAME",
      "LOCATIONNAME",
      "PJ_DEPARTMENT",
    ],
  },
  {
    id: "status",
    title: "drawer.section.status",
    fields: [
      "STATUS_E10",
      "STATUS_CATEGORY",
      "EQUIPMENTASSETSSTATUS",
      "EQUIPMENTASSETSSTATUSREASON",
      "LOT_COUNT",
      "TOTAL_TRACKIN_QTY",
    ],
  },
  {
    id: "job",
    title: "drawer.section.job",
    fields: sectionFields("resource", "job"),
    when: hasJob,
  },
  {
    id: "asset",
    title: "drawer.section.asset",
    fields: [
      "VENDORNAME",
      "VENDORMODEL",
      "PJ_ASSETSSTATUS",
      "PJ_ISPRODUCTION",
      "PJ_ISKEY",
      "PJ_ISMONITOR",
      "LASTCHANGEDATE",
    ],
  },
  { id: "other", title: "drawer.section.other", fields: "rest" },
];

/** Does the machine have a maintenance job (flag or any job identifier)? */
export function hasJob(row: RowJson): boolean {
  return row.HAS_JOB === true || present(row.JOBORDER) || present(row.JOBID);
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined && String(value).trim() !== "";
}

/** The sections that apply to the row, each with its labelled, formatted items. */
export function buildDetailSections(
  dataset: Dataset,
  row: RowJson,
  defs: readonly SectionDef[],
  locale: Locale,
  yesNo: { yes: string; no: string },
): DetailSection[] {
  const specs = fieldSpecs(dataset);
  const listed = new Set(defs.flatMap((d) => (d.fields === "rest" ? [] : d.fields)));
  const byName = new Map(specs.map((s) => [s.name, s]));
  return defs
    .filter((d) => !d.when || d.when(row))
    .map((d) => {
      const names = d.fields === "rest" ? specs.map((s) => s.name).filter((n) => !listed.has(n)) : d.fields;
      const items = names.flatMap((name) => {
        const spec = byName.get(name);
        if (!spec || (d.fields === "rest" && !Object.hasOwn(row, name))) return [];
        return [
          {
            field: name,
            label: spec.label[locale],
            value: formatFieldValue(spec, row[name], locale, yesNo),
            multiline: spec.semantic === "text",
          },
        ];
      });
      return { id: d.id, title: d.title, items };
    })
    .filter((s) => s.items.length > 0);
}

/** One value as display text, by the field's contract type. */
export function formatFieldValue(
  spec: Pick<FieldSpec, "type" | "unit">,
  value: unknown,
  locale: Locale,
  yesNo: { yes: string; no: string },
): string {
  if (value === null || value === undefined || value === "") return NULL_DISPLAY;
  switch (spec.type) {
    case "timestamp": {
      const ms = typeof value === "number" ? value : Date.parse(String(value));
      return Number.isFinite(ms) ? formatDateTime(ms, "datetime-seconds") : String(value);
    }
    case "int32":
      return typeof value === "number" ? formatNumber(value, 0, locale) : String(value);
    case "float64":
      return typeof value === "number" ? formatNumber(value, spec.unit === "h" ? 1 : 2, locale) : String(value);
    case "bool":
      return value === true ? yesNo.yes : value === false ? yesNo.no : String(value);
    default:
      return String(value);
  }
}
