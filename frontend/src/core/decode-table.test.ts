import { describe, expect, it } from "vitest";
import { listFixtures, loadFixture } from "../../test-data/fixtures";
import { DecodeError } from "./core-error";
import { decodeTable } from "./decode-table";
import { cellValue } from "./table";

const KIND_OF: Record<string, string> = {
  dictionary: "dictionary",
  utf8: "utf8",
  int: "int",
  float: "float",
  bool: "bool",
  timestamp: "timestamp",
};

describe("decodeTable over frontend/test-data/*.arrows", () => {
  for (const fixture of listFixtures()) {
    it.runIf(fixture.expected !== null)(`${fixture.name} decodes to its .json`, () => {
      const expected = fixture.expected;
      if (!expected) return;
      const table = decodeTable(fixture.bytes);
      expect(table.numRows).toBe(expected.numRows);
      expect(table.metadata).toEqual(expected.metadata);
      expect(table.columnNames).toEqual(Object.keys(expected.columns));
      for (const [name, spec] of Object.entries(expected.columns)) {
        const column = table.columns.get(name);
        expect(column?.kind, name).toBe(KIND_OF[spec.type]);
        if (!column) continue;
        const values = Array.from({ length: table.numRows }, (_, i) => cellValue(column, i));
        expect(values, name).toEqual(spec.values);
      }
    });
  }
});

describe("decodeTable", () => {
  it("unifies replacement dictionaries into one column dictionary", () => {
    const table = decodeTable(loadFixture("replacement-dictionary"));
    const column = table.columns.get("STATUS");
    if (column?.kind !== "dictionary") throw new Error("expected a dictionary column");
    expect(column.dictionary).toEqual(["RUN", "HOLD", "QUEUE", "待料"]);
    expect(Array.from(column.codes)).toEqual([0, 1, 0, 2, -1, 1, 3, 0]);
  });

  it("appends delta dictionaries", () => {
    const column = decodeTable(loadFixture("delta-dictionary")).columns.get("STATUS");
    if (column?.kind !== "dictionary") throw new Error("expected a dictionary column");
    expect(column.dictionary).toEqual(["RUN", "HOLD", "QUEUE", "待料"]);
  });

  it("reads timestamps as epoch ms with the Arrow time zone and the snapshot metadata", () => {
    const table = decodeTable(loadFixture("all-types"));
    const time = table.columns.get("TIME");
    expect(time?.kind).toBe("timestamp");
    expect(time && "timezone" in time ? time.timezone : null).toBe("Asia/Taipei");
    expect(time && cellValue(time, 0)).toBe(Date.UTC(2025, 2, 1, 0, 0, 0));
    expect(time && cellValue(time, 2)).toBe(-1);
    expect(table.snapshotTime).toBe(Date.UTC(2025, 2, 1, 0, 30));
    expect(table.version).toBe("fixture-1");
  });

  it("decodes a schema-only stream as an empty table", () => {
    const table = decodeTable(loadFixture("empty"));
    expect(table.numRows).toBe(0);
    expect(table.columnNames).toEqual(["CAT", "QTY", "TIME"]);
  });

  it("accepts an unaligned view and an ArrayBuffer", () => {
    const bytes = loadFixture("multi-batch");
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(decodeTable(padded.subarray(3)).numRows).toBe(9);
    expect(decodeTable(bytes.slice().buffer).numRows).toBe(9);
  });

  it("rejects garbage with DECODE_ERROR", () => {
    expect(() => decodeTable(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(DecodeError);
    expect(() => decodeTable("nope" as unknown as Uint8Array)).toThrow(/DECODE_ERROR/);
  });
});
