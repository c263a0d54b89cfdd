/** Same groups, same values: one engine's results against another's, as a list of differences. */
import type { Rows, Suggestion } from "./workload";

function normalize(row: Record<string, unknown>): string {
  const keys = Object.keys(row).sort();
  return JSON.stringify(keys.map((k) => [k, row[k] ?? null]));
}

/** Rows compared as a multiset (and in order when `ordered`: sorted queries, suggestions). */
export function diffRows(label: string, ours: Rows | Suggestion[], theirs: Rows | Suggestion[], ordered: boolean) {
  const a = ours.map((r) => normalize(r as Record<string, unknown>));
  const b = theirs.map((r) => normalize(r as Record<string, unknown>));
  if (!ordered) {
    a.sort();
    b.sort();
  }
  const diffs: string[] = [];
  if (a.length !== b.length) diffs.push(`${label}: ${a.length} rows vs ${b.length}`);
  for (let i = 0; i < Math.max(a.length, b.length) && diffs.length < 5; i++) {
    if (a[i] !== b[i]) diffs.push(`${label}[${i}]: ${a[i] ?? "(none)"} vs ${b[i] ?? "(none)"}`);
  }
  return diffs;
}
