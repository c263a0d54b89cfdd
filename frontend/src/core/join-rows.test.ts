import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate";
import { joinRows, rowListingQueries } from "./join-rows";
import { makeTable } from "./make-table";

describe("rowListingQueries + joinRows", () => {
  it("splits columns two per query and joins the results on the key", () => {
    const queries = rowListingQueries({
      dataset: "wip",
      key: "LOTID",
      columns: ["PACKAGE_LEF", "WIP_STATUS", "SPECNAME"],
      metrics: ["qty"],
      filters: [{ field: "WIP_STATUS", op: "ne", value: "RUN" }],
    });
    expect(queries.map((q) => [q.groupBy, q.metrics])).toEqual([
      [["LOTID", "PACKAGE_LEF", "WIP_STATUS"], ["qty"]],
      [["LOTID", "SPECNAME"], []],
    ]);
    const table = makeTable({
      LOTID: { kind: "utf8", values: ["B", "A", "C"] },
      PACKAGE_LEF: { kind: "dictionary", values: ["SMA", null, "SOD"] },
      WIP_STATUS: { kind: "dictionary", values: ["QUEUE", "HOLD", "RUN"] },
      SPECNAME: { kind: "dictionary", values: ["S1", "S2", "S3"] },
      QTY: { kind: "int", values: [5, 7, 9] },
    });
    const rows = joinRows(
      queries.map((q) => evaluate(table, q).rows),
      "LOTID",
    );
    expect(rows).toEqual([
      { LOTID: "A", PACKAGE_LEF: null, WIP_STATUS: "HOLD", qty: 7, SPECNAME: "S2" },
      { LOTID: "B", PACKAGE_LEF: "SMA", WIP_STATUS: "QUEUE", qty: 5, SPECNAME: "S1" },
    ]);
  });

  it("makes one key-only query when no columns are asked for", () => {
    expect(rowListingQueries({ dataset: "resource", key: "RESOURCEID", columns: [] })).toEqual([
      { dataset: "resource", filters: [], groupBy: ["RESOURCEID"], metrics: [] },
    ]);
    expect(joinRows([], "K")).toEqual([]);
  });
});
