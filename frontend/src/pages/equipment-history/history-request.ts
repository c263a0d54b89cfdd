/**
 * The history request the page's URL holds: the date range (default the last 7 full plant-local
 * days), groups, families and flags, as the server parameters of `resource_history`.
 */
import type { QueryParams } from "../../app/query-dataset-store";
import { formatIsoDate, PERIOD_UNITS, type PeriodUnit, parseIsoDate } from "../../core/calendar";
import { maxRangeDays } from "../../core/contracts";
import { plantDay } from "../../core/plant-day";
import type { Filter } from "../../core/query";
import { FLAGS, type FlagKey } from "../equipment-status/equipment-queries";

/** The longest range the server takes (contracts/fields.json, read by the server too). */
export const MAX_DAYS = maxRangeDays("resource_history") ?? Number.POSITIVE_INFINITY;
export const DEFAULT_DAYS = 7;
export const SERVER_FILTER_FIELDS = ["WORKCENTER_GROUP", "RESOURCEFAMILYNAME"] as const;
const FLAG_PARAM: Record<FlagKey, string> = { prod: "is_production", key: "is_key", mon: "is_monitor" };

export interface HistoryRequest {
  start: string;
  end: string;
  groups: string[];
  families: string[];
  flags: FlagKey[];
  granularity: PeriodUnit;
  /** The request parameter that is wrong (then nothing is fetched), with a message key. */
  problem: {
    parameter: "start" | "end";
    message: "hist.range.invalid" | "hist.range.order" | "hist.range.tooLong";
  } | null;
}

/** The last `days` full plant-local days before the plant's today, at `nowMs`. */
export function defaultRange(nowMs: number, days = DEFAULT_DAYS): { start: string; end: string } {
  const yesterday = plantDay(nowMs) - 1;
  return { start: formatIsoDate(yesterday - days + 1), end: formatIsoDate(yesterday) };
}

function pickedValues(filters: readonly Filter[], field: string): string[] {
  const values = filters.flatMap((f) => (f.field === field && f.op === "in" ? f.values : []));
  return [...new Set(values.filter((v): v is string => typeof v === "string"))].sort();
}

/** The request of the URL's view keys (`from`, `to`, `unit`, flags) and filters, at `nowMs`. */
export function historyRequest(
  view: Readonly<Record<string, string>>,
  filters: readonly Filter[],
  nowMs: number,
): HistoryRequest {
  const range = defaultRange(nowMs);
  const start = view.from ?? range.start;
  const end = view.to ?? range.end;
  const unit = view.unit as PeriodUnit;
  return {
    start,
    end,
    groups: pickedValues(filters, "WORKCENTER_GROUP"),
    families: pickedValues(filters, "RESOURCEFAMILYNAME"),
    flags: FLAGS.filter((f) => view[f.key] === "1").map((f) => f.key),
    granularity: PERIOD_UNITS.includes(unit) ? unit : "day",
    problem: rangeProblem(start, end),
  };
}

export function rangeProblem(start: string, end: string): HistoryRequest["problem"] {
  const a = parseIsoDate(start);
  const b = parseIsoDate(end);
  if (a === null) return { parameter: "start", message: "hist.range.invalid" };
  if (b === null) return { parameter: "end", message: "hist.range.invalid" };
  if (b < a) return { parameter: "end", message: "hist.range.order" };
  if (b - a + 1 > MAX_DAYS) return { parameter: "end", message: "hist.range.tooLong" };
  return null;
}

/** The server parameters of a request (unchecked flags are no filter). */
export function requestParams(request: HistoryRequest): QueryParams {
  const params: Record<string, QueryParams[string]> = {
    start: request.start,
    end: request.end,
    workcenter_groups: request.groups,
    families: request.families,
  };
  for (const flag of request.flags) params[FLAG_PARAM[flag]] = true;
  return params;
}
