import { describe, expect, it } from "vitest";
import { csvColumns, guardFormula, quoteCell, toCsv } from "./csv-export";

describe("toCsv", () => {
  it("uses the contract's export headers and metric labels", () => {
    expect(csvColumns("wip", ["LOTID", "MOVEINTIMESTAMP", "QTY", "qty", "HOLD_AGE"])).toEqual([
      { key: "LOTID", header: "Lot ID", type: "text" },
      { key: "MOVEINTIMESTAMP", header: "Move-in time", type: "timestamp" },
      { key: "QTY", header: "Qty (pcs)", type: "number" },
      { key: "qty", header: "Qty", type: "number" },
      { key: "HOLD_AGE", header: "HOLD_AGE", type: "text" },
    ]);
    expect(csvColumns("wip", ["qty"], "zh-TW")[0]?.header).toBe("數量");
  });

  it("quotes per RFC 4180, guards formulas, formats timestamps in the plant zone, leaves nulls empty", () => {
    const columns = csvColumns("wip", ["LOTID", "QTY", "MOVEINTIMESTAMP", "IS_DUMMY"]);
    const csv = toCsv(
      [
        { LOTID: 'GA "1", x', QTY: -5, MOVEINTIMESTAMP: Date.UTC(2025, 0, 1, 0, 0, 0), IS_DUMMY: true },
        { LOTID: "=cmd|' /C calc'!A0", QTY: null, MOVEINTIMESTAMP: null, IS_DUMMY: null },
        { LOTID: "line\nbreak", QTY: 0.1, MOVEINTIMESTAMP: null, IS_DUMMY: false },
      ],
      columns,
    );
    expect(csv).toBe(
      "Lot ID,Qty (pcs),Move-in time,Dummy lot\r\n" +
        '"GA ""1"", x",-5,2025-01-01 08:00:00,true\r\n' +
        "'=cmd|' /C calc'!A0,,,\r\n" +
        '"line\nbreak",0.1,,false\r\n',
    );
  });

  it("can start with a UTF-8 BOM for Excel", () => {
    expect(toCsv([], [{ key: "a", header: "批號", type: "text" }], { bom: true })).toBe("\uFEFF批號\r\n");
  });

  it("guards every formula lead character", () => {
    expect(["=1", "+1", "-1", "@x", "\tx", "\rx", "a=1"].map(guardFormula)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@x",
      "'\tx",
      "'\rx",
      "a=1",
    ]);
    expect(quoteCell("plain")).toBe("plain");
  });

  it("writes dates as YYYY-MM-DD under their export header", () => {
    const columns = csvColumns("resource_history", ["TXNDATE", "hours"]);
    expect(columns[0]).toEqual({ key: "TXNDATE", header: "Date", type: "date" });
    expect(
      toCsv(
        [
          { TXNDATE: "2027-01-01", hours: 1.5 },
          { TXNDATE: 20_088, hours: null },
          { TXNDATE: null, hours: 0 },
        ],
        columns,
      ),
    ).toBe("Date,Total hours\r\n2027-01-01,1.5\r\n2024-12-31,\r\n,0\r\n");
  });
});
