/**
 * The sync benchmark page. bench/sync.py opens it in headless Chromium: window.coldRun(data, engine)
 * once per fresh page (before: the previous decoder on the previous encoder's bytes; after: this
 * core on the bytes served now; arquero: fromArrow on the same bytes), and window.applyRun(data,
 * runs): the first poll's delta onto a freshly loaded A, then the next poll's onto its result.
 */
import { applyDelta } from "../../frontend/src/core/apply-delta";
import { decodeTable } from "../../frontend/src/core/decode-table";
import { cellValue, type Table } from "../../frontend/src/core/table";
// The previous decoder, extracted by bench/sync.py from git (frontend/src/core at --before-ref).
import { decodeTable as decodeBefore } from "../.work/before/frontend/src/core/decode-table";
import { createArqueroEngine } from "../browser/engine-arquero";
import { createCoreEngine } from "../browser/engine-core";
import { collectGarbage, stats, timed } from "../browser/measure";
import { OVERVIEW_QUERIES } from "../browser/workload";

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const SUGGEST_FIELDS = ["LOTID", "WORKORDER"] as const;

async function coldRun(data: string, engine: "before" | "after" | "arquero") {
  const bytes = await fetchBytes(`${data}/${engine === "before" ? "before" : "a"}.arrows`);
  collectGarbage();
  if (engine === "arquero") {
    const aq = createArqueroEngine();
    await aq.init();
    const decode = await timed(() => aq.load(bytes));
    const queries = await timed(() => aq.run(OVERVIEW_QUERIES));
    const first: Record<string, number> = {};
    for (const field of SUGGEST_FIELDS) first[field] = (await timed(() => aq.suggest({ field, text: "0042" }))).ms;
    return { decode_ms: decode.ms, decode_and_queries_ms: decode.ms + queries.ms, first_suggest_ms: first };
  }
  const core = createCoreEngine();
  const decode = await timed(() => core.load(bytes, engine === "before" ? decodeBefore : decodeTable));
  const queries = await timed(() => core.run(OVERVIEW_QUERIES));
  const first: Record<string, number> = {};
  for (const field of SUGGEST_FIELDS) first[field] = (await timed(() => core.suggest({ field, text: "0042" }))).ms;
  return { decode_ms: decode.ms, decode_and_queries_ms: decode.ms + queries.ms, first_suggest_ms: first };
}

/** The first cell where two tables differ, or null when they are equal on every cell. */
function difference(got: Table, want: Table): string | null {
  if (got.numRows !== want.numRows) return `rows ${got.numRows} != ${want.numRows}`;
  for (const name of want.columnNames) {
    const a = got.columns.get(name);
    const b = want.columns.get(name);
    if (!a || !b) return `column ${name} missing`;
    for (let row = 0; row < want.numRows; row++) {
      const x = cellValue(a, row);
      const y = cellValue(b, row);
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return `${name}[${row}]: ${String(x)} != ${String(y)}`;
    }
  }
  return null;
}

/**
 * Each run as a page meets its polls: A decoded afresh (not timed), the delta A -> B applied to it
 * (the first poll after a full load: A's key column not decoded yet), then the delta B -> C applied
 * to that result (the next poll: a table a delta made). The last results are checked equal to B
 * and C decoded in full, on every cell.
 */
async function applyRun(data: string, runs: number) {
  const names = ["a", "delta", "b", "delta2", "c"];
  const [a, delta, b, delta2, c] = await Promise.all(names.map((n) => fetchBytes(`${data}/${n}.arrows`)));
  if (!a || !delta || !b || !delta2 || !c) throw new Error("missing payload");
  const afterLoad: number[] = [];
  const chained: number[] = [];
  let first: Table | null = null;
  let second: Table | null = null;
  collectGarbage();
  for (let i = 0; i < runs; i++) {
    const base = decodeTable(a);
    const one = await timed(() => applyDelta(base, delta));
    afterLoad.push(one.ms);
    const two = await timed(() => applyDelta(one.value, delta2));
    chained.push(two.ms);
    first = one.value;
    second = two.value;
  }
  const diffB = first ? difference(first, decodeTable(b)) : "no result";
  const diffC = second ? difference(second, decodeTable(c)) : "no result";
  return {
    apply: stats(afterLoad),
    apply_chained: stats(chained),
    equal: diffB === null && diffC === null,
    difference: diffB ?? diffC,
    rows: second?.numRows ?? null,
  };
}

Object.assign(window, { coldRun, applyRun, benchReady: true });
const status = document.getElementById("status");
if (status) status.textContent = "ready";
