/**
 * The one display formatter. Rounding happens here only (half-even on the exact binary value,
 * via Intl's roundingMode), never in compared values. Null shows as an em dash.
 */
import { formatIsoDate } from "./calendar";
import { type Locale, type MetricSpec, metricSpec, PLANT_TIME_ZONE } from "./contracts";

export const NULL_DISPLAY = "—";

export type DateTimeStyle = "datetime" | "datetime-seconds" | "date" | "time";

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: Locale, decimals: number, grouping: boolean): Intl.NumberFormat {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) throw new RangeError("decimals must be 0..20");
  const key = `${locale}|${decimals}|${grouping}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      roundingMode: "halfEven",
      useGrouping: grouping,
      signDisplay: "negative",
    });
    numberFormats.set(key, format);
  }
  return format;
}

/** A number rounded half-even to `decimals`, with grouping separators ("1,234.5"). */
export function formatNumber(
  value: number | null | undefined,
  decimals: number,
  locale: Locale = "zh-TW",
  grouping = true,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NULL_DISPLAY;
  return numberFormat(locale, decimals, grouping).format(value);
}

/** A value already in percent points (ratio metrics use scale 100): 12.345 -> "12.3%". */
export function formatPercent(value: number | null | undefined, decimals: number, locale: Locale = "zh-TW"): string {
  const text = formatNumber(value, decimals, locale);
  return text === NULL_DISPLAY ? text : `${text}%`;
}

/** A metric value with the metric's decimals (and % for percentage metrics). */
export function formatMetric(value: number | null | undefined, metric: string | MetricSpec, locale: Locale = "zh-TW") {
  const spec = typeof metric === "string" ? metricSpec(metric) : metric;
  if (!spec) throw new RangeError(`unknown metric ${String(metric)}`);
  return spec.unit === "%" ? formatPercent(value, spec.decimals, locale) : formatNumber(value, spec.decimals, locale);
}

const DATE_PARTS: Record<DateTimeStyle, Intl.DateTimeFormatOptions> = {
  datetime: { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" },
  "datetime-seconds": {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  },
  date: { year: "numeric", month: "2-digit", day: "2-digit" },
  time: { hour: "2-digit", minute: "2-digit" },
};

/** A calendar date (epoch days, or its "YYYY-MM-DD" text as results carry it) as "YYYY-MM-DD". */
export function formatDate(value: number | string | null | undefined): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined || !Number.isFinite(value)) return NULL_DISPLAY;
  return formatIsoDate(value);
}

/** Epoch ms in the plant time zone as "YYYY-MM-DD HH:mm" (style picks date, time, seconds). */
export function formatDateTime(ms: number | null | undefined, style: DateTimeStyle = "datetime"): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NULL_DISPLAY;
  let format = dateFormats.get(style);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { ...DATE_PARTS[style], hourCycle: "h23", timeZone: PLANT_TIME_ZONE });
    dateFormats.set(style, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(ms)) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = parts.second ? `${parts.hour}:${parts.minute}:${parts.second}` : `${parts.hour}:${parts.minute}`;
  if (style === "date") return date;
  if (style === "time") return time;
  return `${date} ${time}`;
}
