/** The WIP detail lot table: listing queries, spec columns in spec order, rows with QTY under their spec. */
import type { ViewQuery } from "../../app/use-core-queries";
import { joinRows, rowListingQueries } from "../../core/join-rows";
import type { QueryResult, ResultRow } from "../../core/query";

export const LOT_LISTING = rowListingQueries({
  dataset: "wip",
  key: "LOTID",
  columns: ["EQUIPMENTNAME", "EQUIPMENTS", "WIP_STATUS", "HOLDREASONNAME", "PACKAGE_LEF", "SPECNAME"],
  metrics: ["qty"],
});

/** Named view queries for the listing (l0, l1, ...) and the specs of the filtered set. */
export function lotTableQueries(): Record<string, ViewQuery> {
  const out: Record<string, ViewQuery> = {};
  LOT_LISTING.forEach((query, i) => {
    out[`l${i}`] = { query };
  });
  out.specs = { query: { dataset: "wip", groupBy: ["SPEC_SEQ", "SPECNAME"], metrics: ["lots", "qty"] } };
  return out;
}

export const SPEC_PREFIX = "spec:";

/** Spec names in spec order (numeric SPEC_SEQ, missing last; then name); each spec once. */
export function specNames(specs: QueryResult | undefined): string[] {
  const seen = new Set<string>();
  for (const row of specs?.rows ?? []) {
    if (typeof row.SPECNAME === "string") seen.add(row.SPECNAME);
  }
  return [...seen];
}

/** Joined lot rows with `equipment` (the machine, else the machine list) and the QTY under its spec. */
export function lotRows(results: Partial<Record<string, QueryResult>>): ResultRow[] {
  const parts = LOT_LISTING.map((_, i) => results[`l${i}`]?.rows ?? []);
  return joinRows(parts, "LOTID").map((row) => {
    const spec = row.SPECNAME;
    return {
      ...row,
      equipment: row.EQUIPMENTNAME ?? row.EQUIPMENTS ?? null,
      ...(typeof spec === "string" ? { [`${SPEC_PREFIX}${spec}`]: row.qty ?? null } : {}),
    };
  });
}
