import { largeUtf8, tableFromArrays, tableToIPC, utf8 } from "@uwdata/flechette";
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
  date: "date",
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

  it("takes an ascending first dictionary as it is and still unifies a later replacement", () => {
    const column = decodeTable(loadFixture("ascending-then-replaced")).columns.get("STATUS");
    if (column?.kind !== "dictionary") throw new Error("expected a dictionary column");
    expect(column.dictionary).toEqual(["HOLD", "QUEUE", "RUN", "待料"]);
    expect(Array.from(column.codes)).toEqual([2, 0, -1, 1, 3, 2, 0, 2]);
  });

  it("widens int8 / int16 dictionary indices and integers to the Table's arrays", () => {
    const table = decodeTable(loadFixture("narrow-widths"));
    const status = table.columns.get("STATUS");
    const workorder = table.columns.get("WORKORDER");
    const count = table.columns.get("COUNT");
    if (status?.kind !== "dictionary" || workorder?.kind !== "dictionary") throw new Error("expected dictionaries");
    if (count?.kind !== "int") throw new Error("expected an int column");
    expect(status.codes).toBeInstanceOf(Int32Array);
    expect(status.dictionary).toEqual(["HOLD", "QUEUE", "RUN", "待料"]);
    expect(Array.from(status.codes)).toEqual([2, -1, 0, 1, 3, 2, -1]);
    expect(workorder.dictionary).toHaveLength(300);
    expect(Array.from(workorder.codes)).toEqual([299, 0, -1, 128, -1, 255, 1]);
    expect(count.values).toBeInstanceOf(Float64Array);
    expect(Array.from(count.values)).toEqual([-128, 127, 0, 0, 3, 0, -1]);
    expect(Array.from(count.valid)).toEqual([1, 1, 0, 1, 1, 0, 1]);
  });

  it("converts a column once, on first use, and returns the same arrays after", () => {
    const table = decodeTable(loadFixture("wip-sample"));
    const status = table.columns.get("WIP_STATUS");
    const qty = table.columns.get("QTY");
    if (status?.kind !== "dictionary" || qty?.kind !== "int") throw new Error("unexpected kinds");
    expect(status.codes).toBe(status.codes);
    expect(status.dictionary).toBe(status.dictionary);
    expect(qty.values).toBe(qty.values);
    expect(qty.valid).toBe(qty.valid);
    expect(status.codes).toHaveLength(table.numRows);
  });

  it("tells whether a utf8 column's non-null values strictly ascend by code point (checked on the bytes)", () => {
    const cases: [(string | null)[], boolean][] = [
      [["a", "b", "c"], true],
      [["a", "a"], false],
      [["ab", "a"], false],
      [["a", "ab", "b"], true],
      [[null, "b", null, "c", null], true],
      [["a", "c", "b", "d"], false],
      [["z", "é"], true],
      [["é", "z"], false],
      // code point order, not UTF-16: U+FF01 < U+1F600 although its unit is above the surrogates
      [["\uff01", "\u{1F600}"], true],
      [["\u{1F600}", "\uff01"], false],
      [["", "a"], true],
      [["a", ""], false],
    ];
    for (const [values, ascending] of cases) {
      const arrow = tableFromArrays({ S: values }, { types: { S: utf8() }, maxBatchRows: 2 });
      const column = decodeTable(tableToIPC(arrow, { format: "stream" }) as Uint8Array).columns.get("S");
      if (column?.kind !== "utf8") throw new Error("expected utf8");
      expect(column.text?.()?.ascending, JSON.stringify(values)).toBe(ascending);
    }
  });

  it("checks the order four bytes at a time in batches without nulls as the byte rule would", () => {
    // values sharing long prefixes (the word loop), differing inside or after a word, multi-byte
    // characters, prefixes of each other; sorted, then perturbed
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const alphabet = ["A", "B", "0", "9", "-", "é", "台", "\u{1F600}"];
    const codePoints = (v: string) => Array.from(v, (c) => c.codePointAt(0) ?? 0);
    const less = (x: string, y: string) => {
      const a = codePoints(x);
      const b = codePoints(y);
      for (let i = 0; i < Math.min(a.length, b.length); i++)
        if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
      return a.length < b.length;
    };
    for (let trial = 0; trial < 120; trial++) {
      const prefix = "GA2609".slice(0, Math.floor(random() * 7));
      const values = Array.from({ length: 2 + Math.floor(random() * 12) }, () => {
        let v = prefix;
        const n = Math.floor(random() * 9);
        for (let i = 0; i < n; i++) v += alphabet[Math.floor(random() * alphabet.length)];
        return v;
      }).sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
      if (random() < 0.5) {
        const i = Math.floor(random() * values.length);
        const j = Math.floor(random() * values.length);
        [values[i], values[j]] = [values[j] as string, values[i] as string];
      }
      const want = values.every((v, i) => i === 0 || less(values[i - 1] as string, v));
      const arrow = tableFromArrays({ S: values }, { types: { S: utf8() }, maxBatchRows: 1 + (trial % 6) });
      const column = decodeTable(tableToIPC(arrow, { format: "stream" }) as Uint8Array).columns.get("S");
      if (column?.kind !== "utf8") throw new Error("expected utf8");
      expect(column.text?.()?.ascending, JSON.stringify(values)).toBe(want);
    }
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

describe("decodeTable utf8 columns (joined decode)", () => {
  const values = ["GA1", null, "", "İstanbul", "ΟΔΟΣ", "\u{1F600}x", "a\0b", null, "\uff01", "é", "plain", "\ufeffbom"];
  const encode = (type: ReturnType<typeof utf8 | typeof largeUtf8>, rows: (string | null)[], maxBatchRows?: number) =>
    tableToIPC(tableFromArrays({ S: rows }, { types: { S: type }, maxBatchRows }), { format: "stream" }) as Uint8Array;

  for (const maxBatchRows of [undefined, 1, 5]) {
    it(`decodes values, nulls and non-ASCII across batches (max ${maxBatchRows ?? "all"} rows per batch)`, () => {
      const column = decodeTable(encode(utf8(), values, maxBatchRows)).columns.get("S");
      if (column?.kind !== "utf8") throw new Error("expected a utf8 column");
      const joined = column.text?.();
      if (!joined) throw new Error("expected the joined text");
      expect(joined.ascii).toBe(false);
      const sliced = values.map((_, i) =>
        joined.valid && !joined.valid[i] ? null : joined.text.slice(joined.offsets[i], joined.offsets[i + 1]),
      );
      expect(sliced).toEqual(values);
      // A leading BOM is data: kept (flechette's per-value decode would drop it).
      expect(column.values).toEqual(values);
    });
  }

  it("marks an all-ASCII column and keeps offsets of empty values", () => {
    const column = decodeTable(encode(utf8(), ["ab", "", "c", null], 3)).columns.get("S");
    if (column?.kind !== "utf8") throw new Error("expected a utf8 column");
    const joined = column.text?.();
    expect(joined?.ascii).toBe(true);
    expect(joined?.text).toBe("abc");
    expect(Array.from(joined?.offsets ?? [])).toEqual([0, 2, 2, 3, 3]);
    expect(Array.from(joined?.valid ?? [])).toEqual([1, 1, 1, 0]);
    expect(column.values).toEqual(["ab", "", "c", null]);
  });

  it("falls back to value-by-value decoding for malformed UTF-8", () => {
    const bytes = encode(utf8(), ["x\u00e9y", "ok"]);
    const at = bytes.findIndex((b, i) => b === 0xc3 && bytes[i + 1] === 0xa9);
    bytes[at + 1] = 0x41; // "\xc3A": a lead byte without its continuation
    const column = decodeTable(bytes).columns.get("S");
    if (column?.kind !== "utf8") throw new Error("expected a utf8 column");
    expect(column.text?.()).toBeNull();
    expect(column.values).toEqual(["x\ufffdAy", "ok"]);
  });

  it("falls back to value-by-value decoding for large offsets", () => {
    const column = decodeTable(encode(largeUtf8(), ["a", null, "İ"])).columns.get("S");
    if (column?.kind !== "utf8") throw new Error("expected a utf8 column");
    expect(column.text?.()).toBeNull();
    expect(column.values).toEqual(["a", null, "İ"]);
  });
});
