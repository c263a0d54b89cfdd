import { describe, expect, it } from "vitest";
import { deltaOf, ipcOf, type Row, snapshotMeta, sortedRows } from "../../test-support/delta-ipc";
import { seededRandom } from "../../test-support/seeded-random";
import { applyDelta, COMPACT_MIN, MAX_CHAIN } from "./apply-delta";
import { CoreError, DecodeError } from "./core-error";
import { decodeTable } from "./decode-table";
import { encodeTable } from "./encode-table";
import { suggest } from "./suggest";
import { cellValue, type Table } from "./table";

const KEY = { key: "K" };

function row(K: string, more: Partial<Row> = {}): Row {
  return { K, CAT: "RUN", NAME: `name ${K}`, QTY: 1, X: 0.5, FLAG: false, T: 1_740_787_200_000, D: 20_000, ...more };
}

/** Every column's cell values, the metadata and the version: what "equal tables" means here. */
function contents(table: Table) {
  const columns = Object.fromEntries(
    table.columnNames.map((name) => {
      const column = table.columns.get(name);
      if (!column) throw new Error(`no column ${name}`);
      return [
        name,
        { kind: column.kind, values: Array.from({ length: table.numRows }, (_, i) => cellValue(column, i)) },
      ];
    }),
  );
  return {
    numRows: table.numRows,
    columns,
    metadata: table.metadata,
    version: table.version,
    snapshotTime: table.snapshotTime,
  };
}

/** Load A, apply delta(A -> B), and check it equals B loaded in full. */
function applied(a: Row[], b: Row[]): Table {
  const base = decodeTable(ipcOf(a, snapshotMeta("A")));
  const result = applyDelta(base, deltaOf(a, b, "A", "B"), KEY);
  expect(contents(result)).toEqual(contents(decodeTable(ipcOf(b, snapshotMeta("B")))));
  return result;
}

const base = ["b", "d", "f", "h"].map((k) => row(k));

describe("applyDelta", () => {
  it("inserts rows at the front, in the middle and at the end", () => {
    const result = applied(base, [row("a"), ...base.slice(0, 2), row("e"), ...base.slice(2), row("z"), row("zz")]);
    expect(result.numRows).toBe(8);
    expect(result.version).toBe("B");
  });

  it("removes rows (first, middle, last) and changes rows in place", () => {
    applied(base, [row("d", { QTY: 7, CAT: "HOLD" }), row("f", { NAME: null, X: null })]);
    applied(base, [row("b"), row("d", { FLAG: true, T: null, D: null }), row("f"), row("h", { QTY: null })]);
  });

  it("replaces a changed row and inserts next to it in one run", () => {
    applied(base, [row("b"), row("c"), row("d", { QTY: 9 }), row("da"), row("f"), row("h")]);
  });

  it("grows the dictionary and leaves no trace of a value no row uses any more", () => {
    const a = [row("a", { CAT: "OLD" }), row("b", { CAT: "RUN" }), row("c", { CAT: "RUN" })];
    const b = [row("b", { CAT: "RUN" }), row("c", { CAT: "NEW" }), row("d", { CAT: null })];
    const result = applied(a, b);
    const values = suggest(result, { field: "CAT", text: "" }).map((s) => s.value);
    expect(values.sort()).toEqual(["NEW", "RUN"]);
    expect(suggest(result, { field: "CAT", text: "ol" })).toEqual([]);
    const mask = Uint8Array.from({ length: result.numRows }, () => 1);
    expect(suggest(result, { field: "CAT", text: "" }, mask).map((s) => s.value)).not.toContain("OLD");
    const column = result.columns.get("CAT");
    if (column?.kind !== "dictionary") throw new Error("expected a dictionary column");
    expect(new Set(column.dictionary).size).toBe(column.dictionary.length);
  });

  it("keeps nulls in every column kind", () => {
    const nulls = (K: string) => row(K, { CAT: null, NAME: null, QTY: null, X: null, FLAG: null, T: null, D: null });
    applied(base, [nulls("a"), row("b"), nulls("c"), row("d")]);
    applied([nulls("a"), nulls("b")], [nulls("b"), row("c")]);
  });

  it("applies to an empty table and can empty a table", () => {
    applied([], [row("a"), row("b")]);
    const empty = applied(base, []);
    expect(empty.numRows).toBe(0);
    applied([], []);
  });

  it("orders keys by code point (astral characters after U+FFFF), not by UTF-16 units", () => {
    const a = [row("a"), row("\uff01"), row("\u{1F600}")];
    const result = applied(a, [row("a"), row("\uff01"), row("\uff02"), row("\u{1F600}"), row("\u{1F601}")]);
    const keys = result.columns.get("K");
    expect(keys && Array.from({ length: 5 }, (_, i) => cellValue(keys, i))).toEqual([
      "a",
      "\uff01",
      "\uff02",
      "\u{1F600}",
      "\u{1F601}",
    ]);
  });

  it("keeps the joined text of utf8 columns consistent with their values", () => {
    const a = [row("a", { NAME: "İstanbul" }), row("b", { NAME: null }), row("c", { NAME: "\u{1F600}x" })];
    const result = applied(a, [
      row("a", { NAME: "ΟΔΟΣ" }),
      row("b", { NAME: null }),
      row("bb", { NAME: "" }),
      a[2] as Row,
    ]);
    const name = result.columns.get("NAME");
    if (name?.kind !== "utf8") throw new Error("expected a utf8 column");
    const joined = name.text?.();
    if (!joined) throw new Error("expected the joined text");
    const sliced = Array.from({ length: result.numRows }, (_, i) =>
      joined.valid && !joined.valid[i] ? null : joined.text.slice(joined.offsets[i], joined.offsets[i + 1]),
    );
    expect(sliced).toEqual(["ΟΔΟΣ", null, "", "\u{1F600}x"]);
    expect(joined.ascii).toBe(false);
    expect(suggest(result, { field: "NAME", text: "οδ" })).toEqual([{ value: "ΟΔΟΣ", count: 1 }]);
  });

  it("chains deltas, and applies one base twice without mixing the two results' dictionaries", () => {
    const a = [row("a", { CAT: "X" }), row("b", { CAT: "Y" })];
    const b1 = [row("a", { CAT: "X" }), row("b", { CAT: "P" }), row("c", { CAT: "Q" })];
    const b2 = [row("a", { CAT: "Q" }), row("c", { CAT: "P" })];
    const tableA = decodeTable(ipcOf(a, snapshotMeta("A")));
    const first = applyDelta(tableA, deltaOf(a, b1, "A", "B1"), KEY);
    const second = applyDelta(tableA, deltaOf(a, b2, "A", "B2"), KEY);
    expect(contents(first)).toEqual(contents(decodeTable(ipcOf(b1, snapshotMeta("B1")))));
    expect(contents(second)).toEqual(contents(decodeTable(ipcOf(b2, snapshotMeta("B2")))));
    const c = [row("a", { CAT: "Q" }), row("c", { CAT: "P" }), row("d", { CAT: "X" })];
    const third = applyDelta(first, deltaOf(b1, c, "B1", "C"), KEY);
    expect(contents(third)).toEqual(contents(decodeTable(ipcOf(c, snapshotMeta("C")))));
    for (const table of [first, second, third]) {
      const column = table.columns.get("CAT");
      if (column?.kind !== "dictionary") throw new Error("expected a dictionary column");
      expect(new Set(column.dictionary).size).toBe(column.dictionary.length);
    }
  });

  it("chains more deltas than MAX_CHAIN with no column read in between, and leaves every base intact", () => {
    const random = seededRandom(7);
    const versions: Row[][] = [base];
    for (let v = 1; v <= MAX_CHAIN * 2 + 1; v++) {
      const previous = versions[v - 1] as Row[];
      const kept = previous.filter(() => random.chance(0.8)).map((r) => (random.chance(0.3) ? { ...r, QTY: v } : r));
      const added = [row(`n${v}`, { CAT: `C${v}` }), row(`a${v}`, { NAME: `ü${v}` })];
      versions.push(sortedRows([...kept, ...added]));
    }
    const tables: Table[] = [decodeTable(ipcOf(base, snapshotMeta("v0")))];
    for (let v = 1; v < versions.length; v++) {
      const delta = deltaOf(versions[v - 1] as Row[], versions[v] as Row[], `v${v - 1}`, `v${v}`);
      tables.push(applyDelta(tables[v - 1] as Table, delta, KEY));
    }
    // The newest first: it reads through the chain of unread columns before any base is read.
    for (let v = tables.length - 1; v >= 0; v--) {
      const full = decodeTable(ipcOf(versions[v] as Row[], snapshotMeta(`v${v}`)));
      expect(contents(tables[v] as Table)).toEqual(contents(full));
    }
  });

  it("compacts a dictionary once many appended values went unused", () => {
    const wide = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => row(`k${String(i).padStart(5, "0")}`, { CAT: `${tag}${i}` }));
    const a = wide(20, "a");
    const b = wide(COMPACT_MIN + 10, "b");
    const result = applied(a, b);
    const column = result.columns.get("CAT");
    if (column?.kind !== "dictionary") throw new Error("expected a dictionary column");
    expect(column.dictionary.length).toBe(COMPACT_MIN + 10);
    expect(column.dictionary.every((v) => v.startsWith("b"))).toBe(true);
  });

  it("equals the full snapshot over random version pairs", () => {
    const random = seededRandom(14);
    const cats = ["RUN", "HOLD", "QUEUE", "待料", "\u{1F600}", "run"];
    const keyOf = () => random.pick(["GA", "ga", "批", "\u{1F600}", "\uff01", ""]) + random.int(60);
    const randomRow = (K: string): Row => ({
      K,
      CAT: random.chance(0.2) ? null : random.pick(cats) + (random.chance(0.2) ? random.int(5) : ""),
      NAME: random.chance(0.2) ? null : random.pick(["", "a", "İ", "ΟΔΟΣ"]) + random.int(3),
      QTY: random.chance(0.2) ? null : random.int(100) - 10,
      X: random.chance(0.2) ? null : random.pick([0, -0, 0.1, 1e300, -5e-324]),
      FLAG: random.chance(0.2) ? null : random.chance(0.5),
      T: random.chance(0.2) ? null : 1_740_787_200_000 + (random.int(2000) - 1000) * 3_600_000,
      D: random.chance(0.2) ? null : 19_000 + random.int(800),
    });
    for (let example = 0; example < 200; example++) {
      const keys = [...new Set(Array.from({ length: random.int(40) }, keyOf))];
      const a = keys.filter(() => random.chance(0.7)).map(randomRow);
      const b = keys
        .filter(() => random.chance(0.7))
        .map((k) => a.find((r) => r.K === k && random.chance(0.6)) ?? randomRow(k));
      applied(sortedRows(a), sortedRows(b));
    }
  });

  it("finds keys in multi-batch bases and along chains as the full snapshots order them", () => {
    // A's key column is compared on its bytes (several record batches), a delta's result through its
    // runs; astral, CJK, empty and prefix keys; every table equal to its full snapshot, and the
    // key column's suggestions equal too (a merged key text is known to ascend).
    const random = seededRandom(21);
    const keyOf = () => random.pick(["GA", "G", "批", "\u{1F600}", "\uff01", "", "GA2"]) + random.int(90);
    for (let example = 0; example < 40; example++) {
      const keys = [...new Set(Array.from({ length: 5 + random.int(60) }, keyOf))];
      const versions: Row[][] = [sortedRows(keys.filter(() => random.chance(0.6)).map((k) => row(k)))];
      for (let v = 1; v <= 3 + random.int(5); v++) {
        const previous = versions[v - 1] as Row[];
        const kept = previous.filter(() => random.chance(0.85)).map((r) => (random.chance(0.2) ? { ...r, QTY: v } : r));
        const added = keys.filter((k) => !kept.some((r) => r.K === k) && random.chance(0.15)).map((k) => row(k));
        versions.push(sortedRows([...kept, ...added]));
      }
      const tables: Table[] = [decodeTable(ipcOf(versions[0] as Row[], snapshotMeta("v0"), false, 1 + random.int(7)))];
      for (let v = 1; v < versions.length; v++) {
        const delta = deltaOf(versions[v - 1] as Row[], versions[v] as Row[], `v${v - 1}`, `v${v}`);
        tables.push(applyDelta(tables[v - 1] as Table, delta, KEY));
      }
      const last = versions.length - 1;
      const full = decodeTable(ipcOf(versions[last] as Row[], snapshotMeta(`v${last}`)));
      const got = tables[last] as Table;
      expect(contents(got)).toEqual(contents(full));
      for (const text of ["", "g", "1", "\u{1F600}"]) {
        const request = { field: "K", text, mode: "contains" as const, limit: 5 };
        expect(suggest(got, request)).toEqual(suggest(full, request));
      }
    }
  });

  it("rejects a delta of another base with DELTA_BASE_MISMATCH", () => {
    const tableA = decodeTable(ipcOf(base, snapshotMeta("A")));
    const error = (() => {
      try {
        applyDelta(tableA, deltaOf(base, [], "OTHER", "B"), KEY);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({ code: "DELTA_BASE_MISMATCH" });
  });

  it("rejects bytes that are not a well-formed delta with DECODE_ERROR", () => {
    const tableA = decodeTable(ipcOf(base, snapshotMeta("A")));
    expect(() => applyDelta(tableA, ipcOf(base, snapshotMeta("B")), KEY)).toThrow(DecodeError);
    const bad = ipcOf([row("x")], { ...snapshotMeta("B"), delta_base: "A", delta_removed: "{}" });
    expect(() => applyDelta(tableA, bad, KEY)).toThrow(/delta_removed/);
    const unsorted = ipcOf([row("x")], { ...snapshotMeta("B"), delta_base: "A", delta_removed: '["h","b"]' });
    expect(() => applyDelta(tableA, unsorted, KEY)).toThrow(/ascending/);
    expect(() => applyDelta(tableA, deltaOf(base, [], "A", "B"))).toThrow(/no dataset/);
  });
});

describe("encodeTable", () => {
  it("round-trips a decoded table through IPC with its schema", () => {
    const rows = [row("a", { NAME: "İ\u{1F600}", CAT: null }), row("b", { QTY: null, T: -1, D: -1 }), row("c")];
    const decoded = decodeTable(ipcOf(rows, snapshotMeta("A")));
    const again = decodeTable(encodeTable(decoded, decoded.schema));
    expect(contents(again)).toEqual(contents(decoded));
    expect(again.columns.get("T")).toMatchObject({ timezone: "Asia/Taipei" });
    expect(again.schema.fields.map((f) => f.type)).toEqual(decoded.schema.fields.map((f) => f.type));
  });

  it("encodes a table after deltas as one stream equal to the full snapshot, widening outgrown int8 indices", () => {
    const a = [row("a", { CAT: "X" }), row("b")];
    const b = Array.from({ length: 300 }, (_, i) => row(`k${i}`, { CAT: `c${i}` }));
    const tableA = decodeTable(ipcOf(a, snapshotMeta("A"), true));
    const result = applyDelta(tableA, deltaOf(a, b, "A", "B"), KEY);
    const bytes = encodeTable(result, tableA.schema);
    const again = decodeTable(bytes);
    expect(contents(again)).toEqual(contents(decodeTable(ipcOf(b, snapshotMeta("B")))));
    const cat = again.schema.fields.find((f) => f.name === "CAT")?.type as { indices: { bitWidth: number } };
    expect(cat.indices.bitWidth).toBe(32);
    expect(again.metadata).toEqual(snapshotMeta("B"));
  });

  it("widens an int8 column (the server's wire width for the base) whose values outgrew it after a delta", () => {
    const a = [row("a", { QTY: 5 }), row("b", { QTY: -7 })];
    const b = [row("a", { QTY: 5 }), row("b", { QTY: 30_000 }), row("c", { QTY: -200 }), row("d", { QTY: null })];
    const tableA = decodeTable(ipcOf(a, snapshotMeta("A"), true));
    const qtyA = tableA.schema.fields.find((f) => f.name === "QTY")?.type as { bitWidth: number };
    expect(qtyA.bitWidth).toBe(8);
    const result = applyDelta(tableA, deltaOf(a, b, "A", "B"), KEY);
    const again = decodeTable(encodeTable(result, tableA.schema));
    expect(contents(again)).toEqual(contents(decodeTable(ipcOf(b, snapshotMeta("B")))));
    const qty = again.schema.fields.find((f) => f.name === "QTY")?.type as { bitWidth: number };
    expect(qty.bitWidth).toBe(32);
    // values that still fit keep the narrow width
    const kept = decodeTable(encodeTable(tableA, tableA.schema));
    const keptQty = kept.schema.fields.find((f) => f.name === "QTY")?.type as { bitWidth: number } | undefined;
    expect(keptQty?.bitWidth).toBe(8);
  });

  it("round-trips an empty table", () => {
    const empty = decodeTable(ipcOf([], snapshotMeta("A")));
    expect(contents(decodeTable(encodeTable(empty, empty.schema)))).toEqual(contents(empty));
  });
});
