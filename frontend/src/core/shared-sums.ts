/**
 * The sum and mean parts of a query's metrics that read one numeric column under `where` filters
 * on one dictionary column (hours per E10 status, the OU% and availability numerators and
 * denominators), summed together in one pass over the selection instead of one mask and one pass
 * each. A row's dictionary code says which parts take it; each part's sums still accumulate in row
 * order, so the values are bit for bit those of its own pass.
 */
import { type MetricPart, metricParts, type PartSums, partKey, type SharedSums } from "./aggregate";
import type { MetricSpec } from "./contracts";
import { applyPredicate, predicateFor } from "./filter-mask";
import type { SelectionGrouping } from "./group-by";
import type { Selection } from "./selection";
import type { DictionaryColumn, NumericColumn, Table } from "./table";

/** Parts summing one column, split by the dictionary column their filters read. */
interface Bucket {
  values: NumericColumn;
  by: DictionaryColumn;
  /** Distinct parts by key, with their filters. */
  parts: Map<string, MetricPart>;
}

/**
 * Sums of every part of `metrics` that qualifies (a sum or mean of a numeric column filtered on
 * one dictionary column only), keyed by partKey. Parts without filters join a bucket of their
 * column unless the grouping loop summed them already. Anything else is left out (and computed
 * by aggregateSelection as before, which also reports any filter the column cannot take).
 */
export function sharedSums(
  table: Table,
  selection: Selection,
  grouping: SelectionGrouping,
  metrics: readonly MetricSpec[],
): SharedSums {
  const buckets = new Map<string, Bucket>();
  const plain: MetricPart[] = [];
  for (const part of metrics.flatMap(metricParts)) {
    if ((part.agg !== "sum" && part.agg !== "mean") || !part.field) continue;
    const column = table.columns.get(part.field);
    if (!column || column.kind === "dictionary" || column.kind === "utf8") continue;
    if (part.filters.length === 0) {
      if (grouping.fused?.column !== column) plain.push(part);
      continue;
    }
    const whereField = part.filters[0]?.field as string;
    const by = table.columns.get(whereField);
    if (by?.kind !== "dictionary" || part.filters.some((f) => f.field !== whereField)) continue;
    const name = `${part.field}\u0000${whereField}`;
    let bucket = buckets.get(name);
    if (!bucket) {
      bucket = { values: column, by, parts: new Map() };
      buckets.set(name, bucket);
    }
    bucket.parts.set(partKey(part.field, part.filters), part);
  }
  for (const part of plain) {
    const bucket = [...buckets.values()].find((b) => b.values === table.columns.get(part.field as string));
    bucket?.parts.set(partKey(part.field as string, part.filters), part);
  }
  const out = new Map<string, PartSums>();
  for (const bucket of buckets.values()) {
    const slots = slotLookups(bucket);
    if (!slots) continue;
    const keys = [...slots.keys()];
    const sums = sumBucket(bucket, [...slots.values()], selection, grouping);
    keys.forEach((key, p) => {
      out.set(key, sums[p] as PartSums);
    });
  }
  return out;
}

/**
 * Per part, 1 for each slot (code + 1; slot 0 is null) whose rows pass all its filters, as the
 * row masks of filter-mask.ts would say. null when a filter does not suit the column.
 */
function slotLookups(bucket: Bucket): Map<string, Uint8Array> | null {
  const { by } = bucket;
  const slotCount = by.dictionary.length + 1;
  // One "row" per slot: code -1 (null) and every dictionary code, run through the row-mask code.
  const probe: DictionaryColumn = { kind: "dictionary", codes: slotCodes(slotCount), dictionary: by.dictionary };
  const lookups = new Map<string, Uint8Array>();
  for (const [key, part] of bucket.parts) {
    const lookup = new Uint8Array(slotCount).fill(1);
    try {
      for (const filter of part.filters) applyPredicate(probe, predicateFor(filter, by), lookup);
    } catch {
      return null;
    }
    lookups.set(key, lookup);
  }
  return lookups;
}

function slotCodes(slotCount: number): Int32Array {
  const codes = new Int32Array(slotCount);
  for (let s = 0; s < slotCount; s++) codes[s] = s - 1;
  return codes;
}

/**
 * One pass summing the bucket's column into every part whose lookup takes the row's slot. Sums
 * are kept per part (row order matters to them); counts per slot only, and a part's counts are
 * then its slots' counts added up (integers, exact in any order).
 */
function sumBucket(
  bucket: Bucket,
  lookups: readonly Uint8Array[],
  selection: Selection,
  grouping: SelectionGrouping,
): PartSums[] {
  const slotCount = bucket.by.dictionary.length + 1;
  // Parts per slot as offsets into one list (CSR): slot s takes parts list[offsets[s]..offsets[s+1]].
  const offsets = new Int32Array(slotCount + 1);
  const list: number[] = [];
  for (let s = 0; s < slotCount; s++) {
    lookups.forEach((lookup, p) => {
      if (lookup[s]) list.push(p);
    });
    offsets[s + 1] = list.length;
  }
  const groups = grouping.groupCount;
  const partCount = lookups.length;
  const sums = new Float64Array(partCount * groups);
  const totals = new Float64Array(partCount);
  const slotCounts = new Float64Array(slotCount * groups);
  const { values, valid } = bucket.values;
  sumBySlot(
    selection.rows,
    selection.count,
    grouping.gid,
    groups,
    values,
    valid,
    bucket.by.codes,
    offsets,
    Int32Array.from(list),
    sums,
    totals,
    slotCounts,
  );
  return lookups.map((lookup, p) => {
    const counts = new Float64Array(groups);
    let totalCount = 0;
    for (let s = 0; s < slotCount; s++) {
      if (!lookup[s]) continue;
      for (let g = 0; g < groups; g++) {
        const n = slotCounts[s * groups + g] as number;
        counts[g] = (counts[g] as number) + n;
        totalCount += n;
      }
    }
    return { sums: sums.subarray(p * groups, (p + 1) * groups), counts, total: totals[p] as number, totalCount };
  });
}

/** The hot loop (a function of its own so that V8 optimizes it whole; see selection.ts). */
function sumBySlot(
  rows: Int32Array | null,
  count: number,
  gid: Int32Array | null,
  groups: number,
  values: Float64Array,
  valid: Uint8Array,
  codes: Int32Array,
  offsets: Int32Array,
  list: Int32Array,
  sums: Float64Array,
  totals: Float64Array,
  slotCounts: Float64Array,
): void {
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    if (!valid[i]) continue;
    const slot = (codes[i] as number) + 1;
    const g = gid ? (gid[j] as number) : 0;
    slotCounts[slot * groups + g] = (slotCounts[slot * groups + g] as number) + 1;
    const end = offsets[slot + 1] as number;
    const v = values[i] as number;
    for (let k = offsets[slot] as number; k < end; k++) {
      const p = list[k] as number;
      sums[p * groups + g] = (sums[p * groups + g] as number) + v;
      totals[p] = (totals[p] as number) + v;
    }
  }
}
