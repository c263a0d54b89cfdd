/** The parameters of a query-backed dataset request, normalized so equal requests share one key. */

export type ParamValue = string | readonly string[] | boolean | null | undefined;

/** Sorted keys; lists distinct, sorted and comma-joined; booleans as true/false; empty values dropped. */
export function normalizeParams(params: Readonly<Record<string, ParamValue>>): [string, string][] {
  const out: [string, string][] = [];
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === null || value === undefined) continue;
    const text =
      typeof value === "boolean"
        ? String(value)
        : typeof value === "string"
          ? value.trim()
          : [...new Set(value.map((v) => v.trim()).filter(Boolean))].sort().join(",");
    if (text) out.push([key, text]);
  }
  return out;
}

/** The request URL of a dataset for these parameters (its normalized form is the cache key). */
export function queryUrl(dataset: string, params: Readonly<Record<string, ParamValue>>): string {
  const query = new URLSearchParams(normalizeParams(params)).toString();
  return `/api/v1/datasets/${dataset}${query ? `?${query}` : ""}`;
}
