/**
 * The filter bar's state as contract filters: per field, picked values become one `in` filter and
 * typed text one `contains` filter. Each field is its own crossfilter widget, so a field's
 * suggestions respect the other fields' filters but not its own.
 */
import type { Filter } from "./query";

export interface FilterChip {
  field: string;
  kind: "value" | "contains";
  value: string;
}

export const WIDGET_PREFIX = "f.";

export function chipsOf(filters: readonly Filter[], field: string): FilterChip[] {
  return filters.flatMap((f): FilterChip[] => {
    if (f.field !== field) return [];
    if (f.op === "in") return f.values.map((v) => ({ field, kind: "value", value: String(v) }));
    if (f.op === "contains") return [{ field, kind: "contains", value: f.value }];
    return [];
  });
}

/** Add a picked value to the field's `in` filter (kept once). */
export function addValue(filters: readonly Filter[], field: string, value: string): Filter[] {
  const existing = filters.find((f) => f.field === field && f.op === "in");
  if (existing && existing.op === "in") {
    if (existing.values.includes(value)) return [...filters];
    return filters.map((f) => (f === existing ? { ...existing, values: [...existing.values, value] } : f));
  }
  return [...filters, { field, op: "in", values: [value] }];
}

/** Set the field's `contains` text (an empty text removes it). */
export function setContains(filters: readonly Filter[], field: string, text: string): Filter[] {
  const rest = filters.filter((f) => !(f.field === field && f.op === "contains"));
  const trimmed = text.trim();
  return trimmed ? [...rest, { field, op: "contains", value: trimmed }] : rest;
}

export function removeChip(filters: readonly Filter[], chip: FilterChip): Filter[] {
  if (chip.kind === "contains") return setContains(filters, chip.field, "");
  return filters.flatMap((f): Filter[] => {
    if (f.field !== chip.field || f.op !== "in") return [f];
    const values = f.values.filter((v) => String(v) !== chip.value);
    return values.length ? [{ ...f, values }] : [];
  });
}

/** One crossfilter widget per field: {"f.FIELD": [its filters]}. */
export function widgetsOf(filters: readonly Filter[]): Record<string, Filter[]> {
  const out: Record<string, Filter[]> = {};
  for (const f of filters) {
    const key = `${WIDGET_PREFIX}${f.field}`;
    out[key] = [...(out[key] ?? []), f];
  }
  return out;
}
