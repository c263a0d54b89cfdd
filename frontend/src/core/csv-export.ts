/** Rows -> CSV text: contract export headers, RFC 4180 quoting, spreadsheet formula guard. */
import { fieldSpec, type Locale, metricSpec } from "./contracts";
import { formatDate, formatDateTime } from "./format";
import type { Dataset, ResultRow } from "./query";
import type { Scalar } from "./table";

export type CsvCellType = "text" | "number" | "timestamp" | "date" | "bool";

export interface CsvColumn {
  key: string;
  header: string;
  type: CsvCellType;
}

export interface CsvOptions {
  /** Prefix a UTF-8 byte order mark so Excel opens the file as UTF-8. */
  bom?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Columns for result keys: fields use their `export` header, metrics their label; others their key. */
export function csvColumns(dataset: Dataset, keys: readonly string[], locale: Locale = "en"): CsvColumn[] {
  return keys.map((key) => {
    const field = fieldSpec(dataset, key);
    if (field) {
      const type: CsvCellType =
        field.type === "timestamp" || field.type === "date"
          ? field.type
          : field.type === "bool"
            ? "bool"
            : field.type === "int32" || field.type === "float64"
              ? "number"
              : "text";
      return { key, header: field.export, type };
    }
    const metric = metricSpec(key);
    if (metric) return { key, header: metric.label[locale], type: "number" };
    return { key, header: key, type: "text" };
  });
}

/** CSV with CRLF line ends; timestamps in the plant time zone, dates YYYY-MM-DD, numbers unrounded, nulls empty. */
export function toCsv(rows: readonly ResultRow[], columns: readonly CsvColumn[], options: CsvOptions = {}): string {
  const lines = [columns.map((c) => quoteCell(guardFormula(c.header))).join(",")];
  for (const row of rows) {
    lines.push(columns.map((c) => quoteCell(cellText(row[c.key] ?? null, c.type))).join(","));
  }
  return `${options.bom ? "\uFEFF" : ""}${lines.join("\r\n")}\r\n`;
}

function cellText(value: Scalar, type: CsvCellType): string {
  if (value === null) return "";
  if (type === "timestamp" && typeof value === "number") return formatDateTime(value, "datetime-seconds");
  if (type === "date" && typeof value === "number") return formatDate(value);
  if (typeof value === "string") return guardFormula(value);
  return String(value);
}

/** Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection). */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a cell holding a comma, quote, CR or LF; double the quotes inside. */
export function quoteCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
